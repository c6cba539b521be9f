#!/usr/bin/env bash
# Forwarding benchmark: h1 -- switch namespace -- h2, on the same veths for every candidate.
#
#   e2e/bench/forwarding.sh [--runs N] [--seconds S] [--only "direct bridge kvswitch ..."]
#
# Candidates:
#   direct         a veth straight from h1 to h2 (the ceiling; its own pair, the switch is bypassed)
#   bridge         a Linux bridge in the switch namespace
#   kvswitch       StandaloneMain in the switch namespace, AF_PACKET ports with the default receive
#                  ring (TPACKET_V2, 2 KiB slots, as pods get), access VLAN 10, MAC learning,
#                  counters and offload headers on (started and ended by pid)
#   kvswitch-bare  the same switch with the features off that can be: both ports in VLAN 1 (the
#                  default VLAN, as a Linux bridge port's PVID), `learning: false` on both with
#                  static MAC entries for h1 and h2. Counters are kept per forwarding thread and
#                  cannot be turned off, so they are in both. kvswitch / kvswitch-bare is what
#                  VLANs and learning cost, printed as its own line.
#   kvswitch-v3    as kvswitch, with `rxRing: tpacket-v3` on both ports (frames handed over in
#                  blocks, at least 1 ms late at low rates; see dataplane/PORTS.md)
#   ovs            Open vSwitch, userspace datapath (datapath_type=netdev, --disable-system,
#                  userspace-tso-enable=true), its own ovsdb-server/ovs-vswitchd with db/run dirs
#                  in a temp dir (ended by pid)
#
# Figures, each the median of N runs (default 3); the candidates alternate within every run and
# the CPU is checked for idleness (>= 80 % idle over 1 s, waited for up to IDLE_WAIT=10 s) before each:
#   64B frames/s   trafgen (netsniff-ng) pinned to CPU 0 sends 64-byte UDP frames from h1; an nft
#                  netdev ingress rule drops them on h2's interface; forwarded = h2's rx_packets
#   TCP Gbit/s     iperf3 h1 -> h2, offloads on (veth defaults)
#   ping p50/p99   ICMP echo RTT h1 -> h2, 300 pings 5 ms apart: every ping finds the switch idle
#   sockperf p50/p99  UDP ping-pong h1 -> h2 (sockperf, back to back for S seconds), one-way
#                  latency (half the round trip) in us: the switch busy with one frame at a time;
#                  n/a without sockperf
#   CPU ns/frame   busy CPU time of the whole machine (both cores, generator included) during the
#                  64-byte run, per frame forwarded
#   idle CPU %     kvswitch only: CPU time of its forwarding threads (kvswitch-fwd-*, nanoseconds
#                  on CPU from /proc/<pid>/task/*/schedstat) over 3 s without traffic, in % of one core
# A figure measured while the CPU was not idle is marked with '*'.
#
# Needs root, iproute2, trafgen (netsniff-ng), nft (nftables), iperf3, ping, python3, sockperf
# (optional); OVS needs
# openvswitch-switch; kvswitch needs JDK 25 (JAVA_HOME or /usr/lib/jvm/temurin-25-jdk-amd64) and
# builds the dataplane module if it is not built. Everything it makes carries a random prefix and
# is removed on exit.
set -euo pipefail

RUNS=3
SECONDS_PER_TEST=5
ONLY="direct bridge kvswitch kvswitch-bare kvswitch-v3 ovs"
IDLE_WAIT=${IDLE_WAIT:-10}          # seconds to wait for an idle CPU before each figure
KVSWITCH_THREADS=${KVSWITCH_THREADS:-} # forwarding threads; the dataplane's default when empty
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --seconds) SECONDS_PER_TEST="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--seconds S] [--only \"$ONLY\"]" >&2; exit 2 ;;
  esac
done

if [[ $(id -u) -ne 0 ]]; then
  echo "forwarding.sh needs root (network namespaces, AF_PACKET)" >&2
  exit 1
fi

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ID=kvb$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
WORK=$(mktemp -d "/tmp/$ID.XXXX")
H1=$ID-h1
H2=$ID-h2
SW=$ID-sw
H1_IF=$ID-h1e # h1's end of the pair into the switch
S1_IF=$ID-s1  # switch end towards h1
S2_IF=$ID-s2  # switch end towards h2
H2_IF=$ID-h2e # h2's end of the pair into the switch
D1_IF=$ID-d1  # direct pair, h1's end
D2_IF=$ID-d2  # direct pair, h2's end
H1_MAC=02:4b:42:00:00:01
H2_MAC=02:4b:42:00:00:02
D1_MAC=02:4b:42:00:01:01
D2_MAC=02:4b:42:00:01:02
PIDS=()
CURRENT_PIDS=()
RESULTS=$WORK/results.tsv
: >"$RESULTS"

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

stop_pid() {
  local pid=$1
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || return 0
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

cleanup() {
  set +e
  for pid in "${CURRENT_PIDS[@]}" "${PIDS[@]}"; do stop_pid "$pid"; done
  for ns in "$H1" "$H2" "$SW"; do
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# --- topology -------------------------------------------------------------------------------------
for ns in "$H1" "$H2" "$SW"; do
  ip netns add "$ns"
  in_ns "$ns" ip link set lo up
  in_ns "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
  in_ns "$ns" sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
done
ip link add "$H1_IF" netns "$H1" type veth peer name "$S1_IF" netns "$SW"
ip link add "$H2_IF" netns "$H2" type veth peer name "$S2_IF" netns "$SW"
ip link add "$D1_IF" netns "$H1" type veth peer name "$D2_IF" netns "$H2"
in_ns "$H1" ip link set "$H1_IF" address "$H1_MAC"
in_ns "$H2" ip link set "$H2_IF" address "$H2_MAC"
in_ns "$H1" ip link set "$D1_IF" address "$D1_MAC"
in_ns "$H2" ip link set "$D2_IF" address "$D2_MAC"
in_ns "$H1" ip addr add 10.99.0.1/24 dev "$H1_IF"
in_ns "$H2" ip addr add 10.99.0.2/24 dev "$H2_IF"
in_ns "$H1" ip addr add 10.99.1.1/24 dev "$D1_IF"
in_ns "$H2" ip addr add 10.99.1.2/24 dev "$D2_IF"
for link in "$H1 $H1_IF" "$H1 $D1_IF" "$H2 $H2_IF" "$H2 $D2_IF" "$SW $S1_IF" "$SW $S2_IF"; do
  set -- $link
  in_ns "$1" ip link set "$2" up
done

# h2 drops the benchmark's UDP frames (port 9) at ingress, before its stack sees them.
in_ns "$H2" nft -f - <<EOF
table netdev kvbench {
  chain sink { type filter hook ingress device "$H2_IF" priority 0; udp dport 9 drop; }
  chain directsink { type filter hook ingress device "$D2_IF" priority 0; udp dport 9 drop; }
}
EOF

# 64-byte frames (60 without FCS): Ethernet, IPv4 (checksum by trafgen), UDP to port 9, 18 zeros.
trafgen_config() {
  local dst=$1 src=$2 srcip=$3 dstip=$4
  local hex
  hex() { echo "$1" | sed 's/^/0x/; s/:/, 0x/g'; }
  local sip dip
  sip=$(echo "$srcip" | tr '.' ',')
  dip=$(echo "$dstip" | tr '.' ',')
  cat <<EOF
{
  $(hex "$dst"), $(hex "$src"), 0x08, 0x00,
  0x45, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, csumip(14, 33),
  $sip, $dip,
  0x04, 0x00, 0x00, 0x09, 0x00, 0x1a, 0x00, 0x00,
  fill(0x00, 18)
}
EOF
}
trafgen_config "$H2_MAC" "$H1_MAC" 10.99.0.1 10.99.0.2 >"$WORK/switched.trafgen"
trafgen_config "$D2_MAC" "$D1_MAC" 10.99.1.1 10.99.1.2 >"$WORK/direct.trafgen"

# --- measurement helpers --------------------------------------------------------------------------
cpu_sample() { awk '/^cpu /{busy=$2+$3+$4+$7+$8+$9; idle=$5+$6; print busy, idle}' /proc/stat; }

# Waits until the machine is >= 80 % idle over one second (up to IDLE_WAIT seconds).
IDLE_OK=1
await_idle() {
  local idle=0
  for _ in $(seq 1 "$IDLE_WAIT"); do
    read -r b1 i1 < <(cpu_sample)
    sleep 1
    read -r b2 i2 < <(cpu_sample)
    idle=$(( 100 * (i2 - i1) / ((b2 - b1) + (i2 - i1) + 1) ))
    if (( idle >= 80 )); then
      IDLE_OK=1
      return
    fi
  done
  log "CPU only ${idle}% idle after ${IDLE_WAIT} s; measuring anyway (marked *)"
  IDLE_OK=0
}

rx_packets() { in_ns "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }

# record CANDIDATE METRIC VALUE
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$IDLE_OK" >>"$RESULTS"; }

measure_frames() {
  local candidate=$1 dev=$2 sink=$3 config=$4
  # Warm up (JIT, MAC learning, ring setup), then measure.
  in_ns "$H1" timeout -s INT 2 taskset -c 0 \
    trafgen -o "$dev" -i "$config" -P 1 --no-sock-mem -Q -C >/dev/null 2>&1 </dev/null || true
  await_idle
  local before after b1 i1 b2 i2 start end
  before=$(rx_packets "$H2" "$sink")
  read -r b1 i1 < <(cpu_sample)
  start=$(date +%s.%N)
  in_ns "$H1" timeout -s INT "$SECONDS_PER_TEST" taskset -c 0 \
    trafgen -o "$dev" -i "$config" -P 1 --no-sock-mem -Q -C >/dev/null 2>&1 </dev/null || true
  end=$(date +%s.%N)
  read -r b2 i2 < <(cpu_sample)
  # Let frames still in rings and queues arrive before reading the counter.
  sleep 0.5
  after=$(rx_packets "$H2" "$sink")
  local forwarded=$((after - before))
  local hz
  hz=$(getconf CLK_TCK)
  python3 - "$candidate" "$forwarded" "$start" "$end" "$((b2 - b1))" "$hz" >>"$WORK/frames.out" <<'EOF'
import sys
cand, fwd, start, end, busy, hz = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
pps = fwd / (end - start)
ns = busy * 1e9 / hz / fwd if fwd else float("nan")
print(f"{cand}\t{pps:.0f}\t{ns:.0f}")
EOF
  local line
  line=$(tail -1 "$WORK/frames.out")
  record "$candidate" frames_per_s "$(cut -f2 <<<"$line")"
  record "$candidate" cpu_ns_per_frame "$(cut -f3 <<<"$line")"
  log "$candidate: $(cut -f2 <<<"$line") frames/s forwarded, $(cut -f3 <<<"$line") CPU ns/frame"
}

measure_tcp() {
  local candidate=$1 server=$2
  await_idle
  # ip netns exec (not a shell function) so that $! is the pid of iperf3 itself.
  ip netns exec "$H2" iperf3 -s -1 -B "$server" >/dev/null 2>&1 </dev/null &
  local pid=$!
  CURRENT_PIDS+=("$pid")
  for _ in $(seq 1 50); do
    in_ns "$H2" ss -ltnH | grep -q "$server:5201" && break
    sleep 0.1
  done
  local json gbits
  json=$(in_ns "$H1" timeout 60 iperf3 -c "$server" -t "$SECONDS_PER_TEST" -J || true)
  wait "$pid" 2>/dev/null || true
  gbits=$(python3 -c 'import json,sys
try:
  print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception:
  print("nan")' <<<"$json")
  record "$candidate" tcp_gbit_s "$gbits"
  log "$candidate: TCP $gbits Gbit/s"
}

measure_ping() {
  local candidate=$1 target=$2
  await_idle
  local out
  out=$(in_ns "$H1" ping -c 300 -i 0.005 -W 1 "$target" || true)
  python3 - "$candidate" >>"$WORK/ping.out" <<EOF
import re, sys
# Duplicated replies (a forwarding loop) would flatter the figures: only the first answer counts.
rtts = sorted(float(m) for m in re.findall(r"time=([0-9.]+) ms(?! DUP)", """$out"""))
def pct(p):
    return rtts[min(len(rtts) - 1, int(round(p / 100 * (len(rtts) - 1))))] * 1000 if rtts else float("nan")
print(f"{sys.argv[1]}\t{pct(50):.0f}\t{pct(99):.0f}\t{len(rtts)}")
EOF
  local line
  line=$(tail -1 "$WORK/ping.out")
  record "$candidate" ping_p50_us "$(cut -f2 <<<"$line")"
  record "$candidate" ping_p99_us "$(cut -f3 <<<"$line")"
  log "$candidate: ping p50 $(cut -f2 <<<"$line") us, p99 $(cut -f3 <<<"$line") us ($(cut -f4 <<<"$line")/300 answered)"
}

measure_sockperf() {
  local candidate=$1 server=$2
  command -v sockperf >/dev/null || return 0
  await_idle
  ip netns exec "$H2" sockperf server -i "$server" -p 11111 >/dev/null 2>&1 </dev/null &
  local pid=$!
  CURRENT_PIDS+=("$pid")
  sleep 0.5
  local out
  out=$(in_ns "$H1" timeout 60 sockperf ping-pong -i "$server" -p 11111 -t "$SECONDS_PER_TEST" 2>&1 || true)
  stop_pid "$pid"
  local p50 p99
  p50=$(awk '/percentile 50.000 =/ {print $NF}' <<<"$out")
  p99=$(awk '/percentile 99.000 =/ {print $NF}' <<<"$out")
  record "$candidate" sockperf_p50_us "${p50:-nan}"
  record "$candidate" sockperf_p99_us "${p99:-nan}"
  log "$candidate: sockperf one-way p50 ${p50:-n/a} us, p99 ${p99:-n/a} us"
}

# Nanoseconds on CPU of a JVM's forwarding threads: the first field of each thread's schedstat
# (the same time as utime + stime in its stat, which counts in 10 ms ticks).
forwarding_cpu_ns() {
  local pid=$1 total=0 task
  for task in /proc/"$pid"/task/*; do
    [[ $(cat "$task/comm" 2>/dev/null) == kvswitch-fwd-* ]] || continue
    total=$((total + $(cut -d' ' -f1 "$task/schedstat")))
  done
  echo "$total"
}

measure_idle_cpu() {
  local candidate=$1 pid=$2 before after
  sleep 1 # let the start-up traffic (ARP, the first pings) end
  before=$(forwarding_cpu_ns "$pid")
  sleep 3
  after=$(forwarding_cpu_ns "$pid")
  local pct
  pct=$(python3 -c "print('%.2f' % (($after - $before) * 100 / 3e9))")
  record "$candidate" idle_cpu_pct "$pct"
  log "$candidate: forwarding threads used $pct % of a core over 3 s without traffic"
}

measure_switched() {
  local candidate=$1
  in_ns "$H1" ping -c 3 -i 0.2 -W 2 10.99.0.2 >/dev/null || log "$candidate: h1 cannot ping h2"
  measure_frames "$candidate" "$H1_IF" "$H2_IF" "$WORK/switched.trafgen"
  measure_tcp "$candidate" 10.99.0.2
  measure_ping "$candidate" 10.99.0.2
  measure_sockperf "$candidate" 10.99.0.2
}

# --- candidates -----------------------------------------------------------------------------------
NA=()

run_direct() {
  in_ns "$H1" ping -c 3 -i 0.2 -W 2 10.99.1.2 >/dev/null || log "direct: h1 cannot ping h2"
  measure_frames direct "$D1_IF" "$D2_IF" "$WORK/direct.trafgen"
  measure_tcp direct 10.99.1.2
  measure_ping direct 10.99.1.2
  measure_sockperf direct 10.99.1.2
}

run_bridge() {
  local br=$ID-br
  in_ns "$SW" ip link add "$br" type bridge
  in_ns "$SW" ip link set "$S1_IF" master "$br"
  in_ns "$SW" ip link set "$S2_IF" master "$br"
  in_ns "$SW" ip link set "$br" up
  measure_switched bridge
  in_ns "$SW" ip link del "$br"
}

KVSWITCH_CP=""
kvswitch_classpath() {
  if [[ -n "$KVSWITCH_CP" ]]; then return 0; fi
  local java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
  if [[ ! -x "$java_home/bin/java" ]]; then
    NA+=("kvswitch: no JDK 25 at $java_home")
    return 1
  fi
  JAVA="$java_home/bin/java"
  if [[ ! -f "$ROOT/dataplane/target/classes/META-INF/services/io.kvswitch.dataplane.config.PortFactory" ]]; then
    log "building the dataplane module"
    (cd "$ROOT" && JAVA_HOME=$java_home ./mvnw -B -q -pl dataplane -am install -DskipTests) >&2
  fi
  (cd "$ROOT" && JAVA_HOME=$java_home ./mvnw -B -q -pl dataplane dependency:build-classpath \
    -Dmdep.outputFile="$WORK/runtime.classpath") >&2
  KVSWITCH_CP="$ROOT/dataplane/target/classes:$(cat "$WORK/runtime.classpath")"
}

# start_kvswitch CANDIDATE: runs StandaloneMain on $WORK/CANDIDATE.yaml and measures it.
start_kvswitch() {
  local candidate=$1
  # ip netns exec (not a shell function) so that $! is the pid of the JVM itself.
  ip netns exec "$SW" "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx512m -cp "$KVSWITCH_CP" \
    io.kvswitch.dataplane.StandaloneMain "$WORK/$candidate.yaml" >"$WORK/kvswitch.log" 2>&1 &
  local pid=$!
  CURRENT_PIDS=("$pid")
  for _ in $(seq 1 600); do
    grep -q "kvswitch dataplane forwarding" "$WORK/kvswitch.log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! grep -q "kvswitch dataplane forwarding" "$WORK/kvswitch.log"; then
    NA+=("$candidate: did not start: $(tail -3 "$WORK/kvswitch.log" | tr '\n' ' ')")
    stop_pid "$pid"
    return 1
  fi
  measure_idle_cpu "$candidate" "$pid"
  measure_switched "$candidate"
  stop_pid "$pid"
  CURRENT_PIDS=()
}

run_kvswitch() {
  kvswitch_classpath || return 1
  cat >"$WORK/kvswitch.yaml" <<EOF
${KVSWITCH_THREADS:+threads: $KVSWITCH_THREADS}
metrics: {address: 127.0.0.1, port: 0}
ports:
  - {name: h1, type: afpacket, device: $S1_IF, mode: access, vlan: 10}
  - {name: h2, type: afpacket, device: $S2_IF, mode: access, vlan: 10}
EOF
  start_kvswitch kvswitch
}

run_kvswitch_bare() {
  kvswitch_classpath || return 1
  cat >"$WORK/kvswitch-bare.yaml" <<EOF
${KVSWITCH_THREADS:+threads: $KVSWITCH_THREADS}
metrics: {address: 127.0.0.1, port: 0}
ports:
  - {name: h1, type: afpacket, device: $S1_IF, mode: access, vlan: 1, learning: false}
  - {name: h2, type: afpacket, device: $S2_IF, mode: access, vlan: 1, learning: false}
macLearning:
  staticEntries:
    - {port: h1, vlan: 1, mac: "$H1_MAC"}
    - {port: h2, vlan: 1, mac: "$H2_MAC"}
EOF
  start_kvswitch kvswitch-bare
}

run_kvswitch_v3() {
  kvswitch_classpath || return 1
  cat >"$WORK/kvswitch-v3.yaml" <<EOF
${KVSWITCH_THREADS:+threads: $KVSWITCH_THREADS}
metrics: {address: 127.0.0.1, port: 0}
ports:
  - {name: h1, type: afpacket, device: $S1_IF, mode: access, vlan: 10, rxRing: tpacket-v3}
  - {name: h2, type: afpacket, device: $S2_IF, mode: access, vlan: 10, rxRing: tpacket-v3}
EOF
  start_kvswitch kvswitch-v3
}

run_ovs() {
  if ! command -v ovs-vswitchd >/dev/null || ! command -v ovsdb-server >/dev/null; then
    NA+=("ovs: openvswitch-switch is not installed")
    return 1
  fi
  local dir=$WORK/ovs
  rm -rf "$dir"
  mkdir -p "$dir"
  export OVS_RUNDIR=$dir OVS_LOGDIR=$dir OVS_DBDIR=$dir
  local db=unix:$dir/db.sock
  local schema=/usr/share/openvswitch/vswitch.ovsschema
  ovsdb-tool create "$dir/conf.db" "$schema"
  in_ns "$SW" ovsdb-server "$dir/conf.db" --remote="p$db" --pidfile="$dir/ovsdb.pid" \
    --unixctl="$dir/ovsdb.ctl" --log-file="$dir/ovsdb.log" --detach --no-chdir
  CURRENT_PIDS=("$(cat "$dir/ovsdb.pid")")
  ovs-vsctl --db="$db" --no-wait init
  ovs-vsctl --db="$db" --no-wait set Open_vSwitch . other_config:userspace-tso-enable=true
  in_ns "$SW" ovs-vswitchd "$db" --pidfile="$dir/vswitchd.pid" --unixctl="$dir/vswitchd.ctl" \
    --log-file="$dir/vswitchd.log" --disable-system --detach --no-chdir
  CURRENT_PIDS+=("$(cat "$dir/vswitchd.pid")")
  ovs-vsctl --db="$db" --timeout=30 add-br "$ID-ovs" -- set bridge "$ID-ovs" datapath_type=netdev \
    -- add-port "$ID-ovs" "$S1_IF" -- add-port "$ID-ovs" "$S2_IF"
  in_ns "$SW" ip link set "$ID-ovs" up || true
  measure_switched ovs
  ovs-vsctl --db="$db" --timeout=30 del-br "$ID-ovs" || true
  stop_pid "$(cat "$dir/vswitchd.pid")"
  stop_pid "$(cat "$dir/ovsdb.pid")"
  CURRENT_PIDS=()
  unset OVS_RUNDIR OVS_LOGDIR OVS_DBDIR
}

declare -A SKIP
for run in $(seq 1 "$RUNS"); do
  for candidate in $ONLY; do
    [[ -n "${SKIP[$candidate]:-}" ]] && continue
    log "run $run/$RUNS: $candidate"
    if ! "run_${candidate//-/_}"; then
      SKIP[$candidate]=1
      log "$candidate cannot run here; skipped"
    fi
  done
done

# --- report ---------------------------------------------------------------------------------------
printf '%s\n' "${NA[@]}" >"$WORK/na.txt"
python3 - "$RESULTS" "$WORK/na.txt" "$RUNS" "$ONLY" <<'EOF'
import statistics, sys
from collections import defaultdict
results, na_file, runs, candidates = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split()
values, busy = defaultdict(list), defaultdict(bool)
for line in open(results):
    cand, metric, value, idle_ok = line.rstrip("\n").split("\t")
    try:
        v = float(value)
    except ValueError:
        continue
    if v == v:
        values[(cand, metric)].append(v)
    busy[(cand, metric)] |= idle_ok != "1"
na = {l.split(":", 1)[0]: l.split(":", 1)[1].strip() for l in open(na_file) if ":" in l}
metrics = [("frames_per_s", "64B frames/s", "{:,.0f}", True),
           ("tcp_gbit_s", "TCP Gbit/s", "{:.2f}", True),
           ("ping_p50_us", "ping p50 us", "{:.0f}", False),
           ("ping_p99_us", "ping p99 us", "{:.0f}", False),
           ("sockperf_p50_us", "sockperf p50 us", "{:.1f}", False),
           ("sockperf_p99_us", "sockperf p99 us", "{:.1f}", False),
           ("cpu_ns_per_frame", "CPU ns/frame", "{:.0f}", False),
           ("idle_cpu_pct", "idle CPU %", "{:.2f}", False)]
def median(cand, metric):
    v = values.get((cand, metric))
    return statistics.median(v) if v else None
print()
print(f"medians of {runs} alternating runs; ratio = candidate / Linux bridge; * = CPU was not idle before a run")
header = f"{'candidate':<14}" + "".join(f"{label:>22}" for _, label, _, _ in metrics)
print(header)
print("-" * len(header))
for cand in candidates:
    if cand in na:
        print(f"{cand:<14}  n/a: {na[cand]}")
        continue
    cells = []
    for metric, _, fmt, _ in metrics:
        m, base = median(cand, metric), median("bridge", metric)
        if m is None:
            cells.append(f"{'n/a':>22}")
            continue
        text = fmt.format(m) + ("*" if busy[(cand, metric)] else "")
        if base:
            text += f" ({m / base:.2f}x)"
        cells.append(f"{text:>22}")
    print(f"{cand:<14}" + "".join(cells))
print()
k, bare = median("kvswitch", "frames_per_s"), median("kvswitch-bare", "frames_per_s")
if k and bare:
    print(f"kvswitch/kvswitch-bare 64B frames/s ratio (what VLAN 10 and learning cost): {k / bare:.2f}")
k, b = median("kvswitch", "frames_per_s"), median("bridge", "frames_per_s")
ratio = f"{k / b:.2f}" if k and b else "n/a"
print(f"kvswitch/linux-bridge 64B frames/s ratio: {ratio}")
EOF

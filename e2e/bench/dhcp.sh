#!/usr/bin/env bash
# DHCP benchmark: kvswitch's built-in DHCP server against Kea 2.2, driven by perfdhcp.
#
# Not a test: it measures and prints a table, it asserts nothing.
#
# What it does
#   - Creates three pairs of network namespaces joined by a veth pair each (names carry a
#     random id, "kdb<id>..."), one pair per server, and deletes them on exit (trap):
#       kea      kea-dhcp4, memfile lease database with persist on (leases.csv in a temp dir)
#       kvs-api  kvswitch's server (standalone UDP transport) with the agent's Kubernetes lease
#                store against a sandbox API server started in the same JVM: every lease is
#                written to the API before its ACK goes out, batched by group commit, one write
#                per block of 32 addresses a batch touches; the DhcpLease objects are projected
#                at the agent's rate, as in the agent
#       kvs-mem  kvswitch's server with the in-memory store, so the cost of the API store shows
#   - The server side has 10.64.0.1/16; perfdhcp runs in the client namespace from
#     10.64.255.254, as a relay (giaddr), so every reply is a unicast to it.
#   - Warms each server up, then raises the offered rate (perfdhcp -r) through RATES and then in
#     steps of STEP/s, alternating the three servers at each step, until a server drops more
#     than 2.5% of its exchanges (DISCOVERs that did not end in an ACK); its peak is the
#     highest step below that, reported as full 4-way (DORA) exchanges/s as perfdhcp counts
#     them ("Rate: ... 4-way exchanges/second").
#   - While one server is measured the other two are stopped (SIGSTOP/SIGCONT), so that one
#     still working off an overload cannot take CPU from the next.
#   - At twice each server's peak: the exchanges/s it still completes (run before the next item).
#   - At 4,000/s: latency of a whole exchange. Average: perfdhcp's average DISCOVER-OFFER delay
#     plus its average REQUEST-ACK delay. p99: from the timestamps of perfdhcp -x t, each
#     REQUEST-ACK joined to the DISCOVER-OFFER whose OFFER arrived last before that REQUEST.
#   - Prints a table, then as the last line: kvswitch/kea exchanges/s ratio: X.XX
#     (kvs-api peak over Kea's peak), after a line "kvs-mem/kea exchanges/s ratio: Y.YY" when
#     kvs-mem runs.
#
# Requirements: root; iproute2; perfdhcp (Debian kea-admin) and kea-dhcp4 (kea-dhcp4-server);
# JDK 25 (found as ./kvswitch finds it). The script compiles the project first (no install).
#
# Knobs (environment): DURATION seconds per run (5), RATES the first rates tried
# ("100 200 300 500 750 1000 1500 2000"), STEP rate step after those (1000), MAX_RATE highest
# rate tried (30000), CLIENTS distinct client MACs (50000), WARMUP_RATE (200), SETTLE seconds a
# server keeps running alone after each run to work off what is queued (3), SERVERS the servers
# to run, a subset of "kea kvs-api kvs-mem" (all three), KVS_JAVA_OPTS extra JVM options for the
# kvswitch servers, e.g. "-XX:StartFlightRecording=filename=/tmp/kvs.jfr" to profile them (none).
#
# Reading the kvs-api column: the sandbox API server is fabric8's mock server (one event loop,
# one global lock, a linear scan of every stored object per request), so it, not the lease
# store, bounds that column (about 300 requests/s with these objects); the kvs-api server prints
# how many API requests its leases took ("api requests=" on standard error), which is what a real
# API server would have to carry. The kvs-mem column is the server itself.
#
# Usage: sudo e2e/bench/dhcp.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
DURATION="${DURATION:-5}"
STEP="${STEP:-1000}"
RATES="${RATES:-100 200 300 500 750 1000 1500 2000}"
WARMUP_RATE="${WARMUP_RATE:-200}"
SETTLE="${SETTLE:-3}"
MAX_RATE="${MAX_RATE:-30000}"
CLIENTS="${CLIENTS:-50000}"
DROP_LIMIT="2.5"

[ "$(id -u)" -eq 0 ] || { echo "dhcp.sh: needs root (network namespaces)" >&2; exit 1; }
for tool in ip perfdhcp kea-dhcp4; do
  command -v "$tool" >/dev/null || { echo "dhcp.sh: $tool not found (apt-get install -y iproute2 kea-admin kea-dhcp4-server)" >&2; exit 1; }
done

id="$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
work="$(mktemp -d "/tmp/kdb-$id.XXXXXX")"
read -r -a servers <<<"${SERVERS:-kea kvs-api kvs-mem}"
for s in "${servers[@]}"; do
  case "$s" in
    kea | kvs-api | kvs-mem) ;;
    *) echo "dhcp.sh: unknown server '$s' in SERVERS (kea, kvs-api, kvs-mem)" >&2; exit 1 ;;
  esac
done
declare -A short=([kea]=k [kvs-api]=a [kvs-mem]=m)
declare -A pid=() ready=()

cleanup() {
  local s
  for s in "${servers[@]}"; do
    if [ -n "${pid[$s]:-}" ] && kill -0 "${pid[$s]}" 2>/dev/null; then
      kill -CONT "${pid[$s]}" 2>/dev/null || true
      kill "${pid[$s]}" 2>/dev/null || true
      wait "${pid[$s]}" 2>/dev/null || true
      # A kvswitch server prints its counters (messages by type, drops by reason) on exit.
      [ "$s" = kea ] || sed -n "s/^received/$s counters: received/p" "$work/$s.log" >&2 || true
      # And the first failures it logged, if any (their count is "failed replies" above).
      [ "$s" = kea ] || grep -m 3 -A 6 "DHCP server failed\|cannot send DHCP reply" "$work/$s.log" \
        | sed "s/^/$s: /" >&2 || true
    fi
    ip netns del "kdb$id${short[$s]}s" 2>/dev/null || true
    ip netns del "kdb$id${short[$s]}c" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

srv_ns() { echo "kdb$id${short[$1]}s"; }
cli_ns() { echo "kdb$id${short[$1]}c"; }
srv_if() { echo "kdb$id${short[$1]}0"; }
cli_if() { echo "kdb$id${short[$1]}1"; }

make_pair() {
  local s="$1"
  ip netns add "$(srv_ns "$s")"
  ip netns add "$(cli_ns "$s")"
  ip link add "$(srv_if "$s")" type veth peer name "$(cli_if "$s")"
  ip link set "$(srv_if "$s")" netns "$(srv_ns "$s")"
  ip link set "$(cli_if "$s")" netns "$(cli_ns "$s")"
  ip -n "$(srv_ns "$s")" addr add 10.64.0.1/16 dev "$(srv_if "$s")"
  ip -n "$(cli_ns "$s")" addr add 10.64.255.254/16 dev "$(cli_if "$s")"
  ip -n "$(srv_ns "$s")" link set lo up
  ip -n "$(cli_ns "$s")" link set lo up
  ip -n "$(srv_ns "$s")" link set "$(srv_if "$s")" up
  ip -n "$(cli_ns "$s")" link set "$(cli_if "$s")" up
}

# --- build and find the JDK -------------------------------------------------------------
java_home=""
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25*; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] \
    && "$candidate/bin/java" -version 2>&1 | grep -q 'version "25'; then
    java_home="$candidate"
    break
  fi
done
[ -n "$java_home" ] || { echo "dhcp.sh: no JDK 25 found; set JAVA_HOME" >&2; exit 1; }
# Compiled in the reactor, so that the project's own modules come from this tree's
# target/classes and not from whatever ~/.m2 holds.
(cd "$root" && JAVA_HOME="$java_home" ./mvnw -B -q -pl e2e -am compile dependency:build-classpath \
  -Dmdep.outputFile="$work/classpath" >"$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }
classpath="$root/e2e/target/classes:$(cat "$work/classpath")"

# --- servers ----------------------------------------------------------------------------
start_kea() {
  mkdir -p "$work/kea"
  cat >"$work/kea/kea.json" <<JSON
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "$(srv_if kea)" ], "dhcp-socket-type": "udp" },
    "lease-database": { "type": "memfile", "persist": true, "name": "$work/kea/leases.csv",
                        "lfc-interval": 0 },
    "valid-lifetime": 3600,
    "subnet4": [ { "id": 1, "subnet": "10.64.0.0/16",
                   "pools": [ { "pool": "10.64.1.0 - 10.64.254.254" } ],
                   "option-data": [ { "name": "routers", "data": "10.64.0.1" } ] } ],
    "loggers": [ { "name": "kea-dhcp4", "severity": "WARN",
                   "output_options": [ { "output": "$work/kea/kea.log" } ] } ] } }
JSON
  KEA_PIDFILE_DIR="$work/kea" KEA_LOCKFILE_DIR="$work/kea" \
    ip netns exec "$(srv_ns kea)" kea-dhcp4 -c "$work/kea/kea.json" >"$work/kea/stdout" 2>&1 &
  pid[kea]=$!
}

start_kvswitch() {
  local s="$1" store="$2"
  # shellcheck disable=SC2086 # KVS_JAVA_OPTS holds several options
  "$java_home/bin/java" -Xmx2g ${KVS_JAVA_OPTS:-} -cp "$classpath" io.kvswitch.e2e.bench.DhcpBenchServer \
    "$store" "$(srv_ns "$s")" "$(srv_if "$s")" 10.64.0.0/16 10.64.0.1 10.64.1.0 10.64.254.254 \
    "$root/crds/manifests" >"$work/$s.log" 2>&1 &
  pid[$s]=$!
}

# wait_ready SERVER: until the server answers a DORA; a kvswitch server first says "ready".
wait_ready() {
  local s="$1" i log="$work/$1.log"
  [ "$s" = kea ] && log="$work/kea/stdout"
  for i in $(seq 1 180); do
    if ! kill -0 "${pid[$s]}" 2>/dev/null; then
      echo "dhcp.sh: $s exited; its log:" >&2
      cat "$log" "$work/kea/kea.log" 2>/dev/null >&2 || true
      exit 1
    fi
    if [ "$s" = kea ] || grep -q '^ready$' "$log"; then
      break
    fi
    sleep 1
  done
  ready[$s]=1
  for i in $(seq 1 30); do
    perfdhcp_run "$s" 100 1
    if [ "$(field "$last" acked)" != 0 ]; then
      return 0
    fi
  done
  echo "dhcp.sh: $s did not answer; end of its log:" >&2
  tail -20 "$log" >&2
  exit 1
}

# --- perfdhcp ---------------------------------------------------------------------------
# Only the server being measured runs; the others are stopped (SIGSTOP), so that a server still
# working off the backlog of its own overloaded run cannot take CPU from the next one.
focus() {
  local s
  for s in "${servers[@]}"; do
    [ "${ready[$s]:-0}" = 1 ] || continue
    if [ "$s" = "$1" ]; then kill -CONT "${pid[$s]}"; else kill -STOP "${pid[$s]}"; fi
  done
}

last=""
# perfdhcp_run SERVER RATE SECONDS [extra perfdhcp options...]: output in $last (a file).
perfdhcp_run() {
  local s="$1" rate="$2" secs="$3"
  shift 3
  focus "$s"
  last="$work/perfdhcp-$s-$rate-$RANDOM.out"
  ip netns exec "$(cli_ns "$s")" timeout $((secs + 30)) perfdhcp -4 -l 10.64.255.254 \
    -r "$rate" -p "$secs" -R "$CLIENTS" "$@" 10.64.0.1 >"$last" 2>&1 || true
  sleep "$SETTLE"
}

# field FILE rate|sent|acked|do_avg|ra_avg
field() {
  awk -v want="$2" '
    /^Rate:/ { rate = $2 }
    /Statistics for: DISCOVER-OFFER/ { sect = "do" }
    /Statistics for: REQUEST-ACK/ { sect = "ra" }
    /^sent packets:/ { sent[sect] = $3 }
    /^received packets:/ { recv[sect] = $3 }
    /^avg delay:/ { avg[sect] = $3 }
    END {
      if (want == "rate") print (rate == "" ? 0 : rate)
      if (want == "sent") print (sent["do"] == "" ? 0 : sent["do"])
      if (want == "acked") print (recv["ra"] == "" ? 0 : recv["ra"])
      if (want == "do_avg") print (avg["do"] == "" ? 0 : avg["do"])
      if (want == "ra_avg") print (avg["ra"] == "" ? 0 : avg["ra"])
    }' "$1"
}

# Share of DISCOVERs that did not end in an ACK, in percent.
drop_pct() {
  local sent acked
  sent="$(field "$1" sent)"
  acked="$(field "$1" acked)"
  awk -v s="$sent" -v a="$acked" 'BEGIN { if (s == 0) print 100; else printf "%.2f", (s - a) * 100 / s }'
}

# p99 of whole exchanges, in ms, from perfdhcp -x t. perfdhcp lists send/receive times per
# message pair, not per client; a REQUEST is sent the moment its OFFER arrives, so each
# REQUEST-ACK is joined to the DISCOVER-OFFER whose OFFER arrived last before that REQUEST left.
exchange_p99() {
  python3 - "$1" <<'PY'
import bisect, re, sys
text = open(sys.argv[1]).read()
def pairs(kind):
    m = re.search(r"\*\*\*Timestamps for packets: " + kind + r"\*\*\*\n(.*?)(?=\n\*\*\*|\Z)", text, re.S)
    if not m:
        return []
    return [(float(a), float(b)) for a, b in re.findall(r"sent / received: ([0-9.]+) / ([0-9.]+)", m.group(1))]
do = sorted(pairs("DISCOVER-OFFER"), key=lambda p: p[1])
ra = pairs("REQUEST-ACK")
offers = [p[1] for p in do]
total = []
for sent, received in ra:
    i = bisect.bisect_right(offers, sent) - 1
    if i >= 0:
        total.append((received - do[i][0]) * 1000)
if not total:
    print("n/a")
else:
    total.sort()
    print("%.3f" % total[min(len(total) - 1, int(len(total) * 0.99))])
PY
}

# --- run --------------------------------------------------------------------------------
runs() { [[ " ${servers[*]} " == *" $1 "* ]]; }
for s in "${servers[@]}"; do make_pair "$s"; done
runs kea && start_kea
runs kvs-api && start_kvswitch kvs-api api
runs kvs-mem && start_kvswitch kvs-mem memory
for s in "${servers[@]}"; do wait_ready "$s"; done

echo "warming up (${DURATION}s at ${WARMUP_RATE}/s each)" >&2
for s in "${servers[@]}"; do perfdhcp_run "$s" "$WARMUP_RATE" "$DURATION"; done

declare -A peak=() peak_rate=() done_=()
for s in "${servers[@]}"; do peak[$s]=0; peak_rate[$s]=0; done_[$s]=0; done
ladder="$RATES"
last_rate="${RATES##* }"
for ((r = last_rate + STEP; r <= MAX_RATE; r += STEP)); do ladder="$ladder $r"; done
for rate in $ladder; do
  active=0
  for s in "${servers[@]}"; do
    [ "${done_[$s]}" = 1 ] && continue
    active=1
    perfdhcp_run "$s" "$rate" "$DURATION"
    d="$(drop_pct "$last")"
    got="$(field "$last" rate)"
    printf '%-8s offered %6d/s: %9s exchanges/s, %6s%% dropped\n' "$s" "$rate" "$got" "$d" >&2
    if awk -v d="$d" -v l="$DROP_LIMIT" 'BEGIN { exit !(d > l) }'; then
      done_[$s]=1
    else
      peak[$s]="$got"
      peak_rate[$s]="$rate"
    fi
  done
  [ "$active" = 1 ] || break
done

declare -A avg4k=() p99_4k=() drop4k=() over=()
# Overload before the latency runs: a server's backlog from 4,000/s beyond its peak would
# otherwise still be queued when its overload run starts.
for s in "${servers[@]}"; do
  if [ "${peak_rate[$s]}" = 0 ]; then
    over[$s]="n/a"
    continue
  fi
  perfdhcp_run "$s" $((2 * ${peak_rate[$s]})) "$DURATION"
  over[$s]="$(field "$last" rate)"
done

for s in "${servers[@]}"; do
  perfdhcp_run "$s" 4000 "$DURATION" -x t
  avg4k[$s]="$(awk -v a="$(field "$last" do_avg)" -v b="$(field "$last" ra_avg)" 'BEGIN { printf "%.3f", a + b }')"
  p99_4k[$s]="$(exchange_p99 "$last")"
  drop4k[$s]="$(drop_pct "$last")"
done
printf '\n%-8s | %14s | %10s | %12s | %12s | %10s | %16s | %9s\n' \
  server "peak exch/s" "at rate/s" "avg ms @4k" "p99 ms @4k" "drop% @4k" "exch/s @2x peak" "2x/peak"
printf -- '---------+----------------+------------+--------------+--------------+------------+------------------+----------\n'
for s in "${servers[@]}"; do
  ratio="$(awk -v o="${over[$s]}" -v p="${peak[$s]}" 'BEGIN { if (p == 0 || o == "n/a") print "n/a"; else printf "%.2f", o / p }')"
  printf '%-8s | %14s | %10s | %12s | %12s | %10s | %16s | %9s\n' "$s" "${peak[$s]}" \
    "${peak_rate[$s]}" "${avg4k[$s]}" "${p99_4k[$s]}" "${drop4k[$s]}" "${over[$s]}" "$ratio"
done
echo
echo "kvs-api: Kubernetes lease store (sandbox API server), ACK after the lease's write returned;"
echo "kvs-mem: in-memory store; kea: memfile, persist on. ${DURATION}s per run, ${CLIENTS} client MACs."
ratio_line() {
  awk -v a="${peak[$2]:-0}" -v k="${peak[kea]:-0}" -v label="$1" \
    'BEGIN { if (k == 0) print label " exchanges/s ratio: n/a"; else printf "%s exchanges/s ratio: %.2f\n", label, a / k }'
}
runs kvs-mem && ratio_line "kvs-mem/kea" kvs-mem
runs kvs-api && ratio_line "kvswitch/kea" kvs-api

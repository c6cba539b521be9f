#!/usr/bin/env bash
# VXLAN throughput between two nodes: kvswitch against kernel vxlan + Linux bridge, on the same
# underlay. Needs root, iperf3, ethtool, and a built dataplane (`./kvswitch build`).
#
# Topology, made fresh for each candidate under a random kvb##### prefix and removed afterwards:
#   pod-a (10.0.0.1) --veth-- node-a ==veth underlay 198.18.0.1/.2, MTU 1500== node-b --veth-- pod-b (10.0.0.2)
# Pods have MTU 1450 (1500 minus VXLAN's 50) and VLAN 10 (VNI 10010).
#
# Pods keep the kernel's offloads on (TSO, checksum offload), as a CNI leaves them: kvswitch's
# ports read their 64 KiB GSO frames with offload headers and the tunnel cuts them into segments.
#
# Usage: dataplane/vxlan-bench.sh [SECONDS] [RUNS]   (defaults: 3 seconds, 3 runs of each, alternating)
# With OFFLOADS_OFF=1 kvswitch is also measured with the pods' offloads off (complete frames only),
# as the tunnel had to be run before it could segment.
set -euo pipefail

seconds="${1:-3}"
runs="${2:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25*; do
    if [ -x "$candidate/bin/java" ]; then
      export JAVA_HOME="$candidate"
      break
    fi
  done
fi

work="$(mktemp -d)"
if [ ! -s dataplane/target/runtime.classpath ]; then
  ./mvnw -B -q -pl dataplane dependency:build-classpath -Dmdep.outputFile=target/runtime.classpath
fi
classpath="dataplane/target/classes:$(cat dataplane/target/runtime.classpath)"

prefix=""
pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      wait "$pid" 2>/dev/null || true
    fi
  done
  pids=()
  if [ -n "$prefix" ]; then
    for ns in pa pb na nb; do
      ip netns del "$prefix-$ns" 2>/dev/null || true
    done
  fi
  prefix=""
}
trap 'cleanup; rm -rf "$work"' EXIT

topology() {
  prefix="kvb$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-5)"
  for ns in na nb pa pb; do
    ip netns add "$prefix-$ns"
    ip -n "$prefix-$ns" link set lo up
    ip netns exec "$prefix-$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
  done
  ip -n "$prefix-na" link add ua type veth peer name ub netns "$prefix-nb"
  ip -n "$prefix-na" addr add 198.18.0.1/24 dev ua
  ip -n "$prefix-nb" addr add 198.18.0.2/24 dev ub
  ip -n "$prefix-na" link set ua up
  ip -n "$prefix-nb" link set ub up
  local side
  for side in a b; do
    ip -n "$prefix-n$side" link add "s$side" type veth peer name eth0 netns "$prefix-p$side"
    ip -n "$prefix-n$side" link set "s$side" up
    ip -n "$prefix-p$side" link set eth0 mtu 1450 up
  done
  ip -n "$prefix-pa" addr add 10.0.0.1/24 dev eth0
  ip -n "$prefix-pb" addr add 10.0.0.2/24 dev eth0
}

# Complete frames only: the pods do their own segmentation and checksums.
offloads_off() {
  local side
  for side in a b; do
    ip netns exec "$prefix-p$side" ethtool -K eth0 tx off tso off gso off >/dev/null
  done
}

# start_kvswitch OFFLOADS: OFFLOADS is true (ports read offload headers) or false.
start_kvswitch() {
  local offloads="$1"
  local side local_ip peer peer_ip
  for side in a b; do
    if [ "$side" = a ]; then local_ip=198.18.0.1; peer=node-b; peer_ip=198.18.0.2;
    else local_ip=198.18.0.2; peer=node-a; peer_ip=198.18.0.1; fi
    cat > "$work/node-$side.yaml" <<YAML
threads: 1
ports:
  - {name: s$side, type: afpacket, offloads: $offloads, mode: access, vlan: 10}
vxlan:
  localAddress: $local_ip
  vniBase: 10000
  peers:
    - {name: $peer, address: $peer_ip, vlans: "10"}
metrics: {address: 127.0.0.1, port: 9750}
YAML
    ip netns exec "$prefix-n$side" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
      -cp "$classpath" io.kvswitch.dataplane.StandaloneMain "$work/node-$side.yaml" \
      > "$work/node-$side.log" 2>&1 &
    pids+=($!)
  done
  for side in a b; do
    for _ in $(seq 100); do
      ip netns exec "$prefix-n$side" curl -sf http://127.0.0.1:9750/metrics >/dev/null && break
      sleep 0.2
    done
  done
}

start_kernel() {
  local side local_ip peer_ip dev
  for side in a b; do
    if [ "$side" = a ]; then local_ip=198.18.0.1; peer_ip=198.18.0.2; dev=ua;
    else local_ip=198.18.0.2; peer_ip=198.18.0.1; dev=ub; fi
    ip -n "$prefix-n$side" link add vx10 type vxlan id 10010 local "$local_ip" remote "$peer_ip" \
      dstport 4789 dev "$dev"
    ip -n "$prefix-n$side" link add br10 type bridge
    ip -n "$prefix-n$side" link set vx10 master br10
    ip -n "$prefix-n$side" link set "s$side" master br10
    ip -n "$prefix-n$side" link set vx10 up
    ip -n "$prefix-n$side" link set br10 up
  done
}

# Prints the receiver's Gbit/s of one iperf3 run.
iperf() {
  ip netns exec "$prefix-pb" iperf3 -s -1 -D -B 10.0.0.2 >/dev/null
  for _ in $(seq 50); do
    ip netns exec "$prefix-pb" ss -ltnH | grep -q 10.0.0.2:5201 && break
    sleep 0.1
  done
  ip netns exec "$prefix-pa" ping -c 1 -W 2 10.0.0.2 >/dev/null
  ip netns exec "$prefix-pa" iperf3 -c 10.0.0.2 -t "${warmup:+2}${warmup:-$seconds}" -J \
    > "$work/iperf.json"
  python3 - "$work/iperf.json" <<'PY'
import json, sys
end = json.load(open(sys.argv[1]))["end"]
print("%.2f" % (end["sum_received"]["bits_per_second"] / 1e9))
print("  retransmits: %d" % end["sum_sent"].get("retransmits", 0), file=sys.stderr)
PY
}

run() {
  local candidate="$1"
  topology
  case "$candidate" in
    kvswitch) start_kvswitch true ;;
    kvswitch-offloads-off) offloads_off; start_kvswitch false ;;
    kernel) start_kernel ;;
    kernel-offloads-off) offloads_off; start_kernel ;;
  esac
  local result
  # One unmeasured run first, for every candidate alike: the dataplane's JIT compiles the
  # forwarding path in its first seconds, which a 3-second run would otherwise mostly measure.
  warmup=1 iperf >/dev/null 2>&1
  result="$(iperf)"
  if [[ "$candidate" == kvswitch* ]]; then
    # Every drop counter that is not zero, on both nodes.
    for side in a b; do
      ip netns exec "$prefix-n$side" curl -sf http://127.0.0.1:9750/metrics \
        | grep -E '^kvswitch_(port_drops|vxlan_rx_drops|vxlan_tx_dropped|vxlan_rx_ring|vxlan_tx_offload_drops)' \
        | grep -v ' 0$' | sed "s/^/  node-$side: /" >&2 || true
      # The kernel's own UDP drops (receive buffer full) on the VTEP socket.
      ip netns exec "$prefix-n$side" awk '/^Udp:/ {if (h) {print "  node-'$side': udp " $0} else {h=1; print "  node-'$side': udp " $0}}' /proc/net/snmp >&2
    done
  fi
  cleanup
  echo "$result"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

main() {
declare -A results
candidates=(kvswitch kernel kernel-offloads-off)
if [ "${OFFLOADS_OFF:-0}" = 1 ]; then
  candidates+=(kvswitch-offloads-off)
fi
for candidate in "${candidates[@]}"; do results[$candidate]=""; done
for i in $(seq "$runs"); do
  for candidate in "${candidates[@]}"; do
    value="$(run "$candidate")"
    echo "run $i $candidate: $value Gbit/s" >&2
    results[$candidate]+="$value"$'\n'
  done
done

kv="$(printf '%s' "${results[kvswitch]}" | median)"
kernel="$(printf '%s' "${results[kernel]}" | median)"
kernel_off="$(printf '%s' "${results[kernel-offloads-off]}" | median)"
printf '%-44s %8s\n' "candidate (iperf3 TCP, median of $runs x ${seconds}s)" "Gbit/s"
printf '%-44s %8s\n' "kvswitch VXLAN (pod offloads on)" "$kv"
if [ "${OFFLOADS_OFF:-0}" = 1 ]; then
  kv_off="$(printf '%s' "${results[kvswitch-offloads-off]}" | median)"
  printf '%-44s %8s\n' "kvswitch VXLAN (pod offloads off)" "$kv_off"
fi
printf '%-44s %8s\n' "kernel vxlan + Linux bridge (offloads on)" "$kernel"
printf '%-44s %8s\n' "kernel vxlan + Linux bridge (offloads off)" "$kernel_off"
python3 -c "print('kvswitch/kernel-vxlan ratio, offloads on: %.2f' % ($kv/$kernel))"
if [ "${OFFLOADS_OFF:-0}" = 1 ]; then
  python3 -c "print('kvswitch/kernel-vxlan ratio, offloads off: %.2f' % ($kv_off/$kernel_off))"
fi
}

# Sourcing the file gives the functions alone, to build a topology by hand.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main
fi

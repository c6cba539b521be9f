package io.kvswitch.dataplane.cni;

import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.RenamedPort;
import io.kvswitch.dataplane.port.linux.TapPort;
import io.kvswitch.dataplane.port.linux.netlink.NetworkNamespace;
import io.kvswitch.dataplane.port.linux.netlink.RouteNetlink;
import java.util.function.Function;

/**
 * Opens the switch's side of a workload's interface by its host interface name: a VM's TAP (one
 * {@link VmTaps} knows) inside the pod's network namespace, anything else (a pod's veth host end)
 * with {@code hostEndOpener}. The TAP port carries the host interface name, so the bridge names
 * every port the same way whatever is behind it.
 */
public final class WorkloadPortOpener implements Function<String, Port> {

  private final VmTaps taps;
  private final Function<String, Port> hostEndOpener;
  private final boolean tapOffloads;

  /**
   * @param tapOffloads open TAPs with virtio-net headers ({@code IFF_VNET_HDR}), as the host ends'
   *     AF_PACKET sockets use {@code PACKET_VNET_HDR}
   */
  public WorkloadPortOpener(
      VmTaps taps, Function<String, Port> hostEndOpener, boolean tapOffloads) {
    this.taps = taps;
    this.hostEndOpener = hostEndOpener;
    this.tapOffloads = tapOffloads;
  }

  @Override
  public Port apply(String hostName) {
    return taps.find(hostName)
        .map(tap -> RenamedPort.named(hostName, openTap(tap)))
        .orElseGet(() -> hostEndOpener.apply(hostName));
  }

  /**
   * Attaches to the TAP from a thread inside its namespace: {@code /dev/net/tun} finds a device by
   * name in the namespace of whoever opens it. The device must exist; attaching never creates one,
   * which would be a TAP no VM is behind.
   */
  private Port openTap(VmTaps.Tap tap) {
    try (NetworkNamespace pod = NetworkNamespace.open(tap.netns())) {
      return pod.call(
          () -> {
            try (RouteNetlink inside = RouteNetlink.open()) {
              if (inside.link(tap.interfaceName()).isEmpty()) {
                throw new IllegalStateException(
                    "TAP " + tap.interfaceName() + " is missing in " + tap.netns());
              }
            }
            return TapPort.open(tap.interfaceName(), tapOffloads);
          });
    }
  }
}

package io.kvswitch.dataplane.tunnel;

import io.kvswitch.dataplane.config.PortFactory;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.linux.AfPacketOptions;
import io.kvswitch.dataplane.port.linux.AfPacketPort;

/**
 * Opens {@code afpacket} ports for dataplane processes that the VXLAN tests start with the test
 * classpath, so their pods can attach through veths. Offload headers are off: the tunnel carries
 * complete frames only, and the tests turn segmentation and checksum offload off on the pods'
 * interfaces. TPACKET_V2 with 2048 slots of 4 KiB (complete frames need no more): V3 holds a block
 * back for up to 1 ms, and a round trip over the overlay crosses two receive rings. {@link
 * TwoNodeOverlay} registers it for the processes it starts, and nowhere else.
 */
public final class TestAfPacketPortFactory implements PortFactory {

  @Override
  public String type() {
    return "afpacket";
  }

  @Override
  public Port open(String name, String device) {
    return AfPacketPort.open(
        device, AfPacketOptions.lowLatency().withOffloads(false).withRing(4096, 2048));
  }
}

package io.kvswitch.dataplane.tunnel;

import io.kvswitch.dataplane.engine.VlanSet;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/** Peer ports wired to recording batches and no socket, for tests without sockets. */
final class TunnelFixture {

  static final int VNI_BASE = 10_000;

  /** An underlay of MTU 1500: inner frames up to 1464 bytes. */
  static final int MAX_INNER_FRAME = 1500 - VxlanHeader.IPV4_ENCAPSULATION_OVERHEAD;

  private TunnelFixture() {}

  static VxlanPeerPort peer(
      String name, String address, String vlans, int ringSlots, RecordingDatagramBatch batch) {
    return new VxlanPeerPort(
        name,
        ipv4(address),
        VlanSet.parse(vlans),
        VNI_BASE,
        MAX_INNER_FRAME,
        new FrameRing(ringSlots, MAX_INNER_FRAME + 4, Arena.ofAuto()),
        batch,
        null);
  }

  /** The 8-byte VXLAN header with {@code flags} and {@code vni}. */
  static byte[] header(int flags, int vni) {
    return new byte[] {
      (byte) flags, 0, 0, 0, (byte) (vni >>> 16), (byte) (vni >>> 8), (byte) vni, 0
    };
  }

  /** A datagram from VXLAN header {@code header} and inner frame {@code inner}. */
  static MemorySegment datagram(byte[] header, byte[] inner) {
    byte[] datagram = Arrays.copyOf(header, header.length + inner.length);
    System.arraycopy(inner, 0, datagram, header.length, inner.length);
    return MemorySegment.ofArray(datagram);
  }

  static RecordingDatagramBatch batch() {
    return new RecordingDatagramBatch(8, 2048);
  }

  static Inet4Address ipv4(String literal) {
    return (Inet4Address) InetAddress.ofLiteral(literal);
  }

  static int ipv4Int(String literal) {
    return VxlanDecapsulator.ipv4(ipv4(literal).getAddress());
  }
}

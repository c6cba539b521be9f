package io.kvswitch.dataplane.mirror;

import io.kvswitch.dataplane.frame.EthernetFrame;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes the GRE and ERSPAN headers in front of a mirrored frame, for an ERSPAN analyser (Cisco's
 * format, as in draft-foschiano-erspan). The IP header is the kernel's: copies leave through a raw
 * IP socket of protocol 47.
 *
 * <p>GRE carries the sequence-number bit and nothing else, as ERSPAN requires: 4 bytes of flags and
 * protocol, 4 of sequence number. Type II (protocol 0x88BE) adds 8 bytes: version 1, the frame's
 * VLAN, its encapsulation, session id and port index 0. Type III (protocol 0x22EB) adds 12: version
 * 2, VLAN, session id, a 32-bit timestamp in 100 µs units (granularity 00), frame type Ethernet and
 * no platform-specific subheader.
 *
 * <p>Not thread-safe; the port that owns it writes under its transmit lock.
 */
public final class ErspanEncapsulation {

  /** ERSPAN type II, version field 1. */
  public static final int TYPE_II = 1;

  /** ERSPAN type III, version field 2. */
  public static final int TYPE_III = 2;

  public static final int GRE_PROTOCOL_TYPE_II = 0x88BE;
  public static final int GRE_PROTOCOL_TYPE_III = 0x22EB;

  /** GRE header with the S (sequence number present) bit. */
  static final int GRE_LENGTH = 8;

  private static final int GRE_FLAGS_SEQUENCE = 0x1000;

  /** IPv4 header without options, which the kernel puts in front of each packet. */
  public static final int IPV4_LENGTH = 20;

  private static final ValueLayout.OfShort U16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private final int version;
  private final int sessionId;
  private int sequence;

  /**
   * @param version {@link #TYPE_II} or {@link #TYPE_III}, as the API's {@code version} field
   * @param sessionId the ERSPAN session id, 0-1023
   */
  public ErspanEncapsulation(int version, int sessionId) {
    if (version != TYPE_II && version != TYPE_III) {
      throw new IllegalArgumentException("ERSPAN version must be 1 (type II) or 2 (type III)");
    }
    if (sessionId < 0 || sessionId > 1023) {
      throw new IllegalArgumentException("ERSPAN session id out of range 0-1023: " + sessionId);
    }
    this.version = version;
    this.sessionId = sessionId;
  }

  public int version() {
    return version;
  }

  public int sessionId() {
    return sessionId;
  }

  /** Bytes this adds in front of a frame, GRE and ERSPAN together. */
  public int headerLength() {
    return GRE_LENGTH + (version == TYPE_II ? 8 : 12);
  }

  /**
   * Writes the headers at {@code at} of {@code packet}, for the {@code frameLength}-byte frame that
   * follows them there, and advances the sequence number.
   *
   * @param nowNanos wall-clock time in nanoseconds, for the type III timestamp
   * @return the bytes written, {@link #headerLength()}
   */
  public int write(MemorySegment packet, long at, int frameLength, long nowNanos) {
    long frame = at + headerLength();
    boolean tagged =
        frameLength >= EthernetFrame.TAGGED_HEADER_LENGTH
            && EthernetFrame.etherType(packet, frame) == EthernetFrame.ETHERTYPE_VLAN;
    int tci = tagged ? EthernetFrame.tci(packet, frame) : 0;
    int vid = tci & EthernetFrame.VID_MASK;
    int cos = tci >>> 13;
    packet.set(U16, at, (short) GRE_FLAGS_SEQUENCE);
    packet.set(
        U16, at + 2, (short) (version == TYPE_II ? GRE_PROTOCOL_TYPE_II : GRE_PROTOCOL_TYPE_III));
    packet.set(U32, at + 4, sequence++);
    long erspan = at + GRE_LENGTH;
    packet.set(U16, erspan, (short) (version << 12 | vid));
    if (version == TYPE_II) {
      // En: 0b11 says the 802.1Q tag is still in the frame, 0b00 that it came untagged.
      int encapsulation = tagged ? 0b11 : 0b00;
      packet.set(U16, erspan + 2, (short) (cos << 13 | encapsulation << 11 | sessionId));
      packet.set(U32, erspan + 4, 0);
    } else {
      // BSO 00 (no bad/short frame info), T 0.
      packet.set(U16, erspan + 2, (short) (cos << 13 | sessionId));
      packet.set(U32, erspan + 4, (int) (nowNanos / 100_000L));
      // SGT 0; P 0, FT 0 (Ethernet), Hw ID 0, D 0, Gra 00 (100 µs), O 0 (no subheader).
      packet.set(U32, erspan + 8, 0);
    }
    return headerLength();
  }
}

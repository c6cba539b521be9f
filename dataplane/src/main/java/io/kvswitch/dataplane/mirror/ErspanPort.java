package io.kvswitch.dataplane.mirror;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A send-only port that carries mirror copies to an ERSPAN analyser: each frame it is given leaves
 * as one GRE packet with an ERSPAN header. It receives nothing and takes part in no VLAN; the
 * switch only sends it copies of the session it is the destination of.
 *
 * <p>Copies longer than the underlay allows are refused (and counted dropped by the session), not
 * fragmented: an analyser reassembling fragments of a mirror is rare, and a snap length keeps
 * copies short where it matters.
 */
public final class ErspanPort implements Port {

  private final String name;
  private final ErspanEncapsulation encapsulation;
  private final GreSender sender;
  private final int maxFrame;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment packet;
  private volatile boolean closed;

  /**
   * @param underlayMtu the IP MTU towards the analyser; a copy must fit it whole with its headers
   */
  public ErspanPort(
      String name, ErspanEncapsulation encapsulation, GreSender sender, int underlayMtu) {
    this.name = name;
    this.encapsulation = encapsulation;
    this.sender = sender;
    this.maxFrame = underlayMtu - ErspanEncapsulation.IPV4_LENGTH - encapsulation.headerLength();
    if (maxFrame < 64) {
      throw new IllegalArgumentException(
          "underlay MTU " + underlayMtu + " leaves no room for ERSPAN copies");
    }
    this.packet = arena.allocate(encapsulation.headerLength() + maxFrame, 8);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int receiveBatch(FrameSink sink, int maxFrames) {
    return 0;
  }

  @Override
  public boolean transmit(MemorySegment buffer, long offset, int length) {
    if (closed || length > maxFrame) {
      return false;
    }
    int header = encapsulation.headerLength();
    MemorySegment.copy(buffer, offset, packet, header, length);
    encapsulation.write(packet, 0, length, System.currentTimeMillis() * 1_000_000L);
    return sender.send(packet, header + length);
  }

  @Override
  public int maxTransmitLength() {
    return maxFrame;
  }

  @Override
  public void flushTransmit() {}

  @Override
  public boolean isLinkUp() {
    return !closed;
  }

  @Override
  public int pollFd() {
    return -1;
  }

  /** Nothing is ever received here, so there is nothing to announce. */
  @Override
  public boolean announcesFrames() {
    return true;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      sender.close();
      arena.close();
    }
  }
}

package io.kvswitch.dataplane.bridge;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * An in-memory port that carries offload headers, as an AF_PACKET port with {@code PACKET_VNET_HDR}
 * does: frames are injected and captured together with the 10-byte header in front of them.
 */
public final class HeaderCarryingPort implements Port {

  private final String name;
  private final Queue<byte[]> inbound = new ArrayDeque<>();
  private final List<byte[]> sent = new ArrayList<>();
  private final Arena arena = Arena.ofConfined();
  private final MemorySegment receiveBuffer = arena.allocate(70_000);

  public HeaderCarryingPort(String name) {
    this.name = name;
  }

  /** Queues a frame to receive, {@code header} followed by {@code frame}. */
  public void inject(byte[] header, byte[] frame) {
    byte[] both = new byte[header.length + frame.length];
    System.arraycopy(header, 0, both, 0, header.length);
    System.arraycopy(frame, 0, both, header.length, frame.length);
    inbound.add(both);
  }

  /** What was sent, each entry the header followed by the frame. */
  public List<byte[]> takeSent() {
    List<byte[]> taken = List.copyOf(sent);
    sent.clear();
    return taken;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int receiveBatch(FrameSink sink, int maxFrames) {
    int delivered = 0;
    while (delivered < maxFrames && !inbound.isEmpty()) {
      byte[] both = inbound.poll();
      // Deliberately not at offset 0: the header sits right before the frame, wherever that is.
      MemorySegment.copy(both, 0, receiveBuffer, ValueLayout.JAVA_BYTE, 6, both.length);
      sink.accept(receiveBuffer, 6 + VirtioNetHeader.LENGTH, both.length - VirtioNetHeader.LENGTH);
      delivered++;
    }
    return delivered;
  }

  @Override
  public boolean transmit(MemorySegment buffer, long offset, int length) {
    byte[] both = new byte[VirtioNetHeader.LENGTH + length];
    MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, offset, both, VirtioNetHeader.LENGTH, length);
    sent.add(both);
    return true;
  }

  @Override
  public int offloadHeaderLength() {
    return VirtioNetHeader.LENGTH;
  }

  @Override
  public boolean transmitOffloaded(MemorySegment buffer, long offset, int length) {
    byte[] both = new byte[VirtioNetHeader.LENGTH + length];
    MemorySegment.copy(
        buffer,
        ValueLayout.JAVA_BYTE,
        offset - VirtioNetHeader.LENGTH,
        both,
        0,
        VirtioNetHeader.LENGTH + length);
    sent.add(both);
    return true;
  }

  @Override
  public void flushTransmit() {}

  @Override
  public boolean isLinkUp() {
    return true;
  }

  @Override
  public int pollFd() {
    return -1;
  }

  @Override
  public void close() {
    arena.close();
  }
}

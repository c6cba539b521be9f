package io.kvswitch.dataplane.port;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A port that lives in memory: frames are injected by the caller and what the switch transmits is
 * captured. For tests and for trying a configuration without network devices.
 *
 * <p>Injecting and capturing copy frames into {@code byte[]}s, so unlike a real backend this port
 * allocates per frame; the forwarding engine does not. Received frames are handed over at an odd
 * offset of a native buffer so that readers must cope with unaligned headers, as with ring slots.
 */
public final class InMemoryPort implements Port {

  /** Largest frame the port takes: a 64 KiB GSO frame plus room for tags. */
  public static final int MAX_FRAME = 65_536 + 64;

  private static final long RECEIVE_OFFSET = 3;

  private final String name;
  private final Queue<byte[]> inbound = new ConcurrentLinkedQueue<>();
  private final Queue<byte[]> sent = new ConcurrentLinkedQueue<>();
  private final List<byte[]> queued = new ArrayList<>();
  private final Arena arena = Arena.ofShared();
  private final MemorySegment receiveBuffer;
  private volatile boolean linkUp = true;
  private volatile int transmitQueueLimit = 4096;
  private volatile boolean closed;
  private volatile Runnable receiveWakeup = () -> {};

  public InMemoryPort(String name) {
    this.name = name;
    this.receiveBuffer = arena.allocate(MAX_FRAME + RECEIVE_OFFSET);
  }

  /** Queues a frame as if it had arrived on the wire. */
  public void inject(byte[] frame) {
    if (frame.length > MAX_FRAME) {
      throw new IllegalArgumentException("frame longer than " + MAX_FRAME + " bytes");
    }
    inbound.add(frame.clone());
    receiveWakeup.run();
  }

  /** Frames injected but not yet received by the switch. */
  public int pendingInbound() {
    return inbound.size();
  }

  /** Removes and returns every frame flushed out of this port so far, oldest first. */
  public List<byte[]> takeSent() {
    List<byte[]> frames = new ArrayList<>();
    for (byte[] frame = sent.poll(); frame != null; frame = sent.poll()) {
      frames.add(frame);
    }
    return frames;
  }

  /** Frames flushed out of this port and not yet taken. */
  public int sentCount() {
    return sent.size();
  }

  public void setLinkUp(boolean up) {
    this.linkUp = up;
  }

  /** How many frames {@link #transmit} queues before it refuses more until the next flush. */
  public void setTransmitQueueLimit(int limit) {
    this.transmitQueueLimit = limit;
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int receiveBatch(FrameSink sink, int maxFrames) {
    int delivered = 0;
    while (delivered < maxFrames) {
      byte[] frame = inbound.poll();
      if (frame == null) {
        break;
      }
      MemorySegment.copy(
          frame, 0, receiveBuffer, ValueLayout.JAVA_BYTE, RECEIVE_OFFSET, frame.length);
      sink.accept(receiveBuffer, RECEIVE_OFFSET, frame.length);
      delivered++;
    }
    return delivered;
  }

  @Override
  public boolean transmit(MemorySegment buffer, long offset, int length) {
    if (!linkUp || closed || length > MAX_FRAME || queued.size() >= transmitQueueLimit) {
      return false;
    }
    queued.add(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
    return true;
  }

  @Override
  public void flushTransmit() {
    sent.addAll(queued);
    queued.clear();
  }

  @Override
  public boolean isLinkUp() {
    return linkUp;
  }

  @Override
  public int pollFd() {
    return -1;
  }

  /** Injected frames wake the receiving thread, like frames a tunnel's event loop hands over. */
  @Override
  public boolean announcesFrames() {
    return true;
  }

  @Override
  public void setReceiveWakeup(Runnable wakeup) {
    this.receiveWakeup = wakeup;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      arena.close();
    }
  }
}

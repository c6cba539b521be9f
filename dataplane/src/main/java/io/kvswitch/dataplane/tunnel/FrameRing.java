package io.kvswitch.dataplane.tunnel;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded single-producer, single-consumer ring of preallocated frame slots: how a frame
 * decapsulated by one forwarding thread crosses to the forwarding thread that owns the tunnel port
 * of its peer (see {@link VxlanReceiver}). Producers take turns, never overlapping: only the thread
 * that holds the tunnel's receive lock produces, and the lock orders one producer's writes before
 * the next one's.
 *
 * <p>Every slot is a fixed piece of one native segment, so the producer copies a frame straight out
 * of the receive buffer and the consumer hands the slot to the switch in place: nothing is
 * allocated per frame on either side. The producer publishes a slot with a release store of {@code
 * head}; the consumer frees it with a release store of {@code tail} after the switch is done with
 * it. A full ring drops the new frame and counts it: the producer never waits for another
 * forwarding thread.
 *
 * <p>Each slot has {@link #HEADROOM} bytes in front of its frame, where the consumer can write a
 * {@link VirtioNetHeader} before handing the frame on in place.
 */
final class FrameRing {

  private static final VarHandle HEAD;
  private static final VarHandle TAIL;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HEAD = lookup.findVarHandle(FrameRing.class, "head", long.class);
      TAIL = lookup.findVarHandle(FrameRing.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Bytes before each frame that belong to its slot. */
  static final int HEADROOM = VirtioNetHeader.LENGTH;

  private final int slots;
  private final int mask;
  private final int slotSize;
  private final int stride;
  private final MemorySegment memory;
  private final int[] lengths;

  // Written by the producer only (release), read by the consumer (acquire).
  @SuppressWarnings("unused")
  private volatile long head;

  // Written by the consumer only (release), read by the producer (acquire).
  @SuppressWarnings("unused")
  private volatile long tail;

  private volatile long overflows;

  /**
   * @param slots a power of two
   * @param slotSize the largest frame a slot holds
   */
  FrameRing(int slots, int slotSize, Arena arena) {
    if (slots < 2 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two: " + slots);
    }
    this.slots = slots;
    this.mask = slots - 1;
    this.slotSize = slotSize;
    this.stride = slotSize + HEADROOM;
    this.memory = arena.allocate((long) slots * stride, 64);
    this.lengths = new int[slots];
  }

  int slotSize() {
    return slotSize;
  }

  /** The memory every slot lives in; {@link #claim()} gives offsets into it. */
  MemorySegment memory() {
    return memory;
  }

  /**
   * Producer: where the next free slot's frame starts in {@link #memory()}, or -1 when the ring is
   * full (the overflow is counted). Write at most {@link #slotSize()} bytes there, then {@link
   * #publish(int)}.
   */
  long claim() {
    long h = (long) HEAD.getOpaque(this);
    if (h - (long) TAIL.getAcquire(this) >= slots) {
      overflows++;
      return -1;
    }
    return (h & mask) * stride + HEADROOM;
  }

  /** Producer: makes the claimed slot, holding {@code length} bytes, visible to the consumer. */
  void publish(int length) {
    long h = (long) HEAD.getOpaque(this);
    lengths[(int) (h & mask)] = length;
    HEAD.setRelease(this, h + 1);
  }

  /**
   * Consumer: hands up to {@code maxFrames} frames to {@code sink} in order, each in place, with
   * {@link #HEADROOM} writable bytes before it.
   */
  int drain(FrameSink sink, int maxFrames) {
    long t = (long) TAIL.getOpaque(this);
    long available = (long) HEAD.getAcquire(this) - t;
    int count = (int) Math.min(available, maxFrames);
    for (int i = 0; i < count; i++) {
      int slot = (int) ((t + i) & mask);
      try {
        sink.accept(memory, (long) slot * stride + HEADROOM, lengths[slot]);
      } finally {
        // Free each slot as soon as the switch is done with it, even if the sink threw.
        TAIL.setRelease(this, t + i + 1);
      }
    }
    return count;
  }

  /** Frames waiting for the consumer. */
  int size() {
    return (int) ((long) HEAD.getAcquire(this) - (long) TAIL.getAcquire(this));
  }

  /** Frames dropped because the consumer had not freed a slot. */
  long overflows() {
    return overflows;
  }
}

package io.kvswitch.dataplane.tunnel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** A {@link DatagramBatch} that keeps what would have gone to the peer. */
final class RecordingDatagramBatch implements DatagramBatch {

  private final Arena arena = Arena.ofShared();
  private final MemorySegment buffer;
  private final int slots;
  private final int slotSize;
  private final List<byte[]> sent = new ArrayList<>();
  private final List<Integer> sentRuns = new ArrayList<>();

  RecordingDatagramBatch(int slots, int slotSize) {
    this.slots = slots;
    this.slotSize = slotSize;
    this.buffer = arena.allocate((long) slots * slotSize);
  }

  @Override
  public MemorySegment buffer() {
    return buffer;
  }

  @Override
  public int slotSize() {
    return slotSize;
  }

  @Override
  public int slots() {
    return slots;
  }

  @Override
  public int send(int[] lengths, int[] runs, int count) {
    for (int i = 0; i < count; i++) {
      sent.add(buffer.asSlice((long) i * slotSize, lengths[i]).toArray(ValueLayout.JAVA_BYTE));
    }
    for (int i = 0; i < count; i += runs[i]) {
      sentRuns.add(runs[i]);
    }
    return count;
  }

  /** Everything is taken as it comes: nothing to fall back from. */
  @Override
  public long gsoFallbacks() {
    return 0;
  }

  /** The size of every run sent so far (1 for a datagram of its own), oldest first; clears it. */
  List<Integer> takeRuns() {
    List<Integer> taken = List.copyOf(sentRuns);
    sentRuns.clear();
    return taken;
  }

  /** Every datagram sent so far, oldest first; clears the record. */
  List<byte[]> take() {
    List<byte[]> taken = List.copyOf(sent);
    sent.clear();
    return taken;
  }

  @Override
  public void close() {
    arena.close();
  }
}

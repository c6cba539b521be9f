package io.kvswitch.dataplane.port.linux;

import io.kvswitch.dataplane.port.FrameSink;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** Keeps a copy of every frame it is given, for tests to look at. */
final class FrameCollector implements FrameSink {

  private final List<byte[]> frames = new ArrayList<>();

  @Override
  public void accept(MemorySegment buffer, long offset, int length) {
    frames.add(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
  }

  /**
   * Frames received so far whose EtherType (after any 802.1Q tag: the outer one) is {@code type}.
   */
  List<byte[]> withEtherType(int type) {
    return frames.stream()
        .filter(frame -> frame.length >= 14 && ((frame[12] & 0xff) << 8 | frame[13] & 0xff) == type)
        .toList();
  }

  List<byte[]> all() {
    return List.copyOf(frames);
  }
}

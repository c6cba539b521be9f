package io.kvswitch.dataplane.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.TestFrames;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class VlanTagEditorTest {

  private static final String DST = "02:00:00:00:00:02";
  private static final String SRC = "02:00:00:00:00:01";
  private final MemorySegment target = Arena.ofAuto().allocate(256);

  private byte[] written(int length) {
    return target.asSlice(5, length).toArray(ValueLayout.JAVA_BYTE);
  }

  @Test
  void pushInsertsATagAfterTheMacs() {
    byte[] in = TestFrames.untagged(DST, SRC, 46);
    int length =
        VlanTagEditor.write(
            TagEdit.PUSH, 100, TestFrames.inNativeMemory(in, 3), 3, in.length, target, 5);

    assertThat(length).isEqualTo(in.length + 4);
    assertThat(written(length)).isEqualTo(TestFrames.tagged(DST, SRC, 100, 46));
  }

  @Test
  void popRemovesTheTag() {
    byte[] in = TestFrames.tagged(DST, SRC, 3, 200, 46);
    int length =
        VlanTagEditor.write(
            TagEdit.POP, 0, TestFrames.inNativeMemory(in, 1), 1, in.length, target, 5);

    assertThat(length).isEqualTo(in.length - 4);
    assertThat(written(length)).isEqualTo(TestFrames.untagged(DST, SRC, 46));
  }

  @Test
  void rewriteChangesTheVidAndKeepsThePriority() {
    byte[] in = TestFrames.tagged(DST, SRC, 6, 0, 20);
    int length =
        VlanTagEditor.write(
            TagEdit.REWRITE, 300, TestFrames.inNativeMemory(in, 0), 0, in.length, target, 5);

    assertThat(written(length)).isEqualTo(TestFrames.tagged(DST, SRC, 6, 300, 20));
  }

  @Test
  void keepCopiesTheFrameAsIs() {
    byte[] in = TestFrames.tagged(DST, SRC, 7, 20);
    int length =
        VlanTagEditor.write(
            TagEdit.KEEP, 0, TestFrames.inNativeMemory(in, 0), 0, in.length, target, 5);

    assertThat(written(length)).isEqualTo(in);
  }

  @Test
  void refusesEditsThatDoNotFit() {
    byte[] untagged = TestFrames.untagged(DST, SRC, 20);
    MemorySegment source = TestFrames.inNativeMemory(untagged, 0);
    MemorySegment small = Arena.ofAuto().allocate(untagged.length + 3);

    assertThat(VlanTagEditor.write(TagEdit.POP, 0, source, 0, untagged.length, target, 0))
        .isEqualTo(-1);
    assertThat(VlanTagEditor.write(TagEdit.PUSH, 9, source, 0, untagged.length, small, 0))
        .isEqualTo(-1);
    assertThat(VlanTagEditor.write(TagEdit.PUSH, 9, source, 0, 13, target, 0)).isEqualTo(-1);
  }
}

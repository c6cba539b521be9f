package io.kvswitch.dataplane.bridge;

import io.kvswitch.dataplane.frame.InternetChecksum;
import io.kvswitch.dataplane.frame.TagEdit;
import io.kvswitch.dataplane.frame.VlanTagEditor;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.MemorySegment;

/**
 * Edits of frames that travel with a {@link VirtioNetHeader} in the 10 bytes before them, as ports
 * with offload headers deliver them. Stateless and allocation-free; the forwarding thread calls it
 * for every frame it forwards from such a port that it cannot pass on untouched.
 */
final class OffloadedFrames {

  private OffloadedFrames() {}

  /**
   * Writes the frame at {@code source[offset, offset + length)} to {@code target} at {@code
   * targetOffset} with {@code edit} applied, and its header from {@code [offset - 10, offset)} to
   * {@code [targetOffset - 10, targetOffset)}. A pushed tag moves the L3 header 4 bytes back and a
   * popped one 4 bytes forward; the header's checksum start and header length count from the start
   * of the frame, so they move with it (a rewritten tag moves nothing).
   *
   * @return the written frame's length, or -1 when it does not fit or the edit does not apply
   */
  static int writeTagEdited(
      TagEdit edit,
      int vid,
      MemorySegment source,
      long offset,
      int length,
      MemorySegment target,
      long targetOffset) {
    int written = VlanTagEditor.write(edit, vid, source, offset, length, target, targetOffset);
    if (written < 0) {
      return -1;
    }
    long header = targetOffset - VirtioNetHeader.LENGTH;
    MemorySegment.copy(
        source, offset - VirtioNetHeader.LENGTH, target, header, VirtioNetHeader.LENGTH);
    if (written != length) {
      VirtioNetHeader.shiftOffsets(target, header, written - length);
    }
    return written;
  }

  /**
   * Finishes the L4 checksum the sender left to the hardware ({@link
   * VirtioNetHeader#FLAG_NEEDS_CSUM}), in place, so the frame can leave through a port that carries
   * no header: the field at {@code checksumStart + checksumOffset} holds the pseudo-header sum, and
   * the one's complement sum from {@code checksumStart} to the end of the frame, folded and
   * inverted, replaces it, as the kernel's {@code skb_checksum_help} does (a zero result is sent as
   * 0xffff, which means the same and keeps UDP's "no checksum" value free). A frame whose header
   * asks for no checksum is left as it is.
   *
   * @return false when the header points outside the frame
   */
  static boolean finishChecksum(MemorySegment frame, long offset, int length) {
    long header = offset - VirtioNetHeader.LENGTH;
    if ((VirtioNetHeader.flags(frame, header) & VirtioNetHeader.FLAG_NEEDS_CSUM) == 0) {
      return true;
    }
    int start = VirtioNetHeader.checksumStart(frame, header);
    int field = start + VirtioNetHeader.checksumOffset(frame, header);
    return InternetChecksum.completePartial(frame, offset, length, start, field);
  }
}

package io.kvswitch.dataplane.port.linux;

/**
 * What a Linux port counts about its own I/O, beside the engine's per-port counters: frames the
 * kernel handed over or took, and frames lost at this layer, by reason.
 *
 * <p>Only the forwarding thread writes; other threads read plain 64-bit fields, which a 64-bit JVM
 * never tears, and may see values a moment old, which is fine for counters.
 */
public final class PortCounters {

  long rxFrames;
  long rxBytes;
  long rxTruncated;
  long rxMalformed;
  long rxErrors;
  long txFrames;
  long txBytes;
  long txDropped;
  long txErrors;
  int lastTxErrno;

  /** Frames handed to the sink. */
  public long rxFrames() {
    return rxFrames;
  }

  public long rxBytes() {
    return rxBytes;
  }

  /** Frames longer than the receive ring slot or buffer; dropped, never delivered cut short. */
  public long rxTruncated() {
    return rxTruncated;
  }

  /** Frames shorter than an Ethernet header, or otherwise unusable; dropped. */
  public long rxMalformed() {
    return rxMalformed;
  }

  /** Failed reads other than "nothing waiting". */
  public long rxErrors() {
    return rxErrors;
  }

  /** Frames the kernel accepted. */
  public long txFrames() {
    return txFrames;
  }

  public long txBytes() {
    return txBytes;
  }

  /** Frames lost because the kernel's queue was full. */
  public long txDropped() {
    return txDropped;
  }

  /**
   * Frames the kernel refused (too big, bad offload header, link gone); see {@link #lastTxErrno}.
   */
  public long txErrors() {
    return txErrors;
  }

  /** errno of the most recent refused frame, 0 when none was refused. */
  public int lastTxErrno() {
    return lastTxErrno;
  }

  @Override
  public String toString() {
    return "rx=%d (%d B) rxTruncated=%d rxMalformed=%d rxErrors=%d tx=%d (%d B) txDropped=%d txErrors=%d"
        .formatted(
            rxFrames,
            rxBytes,
            rxTruncated,
            rxMalformed,
            rxErrors,
            txFrames,
            txBytes,
            txDropped,
            txErrors);
  }
}

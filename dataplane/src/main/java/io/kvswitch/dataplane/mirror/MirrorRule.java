package io.kvswitch.dataplane.mirror;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * One mirror session as the forwarding core applies it, by port index.
 *
 * @param destination the port the copies are sent to; it takes no normal traffic while it is a
 *     destination, and frames it receives are dropped, so copies can never come back as frames
 * @param receivedOn ports whose received frames (the workload's egress) are copied, as they came in
 * @param sentOn ports whose sent frames (the workload's ingress) are copied, as they went out
 * @param filter which frames are copied
 * @param snapLength the most bytes of a frame a copy keeps; 0 keeps the whole frame
 * @param samplingRate one candidate frame in this many is copied; 1 copies every one
 * @param stats where copies are counted
 */
public record MirrorRule(
    int destination,
    int[] receivedOn,
    int[] sentOn,
    TrafficFilter filter,
    int snapLength,
    int samplingRate,
    MirrorStats stats) {

  public MirrorRule {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(stats, "stats");
    if (destination < 0) {
      throw new IllegalArgumentException(
          "destination port index must be 0 or more: " + destination);
    }
    if (snapLength < 0) {
      throw new IllegalArgumentException("snap length must be 0 or more: " + snapLength);
    }
    if (samplingRate < 1) {
      throw new IllegalArgumentException("sampling rate must be 1 or more: " + samplingRate);
    }
    // A destination never mirrors into itself: its own copies would loop.
    receivedOn = Arrays.stream(receivedOn).filter(p -> p != destination).distinct().toArray();
    sentOn = Arrays.stream(sentOn).filter(p -> p != destination).distinct().toArray();
  }

  @Override
  public int[] receivedOn() {
    return receivedOn.clone();
  }

  @Override
  public int[] sentOn() {
    return sentOn.clone();
  }

  /** How many bytes of a {@code length}-byte frame the copy keeps. */
  public int copyLength(int length) {
    return snapLength == 0 ? length : Math.min(length, snapLength);
  }

  /** Whether this frame, matched by a source, is copied: filter, then sampling. */
  public boolean selects(MemorySegment frame, long offset, int length) {
    return filter.matches(frame, offset, length) && stats.sample(samplingRate);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MirrorRule r
        && destination == r.destination
        && Arrays.equals(receivedOn, r.receivedOn)
        && Arrays.equals(sentOn, r.sentOn)
        && filter.equals(r.filter)
        && snapLength == r.snapLength
        && samplingRate == r.samplingRate
        && stats == r.stats;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        destination,
        Arrays.hashCode(receivedOn),
        Arrays.hashCode(sentOn),
        filter,
        snapLength,
        samplingRate);
  }

  @Override
  public String toString() {
    return "MirrorRule[destination="
        + destination
        + ", receivedOn="
        + Arrays.toString(receivedOn)
        + ", sentOn="
        + Arrays.toString(sentOn)
        + ", filter="
        + filter
        + ", snapLength="
        + snapLength
        + ", samplingRate="
        + samplingRate
        + "]";
  }
}

package io.kvswitch.dataplane.engine;

import java.util.Arrays;
import java.util.BitSet;

/** An immutable set of VLAN ids (1 to 4094), parsed from ranges such as {@code "10,20-29"}. */
public final class VlanSet {

  public static final int MIN_VID = 1;
  public static final int MAX_VID = 4094;

  private final long[] words;

  private VlanSet(BitSet bits) {
    this.words = Arrays.copyOf(bits.toLongArray(), 64);
  }

  public static VlanSet of(int... vids) {
    BitSet bits = new BitSet(4096);
    for (int vid : vids) {
      bits.set(checkVid(vid, String.valueOf(vid)));
    }
    return new VlanSet(bits);
  }

  /**
   * Parses a comma-separated list of VLAN ids and inclusive ranges.
   *
   * @throws IllegalArgumentException naming the part that is not a VLAN id or range
   */
  public static VlanSet parse(String text) {
    BitSet bits = new BitSet(4096);
    if (text.isBlank()) {
      return new VlanSet(bits);
    }
    for (String raw : text.split(",", -1)) {
      String part = raw.trim();
      int dash = part.indexOf('-');
      try {
        if (dash < 0) {
          bits.set(checkVid(Integer.parseInt(part), part));
        } else {
          int from = checkVid(Integer.parseInt(part.substring(0, dash).trim()), part);
          int to = checkVid(Integer.parseInt(part.substring(dash + 1).trim()), part);
          if (from > to) {
            throw new IllegalArgumentException("VLAN range runs backwards: '" + part + "'");
          }
          bits.set(from, to + 1);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a VLAN id or range: '" + part + "'", e);
      }
    }
    return new VlanSet(bits);
  }

  private static int checkVid(int vid, String part) {
    if (vid < MIN_VID || vid > MAX_VID) {
      throw new IllegalArgumentException(
          "VLAN id out of range " + MIN_VID + "-" + MAX_VID + ": '" + part + "'");
    }
    return vid;
  }

  public boolean contains(int vid) {
    return vid >= 0 && vid < 4096 && (words[vid >>> 6] & (1L << vid)) != 0;
  }

  public boolean isEmpty() {
    for (long word : words) {
      if (word != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof VlanSet set && Arrays.equals(words, set.words);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(words);
  }

  /** The canonical range form, e.g. {@code "10,20-29"}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    int vid = MIN_VID;
    while (vid <= MAX_VID) {
      if (!contains(vid)) {
        vid++;
        continue;
      }
      int end = vid;
      while (end + 1 <= MAX_VID && contains(end + 1)) {
        end++;
      }
      if (!text.isEmpty()) {
        text.append(',');
      }
      text.append(vid);
      if (end > vid) {
        text.append('-').append(end);
      }
      vid = end + 1;
    }
    return text.toString();
  }
}

package io.kvswitch.dataplane.port.linux.netlink;

import java.util.Map;

/**
 * Symbolic names of the errno values link requests come back with, so that errors read as {@code
 * EEXIST} rather than {@code -17}. x86-64 and arm64 numbers, which agree for all of these.
 */
public final class Errno {

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EBADF = 9;
  public static final int ENOMEM = 12;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int ENOTTY = 25;
  public static final int ERANGE = 34;
  public static final int EOPNOTSUPP = 95;
  public static final int EADDRNOTAVAIL = 99;

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(EPERM, "EPERM"),
          Map.entry(ENOENT, "ENOENT"),
          Map.entry(EBADF, "EBADF"),
          Map.entry(ENOMEM, "ENOMEM"),
          Map.entry(EBUSY, "EBUSY"),
          Map.entry(EEXIST, "EEXIST"),
          Map.entry(ENODEV, "ENODEV"),
          Map.entry(EINVAL, "EINVAL"),
          Map.entry(ENOTTY, "ENOTTY"),
          Map.entry(ERANGE, "ERANGE"),
          Map.entry(EOPNOTSUPP, "EOPNOTSUPP"),
          Map.entry(EADDRNOTAVAIL, "EADDRNOTAVAIL"));

  private Errno() {}

  /** {@code EEXIST} for 17; {@code errno 123} for a number not in the table. */
  public static String name(int errno) {
    return NAMES.getOrDefault(errno, "errno " + errno);
  }
}

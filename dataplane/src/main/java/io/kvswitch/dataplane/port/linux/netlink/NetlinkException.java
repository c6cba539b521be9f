package io.kvswitch.dataplane.port.linux.netlink;

/**
 * A netlink request failed. {@link #errno()} is the kernel's answer (positive, e.g. {@link
 * Errno#EEXIST}), or 0 when the failure is not the kernel's refusal (a malformed reply).
 */
public final class NetlinkException extends RuntimeException {

  private final int errno;

  public NetlinkException(String message, int errno) {
    super(message);
    this.errno = errno;
  }

  public NetlinkException(String message, int errno, Throwable cause) {
    super(message, cause);
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }
}

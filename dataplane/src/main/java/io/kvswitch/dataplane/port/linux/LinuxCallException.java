package io.kvswitch.dataplane.port.linux;

/** A C library call failed; the message names the call, the errno text and its number. */
public final class LinuxCallException extends RuntimeException {

  private final String call;
  private final int errno;

  public LinuxCallException(String call, int errno) {
    super(call + " failed: " + Libc.strerror(errno) + " (errno " + errno + ")");
    this.call = call;
    this.errno = errno;
  }

  /** The call and, where it helps, its argument, e.g. {@code setsockopt(PACKET_RX_RING)}. */
  public String call() {
    return call;
  }

  public int errno() {
    return errno;
  }
}

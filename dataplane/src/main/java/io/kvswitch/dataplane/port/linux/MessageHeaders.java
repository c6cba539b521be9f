package io.kvswitch.dataplane.port.linux;

/**
 * Offsets and sizes of the structures {@code sendmmsg} and {@code recvmmsg} take, on 64-bit Linux,
 * for the classes that lay them out once in native memory and then only write lengths: {@code
 * struct mmsghdr} (a {@code struct msghdr} of 56 bytes and the {@code unsigned int msg_len}, padded
 * to 64), {@code struct iovec} and {@code struct sockaddr_in}.
 */
public final class MessageHeaders {

  public static final long MMSGHDR_SIZE = 64;
  public static final long MSG_NAME = 0;
  public static final long MSG_NAMELEN = 8;
  public static final long MSG_IOV = 16;
  public static final long MSG_IOVLEN = 24;
  public static final long MSG_CONTROL = 32;
  public static final long MSG_CONTROLLEN = 40;
  public static final long MSG_FLAGS = 48;

  /** {@code msg_len} of a {@code struct mmsghdr}: the bytes sent or received for that message. */
  public static final long MSG_LEN = 56;

  /** {@code struct iovec { void *iov_base; size_t iov_len; }}. */
  public static final long IOVEC_SIZE = 16;

  public static final long SOCKADDR_IN_SIZE = 16;

  private MessageHeaders() {}
}

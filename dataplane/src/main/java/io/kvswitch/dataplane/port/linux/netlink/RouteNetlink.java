package io.kvswitch.dataplane.port.linux.netlink;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.kvswitch.dataplane.port.linux.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code NETLINK_ROUTE} socket and the link operations the agent needs. The socket belongs to the
 * network namespace of the thread that opened it ({@link #open} here, {@link #openIn} inside a
 * pod's), for its whole life. Each request carries {@code NLM_F_ACK} and waits for the kernel's
 * answer, so a method returns only when the change is made, and a refusal becomes a {@link
 * NetlinkException} naming the operation, the errno and the kernel's extended-ack text.
 *
 * <p>Not thread-safe: one request at a time, from one thread at a time.
 */
public final class RouteNetlink implements AutoCloseable {

  private static final int AF_NETLINK = 16;
  private static final int NETLINK_ROUTE = 0;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int SOL_NETLINK = 270;
  private static final int NETLINK_CAP_ACK = 10;
  private static final int NETLINK_EXT_ACK = 11;
  private static final int RECEIVE_BUFFER = 64 * 1024;

  /** Rtnetlink answers within the send; the timeout only guards against a kernel bug. */
  private static final int ANSWER_TIMEOUT_SECONDS = 10;

  private final int fd;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment receiveBuffer;
  private int sequence;
  private boolean closed;

  private RouteNetlink(int fd) {
    this.fd = fd;
    this.receiveBuffer = arena.allocate(RECEIVE_BUFFER, 8);
  }

  /** A socket in the calling thread's network namespace. */
  public static RouteNetlink open() {
    int fd = Libc.socket(AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
    try (Arena local = Arena.ofConfined()) {
      // sockaddr_nl: family, padding, port id 0 (the kernel picks one), no multicast groups.
      MemorySegment address = local.allocate(12, 4);
      address.set(JAVA_SHORT, 0, (short) AF_NETLINK);
      Libc.bind(fd, address);
      // The same address with port id 0 is the kernel: every request goes there.
      Libc.connect(fd, address);
      // Errors echo only the request's header, and carry the kernel's reason as text.
      Libc.setsockoptInt(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK");
      Libc.setsockoptInt(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
      MemorySegment timeout = local.allocate(16, 8);
      timeout.set(JAVA_LONG, 0, ANSWER_TIMEOUT_SECONDS);
      Libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, "SO_RCVTIMEO");
      return new RouteNetlink(fd);
    } catch (RuntimeException e) {
      Libc.close(fd);
      throw e;
    }
  }

  /** A socket that lives in {@code namespace}, opened on a thread that entered it. */
  public static RouteNetlink openIn(NetworkNamespace namespace) {
    return namespace.call(RouteNetlink::open);
  }

  /**
   * Creates a veth pair: {@code hostName} in this socket's namespace, up, and {@code peerName} with
   * {@code peerMac} inside {@code peerNamespace}, still down (see {@link LinkMessages#newVeth});
   * both with {@code mtu}. Both ends are made or neither; an existing name is refused ({@link
   * Errno#EEXIST}), never reused.
   */
  public void createVeth(
      String hostName, NetworkNamespace peerNamespace, String peerName, String peerMac, int mtu) {
    int seq = nextSequence();
    exchange(
        LinkMessages.newVeth(seq, hostName, peerName, peerMac, mtu, peerNamespace.fd()),
        seq,
        "create veth " + hostName + " with peer " + peerName + " in " + peerNamespace.path());
  }

  /** Sets the MAC (unless null) and MTU (when positive) of {@code name} and brings it up. */
  public void configure(String name, String mac, int mtu) {
    int seq = nextSequence();
    exchange(LinkMessages.configure(seq, name, mac, mtu), seq, "configure " + name);
  }

  /** The link named {@code name}, empty when there is none. */
  public Optional<Link> link(String name) {
    int seq = nextSequence();
    try {
      List<NetlinkMessage> replies = exchange(LinkMessages.get(seq, name), seq, "get " + name);
      for (NetlinkMessage reply : replies) {
        if (reply.type() == LinkMessages.RTM_NEWLINK) {
          return Optional.of(LinkMessages.link(reply));
        }
      }
      throw new NetlinkException("get " + name + ": the kernel acknowledged without the link", 0);
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ENODEV) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Deletes {@code name} (for a veth, both ends); returns false when there was no such link. */
  public boolean delete(String name) {
    int seq = nextSequence();
    try {
      exchange(LinkMessages.delete(seq, name), seq, "delete " + name);
      return true;
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ENODEV) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Sends {@code request} and reads until the kernel acknowledges sequence {@code seq}; returns the
   * other messages of that sequence (the answer to a get).
   */
  private List<NetlinkMessage> exchange(byte[] request, int seq, String what) {
    if (closed) {
      throw new IllegalStateException("netlink socket is closed");
    }
    try (Arena local = Arena.ofConfined()) {
      MemorySegment out = local.allocate(request.length, 8);
      MemorySegment.copy(request, 0, out, JAVA_BYTE, 0, request.length);
      long sent = Libc.write(fd, out, request.length);
      if (sent < 0) {
        throw new NetlinkException(
            what + ": send failed: " + NetworkNamespace.describe((int) -sent), (int) -sent);
      }
    }
    List<NetlinkMessage> answer = new ArrayList<>();
    while (true) {
      long n = Libc.read(fd, receiveBuffer, RECEIVE_BUFFER);
      if (n == -Libc.EINTR) {
        continue;
      }
      if (n == -Libc.EAGAIN) {
        throw new NetlinkException(
            what + ": no answer from the kernel within " + ANSWER_TIMEOUT_SECONDS + " s",
            Libc.EAGAIN);
      }
      if (n < 0) {
        throw new NetlinkException(
            what + ": receive failed: " + NetworkNamespace.describe((int) -n), (int) -n);
      }
      ByteBuffer received = receiveBuffer.asSlice(0, n).asByteBuffer();
      for (NetlinkMessage message : NetlinkMessage.split(received)) {
        if (message.sequence() != seq) {
          continue; // a late answer to an earlier request that gave up
        }
        if (message.type() == NetlinkMessage.NLMSG_ERROR) {
          LinkMessages.Acknowledgement ack = LinkMessages.acknowledgement(message);
          if (ack.errno() != 0) {
            throw new NetlinkException(
                what
                    + ": "
                    + NetworkNamespace.describe(ack.errno())
                    + (ack.detail().isEmpty() ? "" : ": " + ack.detail()),
                ack.errno());
          }
          return answer;
        }
        answer.add(copy(message));
      }
    }
  }

  /** The message with its payload copied off the receive buffer, which the next read reuses. */
  private static NetlinkMessage copy(NetlinkMessage message) {
    ByteBuffer payload = ByteBuffer.allocate(message.payload().remaining());
    payload.put(message.payload().duplicate()).flip();
    return new NetlinkMessage(
        message.type(),
        message.flags(),
        message.sequence(),
        payload.asReadOnlyBuffer().order(ByteOrder.nativeOrder()));
  }

  private int nextSequence() {
    return ++sequence;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      arena.close();
      Libc.close(fd);
    }
  }
}

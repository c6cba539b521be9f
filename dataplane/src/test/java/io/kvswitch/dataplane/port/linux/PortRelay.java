package io.kvswitch.dataplane.port.linux;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies every frame from one port to the other and back, on its own thread, until closed: a wire,
 * not a switch. Frames keep their offload header when the receiving port has one.
 */
final class PortRelay implements AutoCloseable {

  private static final int BATCH = 64;
  private static final int POLL_MILLIS = 20;

  private final Port a;
  private final Port b;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private volatile long forwarded;
  private volatile long refused;
  private volatile int largestFrame;

  private PortRelay(Port a, Port b) {
    this.a = a;
    this.b = b;
    this.thread =
        Thread.ofPlatform().name("relay-" + a.name() + "-" + b.name()).unstarted(this::run);
  }

  static PortRelay start(Port a, Port b) {
    PortRelay relay = new PortRelay(a, b);
    relay.thread.start();
    return relay;
  }

  /** Frames passed on. */
  long forwarded() {
    return forwarded;
  }

  /** Frames a port's transmit refused. */
  long refused() {
    return refused;
  }

  /** Longest frame seen so far; above the MTU means GSO frames passed whole. */
  int largestFrame() {
    return largestFrame;
  }

  private void run() {
    FrameSink toB = (buffer, offset, length) -> pass(a, b, buffer, offset, length);
    FrameSink toA = (buffer, offset, length) -> pass(b, a, buffer, offset, length);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pollfds = arena.allocate(2 * Libc.POLLFD_SIZE, 8);
      pollfds.set(ValueLayout.JAVA_INT, 0, a.pollFd());
      pollfds.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
      pollfds.set(ValueLayout.JAVA_INT, Libc.POLLFD_SIZE, b.pollFd());
      pollfds.set(ValueLayout.JAVA_SHORT, Libc.POLLFD_SIZE + 4, Libc.POLLIN);
      while (running) {
        Libc.poll(pollfds, 2, POLL_MILLIS);
        if (a.receiveBatch(toB, BATCH) > 0) {
          b.flushTransmit();
        }
        if (b.receiveBatch(toA, BATCH) > 0) {
          a.flushTransmit();
        }
      }
    } catch (Throwable t) {
      failure = t;
    }
  }

  private void pass(Port from, Port to, MemorySegment buffer, long offset, int length) {
    boolean sent =
        from.offloadHeaderLength() > 0
            ? to.transmitOffloaded(buffer, offset, length)
            : to.transmit(buffer, offset, length);
    if (sent) {
      forwarded++;
    } else {
      refused++;
    }
    if (length > largestFrame) {
      largestFrame = length;
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw new IllegalStateException("relay failed", failure);
    }
  }
}

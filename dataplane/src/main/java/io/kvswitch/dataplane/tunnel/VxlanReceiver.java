package io.kvswitch.dataplane.tunnel;

import io.kvswitch.dataplane.port.FrameSink;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receive side of the tunnel socket, run by the forwarding threads themselves: each peer port
 * polls the socket from its {@link VxlanPeerPort#receiveBatch}, and the thread that gets the
 * receive lock reads with {@code recvmmsg} ({@link RecvmmsgDatagramBatch}) and walks every
 * coalesced read in place ({@link VxlanDecapsulator#receive}). The reading port's own frames go
 * straight into the switch; other peers' frames go into their rings, and their threads are woken.
 *
 * <p>Why not netty's read: its epoll channel turns every 64 KiB {@code UDP_GRO} read into one
 * {@code DatagramPacket} per datagram (an object, a pipeline pass and a reference count each) on
 * its event loop, and every frame then crossed to a forwarding thread through a ring: a copy, a
 * wake-up and a second thread per node. Read here, a node's usual case (one peer, or the peer whose
 * thread reads) costs one system call per run and no copy before the switch. netty still owns the
 * socket (creates, binds, configures and closes it) but never reads it (auto-read is off).
 *
 * <p>Order: a frame handed to another peer's ring must not be overtaken by a later frame of that
 * peer that its own thread reads. So a thread reads the socket only while it holds the lock, and
 * first drains its own ring there: every frame another reader handed over was published before that
 * reader let go of the lock. A thread that finds the lock taken drains its ring and moves on; the
 * holder reads for it. The lock is only ever tried on the packet path, never waited for.
 */
final class VxlanReceiver implements AutoCloseable {

  private final ReentrantLock lock = new ReentrantLock();
  private final RecvmmsgDatagramBatch batch;
  private final VxlanDecapsulator decapsulator;
  private final int fd;
  private long reads;
  private long coalescedReads;
  private boolean closed;

  VxlanReceiver(int fd, VxlanDecapsulator decapsulator) {
    this.fd = fd;
    this.decapsulator = decapsulator;
    this.batch = new RecvmmsgDatagramBatch(fd);
  }

  /** The socket's descriptor, which polls readable while datagrams wait. */
  int fd() {
    return fd;
  }

  /**
   * Hands {@code reader}'s waiting frames to {@code sink}: those other threads put into its ring,
   * then, when no other thread is reading, those in one read of the socket (up to {@link
   * RecvmmsgDatagramBatch#MESSAGES} runs), whose frames of other peers go to their rings.
   *
   * @return frames taken from the ring plus datagrams read (delivered, handed over or dropped):
   *     more than zero while there is work, so the thread keeps polling
   */
  int receive(VxlanPeerPort reader, FrameSink sink, int maxFrames) {
    FrameRing ring = reader.inbound();
    if (!lock.tryLock()) {
      return ring.drain(sink, maxFrames);
    }
    try {
      int handled = ring.drain(sink, maxFrames);
      if (closed || ring.size() > 0) {
        return handled;
      }
      int messages = batch.receive(maxFrames);
      int walked = 0;
      try {
        for (; walked < messages; walked++) {
          handled += walk(walked, reader, sink);
        }
      } finally {
        // The switch may throw (the worker survives it): what the kernel already gave up is
        // counted, and peers whose rings got frames before that are still woken.
        if (walked < messages) {
          decapsulator.countAbandoned(messages - walked);
        }
        reads += messages;
        decapsulator.wakeReceivers();
      }
      return handled;
    } finally {
      lock.unlock();
    }
  }

  private int walk(int i, VxlanPeerPort reader, FrameSink sink) {
    if (batch.truncated(i)) {
      decapsulator.countOversize();
      return 1;
    }
    int length = batch.length(i);
    int segmentSize = batch.segmentSize(i);
    if (segmentSize < length) {
      coalescedReads++;
    }
    return decapsulator.receive(
        batch.source(i),
        batch.buffer(),
        RecvmmsgDatagramBatch.dataOffset(i),
        length,
        segmentSize,
        reader,
        sink);
  }

  /**
   * Runs {@code change} (to the peer table) once no thread is reading, and before any thread reads
   * again: blocks until the current read is done.
   */
  void change(Runnable change) {
    lock.lock();
    try {
      change.run();
    } finally {
      lock.unlock();
    }
  }

  /** Messages read so far: datagrams, or runs of them. Under the lock, for tests. */
  long reads() {
    lock.lock();
    try {
      return reads;
    } finally {
      lock.unlock();
    }
  }

  /** Reads that held a coalesced run of several datagrams. Under the lock, for tests. */
  long coalescedReads() {
    lock.lock();
    try {
      return coalescedReads;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops reading and frees the read memory, once the current read is done. Ports still polled
   * afterwards drain their rings only. Close before the socket, so no read can reach a descriptor
   * number that was reused.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      batch.close();
    } finally {
      lock.unlock();
    }
  }
}

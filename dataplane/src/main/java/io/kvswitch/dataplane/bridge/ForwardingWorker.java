package io.kvswitch.dataplane.bridge;

import io.kvswitch.dataplane.engine.DropReason;
import io.kvswitch.dataplane.engine.ForwardingCore;
import io.kvswitch.dataplane.engine.ForwardingResult;
import io.kvswitch.dataplane.frame.EthernetFrame;
import io.kvswitch.dataplane.frame.TagEdit;
import io.kvswitch.dataplane.frame.TcpSegmenter;
import io.kvswitch.dataplane.frame.VlanTagEditor;
import io.kvswitch.dataplane.mirror.MirrorRule;
import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import io.kvswitch.dataplane.port.linux.EpollWaiter;
import io.kvswitch.dataplane.port.linux.LinuxCallException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarding thread's loop: receives batches from the ports it owns, runs each frame through
 * the core and transmits the outputs, then flushes every port it wrote to once per batch.
 *
 * <p>Everything it needs per frame (the decision, the tag-edit scratch buffer, the counters) is its
 * own and preallocated, so the loop allocates nothing.
 *
 * <p>When idle it spins for at least 100 empty rounds and 50 µs, then blocks in {@code epoll_wait}
 * ({@link EpollWaiter}) over its ports' descriptors and an eventfd that {@link #wake()} signals,
 * for ports whose frames another thread hands over. An idle switch so costs no CPU, and the first
 * frame after a pause waits for one wake-up, not for a timer. Only while it owns a port that
 * announces nothing ({@link Port#announcesFrames()} false) does it poll on a timer instead.
 */
final class ForwardingWorker implements FrameSink, Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(ForwardingWorker.class);

  /** Empty polls spent spinning before blocking; keeps latency low when traffic is bursty. */
  private static final int IDLE_SPINS = 100;

  /**
   * And at least this long since the last frame: a request forwarded one way is usually answered
   * within tens of microseconds, and a reply that finds the thread still spinning is not delayed by
   * a wake-up (which costs up to a hundred microseconds on a virtual machine). An isolated frame so
   * costs 50 µs of CPU; traffic that keeps coming keeps the thread awake anyway.
   */
  private static final long IDLE_SPIN_NANOS = 50_000L;

  /**
   * While the worker owns a port that announces nothing it parks between polls, starting short and
   * doubling up to the maximum, which bounds both the idle CPU cost and the extra latency of the
   * first frame after a quiet period.
   */
  private static final long MIN_IDLE_PARK_NANOS = 10_000L;

  private static final long MAX_IDLE_PARK_NANOS = 500_000L;

  private static final long HOUSEKEEPING_INTERVAL_NANOS = 1_000_000_000L;

  /** The housekeeping thread blocks no longer than this, so MACs age on an idle switch too. */
  private static final int HOUSEKEEPING_WAIT_MILLIS = 1_000;

  /** Where an edited frame starts in the scratch buffer: after room for its offload header. */
  private static final long SCRATCH_FRAME = VirtioNetHeader.LENGTH;

  /** Where a segment cut from a GSO frame is written: after the longest edited frame. */
  static final long SCRATCH_SEGMENT = 65_536 + 256;

  /** The longest segment the scratch buffer holds (a 9000-byte jumbo MTU frame and its tag). */
  static final int SCRATCH_SEGMENT_BYTES = 9_216;

  /** The scratch buffer a worker needs to cut GSO frames for ports without offload headers. */
  static final long SCRATCH_BYTES = SCRATCH_SEGMENT + SCRATCH_SEGMENT_BYTES;

  /** {@link #transmitWithHeader} result: a GSO frame towards a port without offload headers. */
  private static final int GSO_UNSUPPORTED = -2;

  private final ForwardingCore core;
  private final Port[] ports;
  private final TransmitLock[] locks;
  private volatile int[] ownedPorts = new int[0];
  private final EpollWaiter waiter;

  /** Per owned port: the descriptors added to {@link #waiter} for it. */
  private final int[][] watchedFds;

  /**
   * How many owned ports watch each descriptor: the peer ports of one VXLAN tunnel share its
   * socket, and epoll takes a descriptor once. Changed under the bridge's lock only.
   */
  private final Map<Integer, Integer> watchers = new HashMap<>();

  /** Per owned port: it announces nothing, so it must be polled on a timer. */
  private final boolean[] timerPolled;

  private volatile boolean pollOnTimer;

  /**
   * Set while the thread is about to block or blocked in {@link #waiter}: only then does {@link
   * #wake()} pay for a system call.
   */
  private volatile boolean blocked;

  private final int batchSize;
  private final boolean housekeeper;
  private final LongSupplier clock;
  private final ForwardingResult result;
  private final CounterShard counters;
  private final MemorySegment scratch;
  private final TcpSegmenter segmenter = new TcpSegmenter();
  private final int[] dirtyPorts;
  private final boolean[] dirty;
  private int dirtyCount;
  private int ingress;
  private int ingressHeader;
  private long now;
  private long lastHousekeeping;
  private volatile boolean running = true;
  private volatile Thread runner;
  private volatile long errors;
  private volatile long rounds;

  ForwardingWorker(
      ForwardingCore core,
      Port[] ports,
      TransmitLock[] locks,
      int batchSize,
      boolean housekeeper,
      LongSupplier clock,
      MemorySegment scratch) {
    this.core = core;
    this.ports = ports;
    this.locks = locks;
    this.batchSize = batchSize;
    this.housekeeper = housekeeper;
    this.clock = clock;
    this.result = new ForwardingResult(core.maxPorts());
    this.counters = new CounterShard(core.maxPorts());
    this.scratch = scratch;
    this.dirtyPorts = new int[core.maxPorts()];
    this.dirty = new boolean[core.maxPorts()];
    this.watchedFds = new int[core.maxPorts()][];
    this.timerPolled = new boolean[core.maxPorts()];
    this.lastHousekeeping = clock.getAsLong();
    this.waiter = EpollWaiter.open();
  }

  /** Unexpected exceptions the loop survived. */
  long errors() {
    return errors;
  }

  /** Completed receive rounds; a port removal waits for this to move on. */
  long rounds() {
    return rounds;
  }

  int ownedPortCount() {
    return ownedPorts.length;
  }

  /**
   * Starts receiving from {@code port} and waiting on its descriptors. Called under the bridge's
   * lock; the thread is woken so that it takes the port into its next round.
   */
  void own(int port) {
    int[] current = ownedPorts;
    int[] next = Arrays.copyOf(current, current.length + 1);
    next[current.length] = port;
    watchPort(port);
    ownedPorts = next;
    wake();
  }

  /**
   * Stops receiving from {@code port} and waiting on its descriptors, which stay open until the
   * bridge closes the port. Called under the bridge's lock.
   */
  void disown(int port) {
    ownedPorts = Arrays.stream(ownedPorts).filter(owned -> owned != port).toArray();
    for (int fd : watchedFds[port]) {
      if (watchers.merge(fd, -1, Integer::sum) == 0) {
        watchers.remove(fd);
        waiter.unwatch(fd);
      }
    }
    watchedFds[port] = null;
    timerPolled[port] = false;
    updatePollOnTimer();
    wake();
  }

  private void watchPort(int port) {
    Port backend = ports[port];
    int[] fds = backend.pollFds();
    int[] added = new int[fds.length];
    int watched = 0;
    boolean timer = !backend.announcesFrames();
    for (int fd : fds) {
      if (watchers.containsKey(fd)) {
        watchers.merge(fd, 1, Integer::sum);
        added[watched++] = fd;
        continue;
      }
      try {
        waiter.watch(fd);
        watchers.put(fd, 1);
        added[watched++] = fd;
      } catch (LinuxCallException e) {
        // A descriptor epoll cannot watch (it refuses regular files, for one) still works when
        // polled: the port is then polled on a timer rather than left unheard.
        LOG.warn("port '{}': cannot wait on fd {}, polling it instead: {}", backend.name(), fd, e);
        timer = true;
      }
    }
    watchedFds[port] = Arrays.copyOf(added, watched);
    timerPolled[port] = timer;
    updatePollOnTimer();
  }

  private void updatePollOnTimer() {
    boolean any = false;
    for (boolean polled : timerPolled) {
      any |= polled;
    }
    pollOnTimer = any;
  }

  CounterShard counters() {
    return counters;
  }

  /** Receives one batch from each owned port; returns how many frames it handled. */
  int pollOnce() {
    int handled = 0;
    for (int port : ownedPorts) {
      ingress = port;
      ingressHeader = ports[port].offloadHeaderLength();
      now = clock.getAsLong();
      handled += ports[port].receiveBatch(this, batchSize);
      flushDirtyPorts();
    }
    if (housekeeper) {
      long time = clock.getAsLong();
      if (time - lastHousekeeping >= HOUSEKEEPING_INTERVAL_NANOS) {
        lastHousekeeping = time;
        core.macTable().expire(time);
      }
    }
    rounds++;
    return handled;
  }

  /**
   * Ends the current or next idle wait at once: for ports whose frames arrive from another thread
   * (their receive wake-up), a port added or removed, and stopping. From any thread; costs a system
   * call only while the worker is blocked or about to block.
   */
  void wake() {
    // Pairs with the fence in run(): a producer that published frames before calling this either
    // sees `blocked` set, or the worker's poll after setting it sees the frames.
    VarHandle.fullFence();
    if (blocked) {
      waiter.signal();
    }
    Thread thread = runner;
    if (thread != null && pollOnTimer) {
      LockSupport.unpark(thread);
    }
  }

  @Override
  public void run() {
    runner = Thread.currentThread();
    int idle = 0;
    long park = MIN_IDLE_PARK_NANOS;
    // The wall clock, not the injectable one: a test's clock that stands still must not keep the
    // thread spinning.
    long lastFrame = System.nanoTime();
    while (running) {
      int handled = pollSafely();
      if (handled > 0) {
        idle = 0;
        park = MIN_IDLE_PARK_NANOS;
        lastFrame = System.nanoTime();
      } else if (++idle < IDLE_SPINS || System.nanoTime() - lastFrame < IDLE_SPIN_NANOS) {
        Thread.onSpinWait();
      } else if (pollOnTimer) {
        LockSupport.parkNanos(park);
        park = Math.min(park * 2, MAX_IDLE_PARK_NANOS);
      } else {
        blockUntilAnnounced();
        idle = 0;
      }
    }
  }

  /**
   * Blocks until a port's descriptor polls readable or {@link #wake()} is called. A frame handed
   * over by another thread just before {@code blocked} was set would not wake it, so the ports are
   * polled once more after setting it.
   */
  private void blockUntilAnnounced() {
    blocked = true;
    VarHandle.fullFence();
    if (pollSafely() == 0 && running) {
      waiter.await(housekeeper ? HOUSEKEEPING_WAIT_MILLIS : -1);
    }
    blocked = false;
  }

  private int pollSafely() {
    try {
      return pollOnce();
    } catch (RuntimeException e) {
      // A failing backend must not take the other ports of this thread down with it.
      errors++;
      LOG.warn("forwarding thread {} recovered from an error", Thread.currentThread().getName(), e);
      return 0;
    }
  }

  /** Ends the loop; the thread returns from a wait it is in. */
  void stop() {
    running = false;
    waiter.signal();
    Thread thread = runner;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  /** Releases the wait's descriptors, once the thread has ended (or never ran). */
  void close() {
    waiter.close();
  }

  @Override
  public void accept(MemorySegment buffer, long offset, int length) {
    int in = ingress;
    counters.received(in, length);
    core.process(in, buffer, offset, length, now, result);
    if (result.isDropped()) {
      counters.dropped(in, result.dropReason());
      return;
    }
    for (int i = 0; i < result.outputCount(); i++) {
      transmit(result.port(i), result.tagEdit(i), result.egressVid(i), buffer, offset, length);
    }
    for (int i = 0; i < result.copyCount(); i++) {
      transmitCopy(
          result.copyRule(i),
          result.copyTagEdit(i),
          result.copyEgressVid(i),
          buffer,
          offset,
          length);
    }
  }

  /**
   * Sends one mirror copy to its session's destination, cut to the snap length, and counts it for
   * the session: mirrored when the port took it, dropped when it refused it or it did not fit.
   * Whole copies go out like any output (offload header and all); cut ones always as plain frames,
   * since a cut GSO frame is no longer one the receiver could segment, and checksums of a cut frame
   * cannot be checked anyway.
   */
  private void transmitCopy(
      MirrorRule rule, TagEdit edit, int vid, MemorySegment buffer, long offset, int length) {
    int egress = rule.destination();
    Port port = ports[egress];
    int edited =
        switch (edit) {
          case PUSH -> length + 4;
          case POP -> length - 4;
          case KEEP, REWRITE -> length;
        };
    int copyLength = rule.copyLength(edited);
    if (port == null || copyLength > port.maxTransmitLength()) {
      rule.stats().countDropped();
      return;
    }
    TransmitLock lock = locks[egress];
    int sentLength;
    lock.lock();
    try {
      if (copyLength == edited && ingressHeader > 0) {
        sentLength = transmitWithHeader(port, edit, vid, buffer, offset, length);
      } else if (edit == TagEdit.KEEP) {
        sentLength = port.transmit(buffer, offset, copyLength) ? copyLength : -1;
      } else {
        sentLength = VlanTagEditor.write(edit, vid, buffer, offset, length, scratch, 0);
        if (sentLength >= 0) {
          sentLength = Math.min(sentLength, copyLength);
          if (!port.transmit(scratch, 0, sentLength)) {
            sentLength = -1;
          }
        }
      }
    } finally {
      lock.unlock();
    }
    if (!dirty[egress]) {
      dirty[egress] = true;
      dirtyPorts[dirtyCount++] = egress;
    }
    if (sentLength >= 0) {
      counters.transmitted(egress, sentLength);
      rule.stats().countMirrored();
    } else {
      rule.stats().countDropped();
    }
  }

  private void transmit(
      int egress, TagEdit edit, int vid, MemorySegment buffer, long offset, int length) {
    Port port = ports[egress];
    int edited =
        switch (edit) {
          case PUSH -> length + 4;
          case POP -> length - 4;
          case KEEP, REWRITE -> length;
        };
    if (edited > port.maxTransmitLength() && !isSegmentedBy(port, buffer, offset)) {
      // Only tunnel ports set a limit; one refused copy of a flood leaves the others going out.
      counters.dropped(egress, DropReason.UNDERLAY_MTU_EXCEEDED);
      return;
    }
    TransmitLock lock = locks[egress];
    int sentLength;
    lock.lock();
    try {
      if (ingressHeader > 0) {
        sentLength = transmitWithHeader(port, edit, vid, buffer, offset, length);
      } else if (edit == TagEdit.KEEP) {
        sentLength = port.transmit(buffer, offset, length) ? length : -1;
      } else {
        sentLength = VlanTagEditor.write(edit, vid, buffer, offset, length, scratch, 0);
        if (sentLength >= 0 && !port.transmit(scratch, 0, sentLength)) {
          sentLength = -1;
        }
      }
    } finally {
      lock.unlock();
    }
    if (!dirty[egress]) {
      dirty[egress] = true;
      dirtyPorts[dirtyCount++] = egress;
    }
    if (sentLength >= 0) {
      counters.transmitted(egress, sentLength);
    } else if (sentLength == GSO_UNSUPPORTED) {
      counters.dropped(egress, DropReason.SEGMENTATION_OFFLOAD_UNSUPPORTED);
    } else {
      counters.dropped(egress, DropReason.TRANSMIT_REFUSED);
    }
  }

  /**
   * Sends a frame that came with a {@link VirtioNetHeader}. A port that takes offloaded frames gets
   * the header too (shifted by a tag push or pop), so GSO frames and unfinished checksums stay the
   * receiver's job (or the tunnel port's, which does them itself). A port without headers gets
   * plain frames: the checksum is finished here, and a TCP GSO frame is cut into segments (see
   * "Offloads" in dataplane/README.md).
   *
   * @return the length sent, -1 when the port refused it, or {@link #GSO_UNSUPPORTED}
   */
  private int transmitWithHeader(
      Port port, TagEdit edit, int vid, MemorySegment buffer, long offset, int length) {
    long header = offset - VirtioNetHeader.LENGTH;
    boolean carriesHeader = port.acceptsOffloadedFrames();
    if (!carriesHeader && VirtioNetHeader.gsoType(buffer, header) != VirtioNetHeader.GSO_NONE) {
      return transmitSegments(port, edit, vid, buffer, offset, length);
    }
    if (edit == TagEdit.KEEP) {
      if (carriesHeader) {
        return port.transmitOffloaded(buffer, offset, length) ? length : -1;
      }
      if (VirtioNetHeader.isPlain(buffer, header)) {
        return port.transmit(buffer, offset, length) ? length : -1;
      }
    }
    // A tag edit, or a checksum to finish: both work on a copy, as other outputs of the same
    // frame (a flood) still need the original.
    int written =
        OffloadedFrames.writeTagEdited(edit, vid, buffer, offset, length, scratch, SCRATCH_FRAME);
    if (written < 0) {
      return -1;
    }
    if (carriesHeader) {
      return port.transmitOffloaded(scratch, SCRATCH_FRAME, written) ? written : -1;
    }
    if (!OffloadedFrames.finishChecksum(scratch, SCRATCH_FRAME, written)) {
      return -1;
    }
    return port.transmit(scratch, SCRATCH_FRAME, written) ? written : -1;
  }

  /**
   * Cuts a TCP GSO frame into complete segments for a port that carries no offload header (the
   * kernel behind it would not cut it): a frame coalesced from the tunnel, or from a pod with
   * offloads on, towards a port whose offloads are off. Each segment is written to the scratch
   * buffer's segment area and sent as a plain frame.
   *
   * @return the bytes sent, -1 when the port refused a segment, or {@link #GSO_UNSUPPORTED} when
   *     the frame cannot be cut (not TCP, a malformed header, segments longer than the port takes)
   */
  private int transmitSegments(
      Port port, TagEdit edit, int vid, MemorySegment buffer, long offset, int length) {
    if (scratch.byteSize() < SCRATCH_SEGMENT + SCRATCH_SEGMENT_BYTES) {
      return GSO_UNSUPPORTED;
    }
    MemorySegment source = buffer;
    long frame = offset;
    int frameLength = length;
    if (edit != TagEdit.KEEP) {
      frameLength =
          OffloadedFrames.writeTagEdited(edit, vid, buffer, offset, length, scratch, SCRATCH_FRAME);
      if (frameLength < 0) {
        return -1;
      }
      source = scratch;
      frame = SCRATCH_FRAME;
    }
    int tagLength =
        EthernetFrame.etherType(source, frame) == EthernetFrame.ETHERTYPE_VLAN
            ? EthernetFrame.TAG_LENGTH
            : 0;
    int limit = Math.min(port.maxTransmitLength(), SCRATCH_SEGMENT_BYTES);
    int segments = segmenter.prepare(source, frame, frameLength, tagLength, false, limit);
    if (segments < 0) {
      return GSO_UNSUPPORTED;
    }
    int sent = 0;
    for (int i = 0; i < segments; i++) {
      int segment = segmenter.write(i, scratch, SCRATCH_SEGMENT);
      if (!port.transmit(scratch, SCRATCH_SEGMENT, segment)) {
        return -1;
      }
      sent += segment;
    }
    return sent;
  }

  /**
   * Whether the frame is a GSO frame that {@code port} cuts itself: its segments, not the frame,
   * must fit the port, and the port checks them.
   */
  private boolean isSegmentedBy(Port port, MemorySegment buffer, long offset) {
    return ingressHeader > 0
        && VirtioNetHeader.gsoType(buffer, offset - VirtioNetHeader.LENGTH)
            != VirtioNetHeader.GSO_NONE
        && port.acceptsOffloadedFrames();
  }

  private void flushDirtyPorts() {
    for (int i = 0; i < dirtyCount; i++) {
      int egress = dirtyPorts[i];
      dirty[egress] = false;
      locks[egress].lock();
      try {
        ports[egress].flushTransmit();
      } finally {
        locks[egress].unlock();
      }
    }
    dirtyCount = 0;
  }
}

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
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
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
 */
final class ForwardingWorker implements FrameSink, Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(ForwardingWorker.class);

  /** Empty polls spent spinning before parking; keeps latency low when traffic is bursty. */
  private static final int IDLE_SPINS = 100;

  /**
   * An idle worker parks between polls, starting short and doubling up to the maximum: ports have
   * no wake-up fd wiring yet, so this bounds both the idle CPU cost and the extra latency of the
   * first frame after a quiet period.
   */
  private static final long MIN_IDLE_PARK_NANOS = 10_000L;

  private static final long MAX_IDLE_PARK_NANOS = 500_000L;

  private static final long HOUSEKEEPING_INTERVAL_NANOS = 1_000_000_000L;

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
    this.lastHousekeeping = clock.getAsLong();
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

  /** Starts receiving from {@code port}. Called under the bridge's lock. */
  void own(int port) {
    int[] current = ownedPorts;
    int[] next = Arrays.copyOf(current, current.length + 1);
    next[current.length] = port;
    ownedPorts = next;
  }

  /** Stops receiving from {@code port}. Called under the bridge's lock. */
  void disown(int port) {
    ownedPorts = Arrays.stream(ownedPorts).filter(owned -> owned != port).toArray();
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
   * Ends the current or next idle park at once: for ports whose frames arrive from another thread,
   * which would otherwise wait up to the longest park.
   */
  void wake() {
    Thread thread = runner;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  @Override
  public void run() {
    runner = Thread.currentThread();
    int idle = 0;
    long park = MIN_IDLE_PARK_NANOS;
    while (running) {
      int handled;
      try {
        handled = pollOnce();
      } catch (RuntimeException e) {
        // A failing backend must not take the other ports of this thread down with it.
        errors++;
        LOG.warn(
            "forwarding thread {} recovered from an error", Thread.currentThread().getName(), e);
        handled = 0;
      }
      if (handled > 0) {
        idle = 0;
        park = MIN_IDLE_PARK_NANOS;
      } else if (++idle < IDLE_SPINS) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(park);
        park = Math.min(park * 2, MAX_IDLE_PARK_NANOS);
      }
    }
  }

  void stop() {
    running = false;
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

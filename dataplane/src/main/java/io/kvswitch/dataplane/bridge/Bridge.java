package io.kvswitch.dataplane.bridge;

import io.kvswitch.dataplane.engine.DropReason;
import io.kvswitch.dataplane.engine.ForwardingCore;
import io.kvswitch.dataplane.engine.MacTableSettings;
import io.kvswitch.dataplane.engine.MacTableStats;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.port.Port;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A running switch: owns its ports (by index), the forwarding core, and the forwarding threads.
 *
 * <p>Each port is received from by exactly one thread, the one with the fewest ports when it was
 * added; any thread may transmit to any port, serialized per port, so one port's receive and
 * transmit can run on different threads at once. Ports can be added and removed while the switch
 * runs. Idle threads spin briefly and then block in {@code epoll_wait} on their ports' descriptors
 * and an eventfd that ports fed by other threads (tunnels, DHCP) signal through their receive
 * wake-up.
 */
public final class Bridge implements AutoCloseable {

  /**
   * Room for the largest frame a backend hands over (64 KiB GSO with its headers), a pushed tag,
   * and the offload header in front of it.
   */
  private static final long SCRATCH_BYTES = ForwardingWorker.SCRATCH_BYTES;

  /** How long removing a port waits for every forwarding thread to let go of it. */
  private static final long QUIESCE_TIMEOUT_NANOS = 5_000_000_000L;

  private final ForwardingCore core;
  private final Port[] ports;
  private final TransmitLock[] locks;
  private final int[] owner;
  private final List<ForwardingWorker> workers;
  private final List<Thread> threads = new ArrayList<>();
  private final Arena arena = Arena.ofShared();
  private boolean started;
  private boolean closed;

  private Bridge(Builder builder) {
    int maxPorts = Math.max(builder.maxPorts, builder.ports.size());
    core = new ForwardingCore(maxPorts, builder.macSettings);
    ports = new Port[maxPorts];
    locks = new TransmitLock[maxPorts];
    owner = new int[maxPorts];
    for (int i = 0; i < maxPorts; i++) {
      locks[i] = new TransmitLock();
      owner[i] = -1;
    }
    workers = new ArrayList<>(builder.threads);
    for (int t = 0; t < builder.threads; t++) {
      workers.add(
          new ForwardingWorker(
              core,
              ports,
              locks,
              builder.batchSize,
              t == 0,
              builder.clock,
              arena.allocate(SCRATCH_BYTES, 64)));
    }
    for (PortSpec spec : builder.ports) {
      addPort(spec.port(), spec.vlanConfig(), spec.stormControl(), spec.splitHorizonGroup());
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public ForwardingCore core() {
    return core;
  }

  /** How many ports the switch has now. */
  public synchronized int portCount() {
    int count = 0;
    for (Port port : ports) {
      if (port != null) {
        count++;
      }
    }
    return count;
  }

  /** The indexes of the switch's ports, in ascending order. */
  public synchronized int[] portIndexes() {
    int[] indexes = new int[portCount()];
    int next = 0;
    for (int i = 0; i < ports.length; i++) {
      if (ports[i] != null) {
        indexes[next++] = i;
      }
    }
    return indexes;
  }

  /** The switch's ports, in index order. */
  public synchronized List<Port> ports() {
    List<Port> live = new ArrayList<>();
    for (Port port : ports) {
      if (port != null) {
        live.add(port);
      }
    }
    return live;
  }

  /** The port at {@code index}. */
  public synchronized Port port(int index) {
    Objects.checkIndex(index, ports.length);
    Port port = ports[index];
    if (port == null) {
      throw new IllegalArgumentException("no port at index " + index);
    }
    return port;
  }

  /** The index of the port called {@code name}. */
  public synchronized int portIndex(String name) {
    for (int i = 0; i < ports.length; i++) {
      if (ports[i] != null && ports[i].name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no port named '" + name + "'");
  }

  /**
   * Plugs a port into the switch, running or not: it is received from by the forwarding thread with
   * the fewest ports and gets frames from the next one on.
   *
   * @return the port's index, the lowest one free
   * @throws IllegalStateException when all {@code maxPorts} indexes are taken
   */
  public int addPort(Port port, PortVlanConfig vlanConfig, StormControlSettings stormControl) {
    return addPort(port, vlanConfig, stormControl, 0);
  }

  /**
   * Like {@link #addPort(Port, PortVlanConfig, StormControlSettings)}, for a port of split-horizon
   * group {@code splitHorizonGroup} (0 for none): frames never pass between ports of one group, as
   * between the VXLAN ports of a full mesh.
   */
  public synchronized int addPort(
      Port port,
      PortVlanConfig vlanConfig,
      StormControlSettings stormControl,
      int splitHorizonGroup) {
    if (closed) {
      throw new IllegalStateException("bridge is closed");
    }
    for (Port existing : ports) {
      if (existing != null && existing.name().equals(port.name())) {
        throw new IllegalArgumentException("a port named '" + port.name() + "' exists already");
      }
    }
    int index = -1;
    for (int i = 0; i < ports.length && index < 0; i++) {
      if (ports[i] == null) {
        index = i;
      }
    }
    if (index < 0) {
      throw new IllegalStateException("all " + ports.length + " port indexes are in use");
    }
    ports[index] = port;
    // The core publishes the port (a volatile write) before any thread can pick it as egress.
    core.setPort(index, vlanConfig, stormControl, splitHorizonGroup);
    int quietest = 0;
    for (int t = 1; t < workers.size(); t++) {
      if (workers.get(t).ownedPortCount() < workers.get(quietest).ownedPortCount()) {
        quietest = t;
      }
    }
    owner[index] = quietest;
    ForwardingWorker receiver = workers.get(quietest);
    // The wake-up goes in first: a frame another thread hands the port right after own() must
    // wake its owner, not a placeholder, or it waits for the next unrelated frame.
    port.setReceiveWakeup(receiver::wake);
    receiver.own(index);
    return index;
  }

  /**
   * Unplugs and closes the port at {@code index}: it gets no more frames, its MACs are forgotten
   * and its counters are gone. Returns once no forwarding thread uses the port any more.
   */
  public synchronized void removePort(int index) {
    Port port = port(index);
    core.removePort(index);
    workers.get(owner[index]).disown(index);
    owner[index] = -1;
    awaitQuiescence();
    // A thread may have learned on the port with the old layout; forget that too.
    core.macTable().flushPort(index);
    for (ForwardingWorker worker : workers) {
      worker.counters().clearPort(index);
    }
    ports[index] = null;
    port.close();
  }

  /** Waits until every running forwarding thread has finished a whole round since now. */
  private void awaitQuiescence() {
    if (!started) {
      // pollOnce() runs on callers' threads and is synchronized like this method.
      return;
    }
    long[] seen = new long[workers.size()];
    for (int t = 0; t < seen.length; t++) {
      seen[t] = workers.get(t).rounds();
    }
    long deadline = System.nanoTime() + QUIESCE_TIMEOUT_NANOS;
    for (int t = 0; t < seen.length; t++) {
      // Two rounds: the one in progress may have started before the port was removed.
      while (workers.get(t).rounds() < seen[t] + 2 && threads.get(t).isAlive()) {
        // A thread blocked on quiet ports finishes no round until something wakes it.
        workers.get(t).wake();
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "forwarding thread " + threads.get(t).getName() + " did not finish a round in 5 s");
        }
        LockSupport.parkNanos(100_000L);
      }
    }
  }

  public int threadCount() {
    return workers.size();
  }

  /**
   * Runs one receive round of every forwarding loop on the calling thread, for tests and tools that
   * drive the switch step by step instead of calling {@link #start()}.
   *
   * @return how many frames were handled
   */
  public synchronized int pollOnce() {
    if (started) {
      throw new IllegalStateException("bridge is running on its own threads");
    }
    int handled = 0;
    for (ForwardingWorker worker : workers) {
      handled += worker.pollOnce();
    }
    return handled;
  }

  /** Starts one forwarding thread per worker. */
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException("bridge already started or closed");
    }
    started = true;
    for (int t = 0; t < workers.size(); t++) {
      Thread thread =
          Thread.ofPlatform().name("kvswitch-fwd-" + t).daemon().unstarted(workers.get(t));
      threads.add(thread);
      thread.start();
    }
  }

  public synchronized PortStats portStats(int port) {
    String name = port(port).name();
    long[] totals = new long[4];
    Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    for (ForwardingWorker worker : workers) {
      CounterShard shard = worker.counters();
      totals[0] += shard.read(port, CounterShard.RX_PACKETS);
      totals[1] += shard.read(port, CounterShard.RX_BYTES);
      totals[2] += shard.read(port, CounterShard.TX_PACKETS);
      totals[3] += shard.read(port, CounterShard.TX_BYTES);
      for (DropReason reason : CounterShard.reasons()) {
        long count = shard.readDrops(port, reason);
        if (count > 0) {
          drops.merge(reason, count, Long::sum);
        }
      }
    }
    int macEntries = core.macTable().sizeOfPort(port);
    return new PortStats(name, totals[0], totals[1], totals[2], totals[3], macEntries, drops);
  }

  /** Counters of every port, in index order. */
  public synchronized List<PortStats> portStats() {
    List<PortStats> all = new ArrayList<>();
    for (int port : portIndexes()) {
      all.add(portStats(port));
    }
    return all;
  }

  public MacTableStats macTableStats() {
    return core.macTable().stats();
  }

  /** Unexpected exceptions the forwarding threads caught and survived. */
  public long workerErrors() {
    return workers.stream().mapToLong(ForwardingWorker::errors).sum();
  }

  /** Stops the forwarding threads, waits for them, and closes every port. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    workers.forEach(ForwardingWorker::stop);
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    workers.forEach(ForwardingWorker::close);
    for (Port port : ports) {
      if (port != null) {
        port.close();
      }
    }
    arena.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private record PortSpec(
      Port port,
      PortVlanConfig vlanConfig,
      StormControlSettings stormControl,
      int splitHorizonGroup) {}

  /** Collects ports and settings; ports get indexes in the order they are added. */
  public static final class Builder {
    private final List<PortSpec> ports = new ArrayList<>();
    private int maxPorts = 64;
    private MacTableSettings macSettings = MacTableSettings.DEFAULTS;
    private LongSupplier clock = System::nanoTime;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int batchSize = 64;

    private Builder() {}

    public Builder addPort(Port port, PortVlanConfig vlanConfig) {
      return addPort(port, vlanConfig, StormControlSettings.UNLIMITED);
    }

    public Builder addPort(
        Port port, PortVlanConfig vlanConfig, StormControlSettings stormControl) {
      return addPort(port, vlanConfig, stormControl, 0);
    }

    /** A port of split-horizon group {@code splitHorizonGroup}; see {@link Bridge#addPort}. */
    public Builder addPort(
        Port port,
        PortVlanConfig vlanConfig,
        StormControlSettings stormControl,
        int splitHorizonGroup) {
      ports.add(new PortSpec(port, vlanConfig, stormControl, splitHorizonGroup));
      return this;
    }

    /** Port indexes the switch has room for (it grows to fit the ports added). */
    public Builder maxPorts(int maxPorts) {
      this.maxPorts = maxPorts;
      return this;
    }

    public Builder macTable(MacTableSettings settings) {
      this.macSettings = settings;
      return this;
    }

    /** The time source for aging and storm control, in nanoseconds. */
    public Builder clock(LongSupplier nanoClock) {
      this.clock = nanoClock;
      return this;
    }

    /** Forwarding threads; defaults to one per available processor. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Frames taken from one port per receive call. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1: " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    public Bridge build() {
      return new Bridge(this);
    }
  }
}

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
import java.util.function.LongSupplier;

/**
 * A running switch: owns its ports (by index), the forwarding core, and the forwarding threads.
 *
 * <p>Each port is received from by exactly one thread (ports are dealt round-robin to threads); any
 * thread may transmit to any port, serialized per port. Idle threads spin briefly and then park
 * between polls, from 10 µs doubling up to 500 µs: ports are polled, not woken by their fds yet.
 */
public final class Bridge implements AutoCloseable {

  /** Room for the largest frame a backend hands over (64 KiB GSO) plus a pushed tag. */
  private static final int SCRATCH_BYTES = 65_536 + 64;

  private final ForwardingCore core;
  private final Port[] ports;
  private final TransmitLock[] locks;
  private final int portCount;
  private final List<ForwardingWorker> workers;
  private final List<Thread> threads = new ArrayList<>();
  private final Arena arena = Arena.ofShared();
  private boolean started;
  private boolean closed;

  private Bridge(Builder builder) {
    portCount = builder.ports.size();
    int maxPorts = Math.max(builder.maxPorts, portCount);
    core = new ForwardingCore(maxPorts, builder.macSettings);
    ports = new Port[maxPorts];
    locks = new TransmitLock[maxPorts];
    for (int i = 0; i < portCount; i++) {
      PortSpec spec = builder.ports.get(i);
      ports[i] = spec.port();
      locks[i] = new TransmitLock();
      core.setPort(i, spec.vlanConfig(), spec.stormControl());
    }
    int threadCount = Math.max(1, Math.min(builder.threads, portCount));
    workers = new ArrayList<>(threadCount);
    for (int t = 0; t < threadCount; t++) {
      List<Integer> owned = new ArrayList<>();
      for (int port = t; port < portCount; port += threadCount) {
        owned.add(port);
      }
      workers.add(
          new ForwardingWorker(
              core,
              ports,
              locks,
              owned.stream().mapToInt(Integer::intValue).toArray(),
              builder.batchSize,
              t == 0,
              builder.clock,
              arena.allocate(SCRATCH_BYTES, 64)));
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public ForwardingCore core() {
    return core;
  }

  public int portCount() {
    return portCount;
  }

  public Port port(int index) {
    Objects.checkIndex(index, portCount);
    return ports[index];
  }

  /** The index of the port called {@code name}. */
  public int portIndex(String name) {
    for (int i = 0; i < portCount; i++) {
      if (ports[i].name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no port named '" + name + "'");
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

  public PortStats portStats(int port) {
    Objects.checkIndex(port, portCount);
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
    return new PortStats(ports[port].name(), totals[0], totals[1], totals[2], totals[3], drops);
  }

  public List<PortStats> portStats() {
    List<PortStats> all = new ArrayList<>(portCount);
    for (int port = 0; port < portCount; port++) {
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
    for (int i = 0; i < portCount; i++) {
      ports[i].close();
    }
    arena.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private record PortSpec(
      Port port, PortVlanConfig vlanConfig, StormControlSettings stormControl) {}

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
      ports.add(new PortSpec(port, vlanConfig, stormControl));
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

    /** Forwarding threads; defaults to one per available processor, never more than ports. */
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

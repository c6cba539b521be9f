package io.kvswitch.dataplane.bridge;

import io.kvswitch.dataplane.engine.DropReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The per-port counters one forwarding thread writes. Each thread has its own shard, so counting
 * needs no atomic instructions and no shared cache lines; readers sum the shards. Opaque access
 * makes the readers see whole, recent values.
 */
final class CounterShard {

  static final int RX_PACKETS = 0;
  static final int RX_BYTES = 1;
  static final int TX_PACKETS = 2;
  static final int TX_BYTES = 3;
  private static final int DROPS = 4;
  static final int STRIDE = DROPS + DropReason.values().length;
  private static final DropReason[] REASONS = DropReason.values();
  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] values;

  CounterShard(int maxPorts) {
    values = new long[maxPorts * STRIDE];
  }

  void received(int port, int bytes) {
    add(port * STRIDE + RX_PACKETS, 1);
    add(port * STRIDE + RX_BYTES, bytes);
  }

  void transmitted(int port, int bytes) {
    add(port * STRIDE + TX_PACKETS, 1);
    add(port * STRIDE + TX_BYTES, bytes);
  }

  void dropped(int port, DropReason reason) {
    add(port * STRIDE + DROPS + reason.ordinal(), 1);
  }

  private void add(int index, long delta) {
    LONGS.setOpaque(values, index, (long) LONGS.getOpaque(values, index) + delta);
  }

  /** Zeroes a port's counters; only when no thread forwards to or from it any more. */
  void clearPort(int port) {
    for (int i = 0; i < STRIDE; i++) {
      LONGS.setOpaque(values, port * STRIDE + i, 0L);
    }
  }

  long read(int port, int counter) {
    return (long) LONGS.getOpaque(values, port * STRIDE + counter);
  }

  long readDrops(int port, DropReason reason) {
    return read(port, DROPS + reason.ordinal());
  }

  static DropReason[] reasons() {
    return REASONS;
  }
}

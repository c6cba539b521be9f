package io.kvswitch.dataplane.bridge;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Serializes transmits to one port from several forwarding threads. Held for one frame or one
 * flush, so a spin is shorter than parking would be, and it never allocates (unlike a contended
 * {@link java.util.concurrent.locks.ReentrantLock}).
 */
final class TransmitLock {

  private static final VarHandle HELD;

  static {
    try {
      HELD = MethodHandles.lookup().findVarHandle(TransmitLock.class, "held", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Only accessed through HELD.
  private volatile int held;

  void lock() {
    while (!HELD.weakCompareAndSetAcquire(this, 0, 1)) {
      Thread.onSpinWait();
    }
  }

  void unlock() {
    HELD.setRelease(this, 0);
  }
}

package io.kvswitch.e2e.sandbox;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the sandbox's sync loops. A loop is shut down and then awaited, not just interrupted: a
 * sync under way could otherwise start a process, or write an object to the cluster, after its
 * owner has cleaned up.
 */
final class ScheduledLoops {

  private static final Logger LOG = LoggerFactory.getLogger(ScheduledLoops.class);

  private ScheduledLoops() {}

  /**
   * Cancels the loop's periodic tasks, waits up to {@code timeout} for the one running to finish,
   * and only then interrupts it.
   */
  static void shutDownAndAwait(ExecutorService loop, Duration timeout, String what) {
    loop.shutdown();
    try {
      if (!loop.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{}: a sync still runs after {} s; interrupting it", what, timeout.toSeconds());
        loop.shutdownNow();
        if (!loop.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("{}: its sync did not stop", what);
        }
      }
    } catch (InterruptedException e) {
      loop.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

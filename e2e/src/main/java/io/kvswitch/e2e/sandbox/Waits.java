package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** How the verbs wait: on an API object by a watch, on local state by checking it again. */
final class Waits {

  private static final long LOCAL_CHECK_MILLIS = 200;

  private Waits() {}

  /**
   * Waits, through fabric8's watch of the object, until {@code condition} holds for it; a deleted
   * or missing object reaches {@code condition} as {@code null}. The object as it was then (null
   * when deleted), or empty at the deadline.
   */
  static <T extends HasMetadata> Optional<Optional<T>> forObject(
      Resource<T> resource, Predicate<T> condition, Duration timeout) {
    try {
      return Optional.of(
          Optional.ofNullable(
              resource.waitUntilCondition(condition, timeout.toMillis(), TimeUnit.MILLISECONDS)));
    } catch (KubernetesClientTimeoutException e) {
      return Optional.empty();
    }
  }

  /**
   * Checks {@code condition} until it holds or the deadline passes: for state outside the API
   * (network namespaces, the processes in them), which nothing can be watched for.
   */
  static boolean forLocal(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (!Instant.now().isBefore(deadline)) {
        return false;
      }
      Thread.sleep(LOCAL_CHECK_MILLIS);
    }
    return true;
  }
}

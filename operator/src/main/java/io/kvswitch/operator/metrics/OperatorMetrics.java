package io.kvswitch.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The operator's metrics, fed by the framework (reconciles, failures, work in progress) and by the
 * reconcilers (compile time), rendered in the Prometheus text format.
 *
 * <p>The queue depth counts resources whose reconcile the framework has submitted to its executor
 * and that have not started yet; in progress counts those running. Both are kept as sets of
 * resources rather than counters because the framework may report a finish without a start (a
 * resource deleted while queued), and a counter would drift.
 */
public final class OperatorMetrics implements Metrics {

  private final ConcurrentMap<String, LongAdder> reconciles = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final Set<String> kinds = ConcurrentHashMap.newKeySet();
  private final ConcurrentMap<ResourceID, String> queued = new ConcurrentHashMap<>();
  private final ConcurrentMap<ResourceID, String> executing = new ConcurrentHashMap<>();
  private final LongAdder events = new LongAdder();
  private final LongAdder compiles = new LongAdder();
  private final LongAdder compileNanos = new LongAdder();
  private final AtomicLong compileMaxNanos = new AtomicLong();
  private final ConcurrentMap<String, Map<?, ?>> monitoredMaps = new ConcurrentHashMap<>();

  @Override
  public void receivedEvent(Event event, Map<String, Object> metadata) {
    events.increment();
  }

  @Override
  public void reconcileCustomResource(
      HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    kinds.add(resource.getKind());
    reconciles.computeIfAbsent(resource.getKind(), k -> new LongAdder()).increment();
    queued.put(ResourceID.fromResource(resource), resource.getKind());
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    ResourceID id = ResourceID.fromResource(resource);
    queued.remove(id);
    executing.put(id, resource.getKind());
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    ResourceID id = ResourceID.fromResource(resource);
    queued.remove(id);
    executing.remove(id);
  }

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    failures.computeIfAbsent(resource.getKind(), k -> new LongAdder()).increment();
  }

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    queued.remove(resourceID);
  }

  @Override
  public <T extends Map<?, ?>> T monitorSizeOf(T map, String name) {
    monitoredMaps.put(name, map);
    return map;
  }

  /** Reconciles started for a kind so far. */
  public long reconciles(String kind) {
    LongAdder count = reconciles.get(kind);
    return count == null ? 0 : count.sum();
  }

  /** One run of the compiler, in nanoseconds. */
  public void compiled(long nanos) {
    compiles.increment();
    compileNanos.add(nanos);
    compileMaxNanos.accumulateAndGet(nanos, Math::max);
  }

  /** The Prometheus text exposition (format 0.0.4). */
  public String render() {
    StringBuilder out = new StringBuilder();
    perKind(
        out, "kvswitch_reconciles_total", "counter", "Reconciles started, by kind.", reconciles);
    perKind(
        out,
        "kvswitch_reconcile_errors_total",
        "counter",
        "Reconciles that failed with an error, by kind.",
        failures);
    perKindCount(
        out, "kvswitch_reconciles_in_progress", "Reconciles running now, by kind.", executing);
    perKindCount(
        out,
        "kvswitch_reconcile_queue_depth",
        "Resources waiting for a reconciler thread, by kind.",
        queued);
    header(out, "kvswitch_events_received_total", "counter", "Events the framework received.");
    out.append("kvswitch_events_received_total ").append(events.sum()).append('\n');
    header(out, "kvswitch_compile_seconds", "summary", "Time spent compiling switch state.");
    out.append("kvswitch_compile_seconds_count ").append(compiles.sum()).append('\n');
    out.append("kvswitch_compile_seconds_sum ").append(seconds(compileNanos.sum())).append('\n');
    header(out, "kvswitch_compile_seconds_max", "gauge", "Longest compile since start.");
    out.append("kvswitch_compile_seconds_max ").append(seconds(compileMaxNanos.get())).append('\n');
    if (!monitoredMaps.isEmpty()) {
      header(out, "kvswitch_framework_map_size", "gauge", "Sizes the framework asked to watch.");
      new TreeMap<>(monitoredMaps)
          .forEach(
              (name, map) ->
                  out.append("kvswitch_framework_map_size{name=\"")
                      .append(escape(name))
                      .append("\"} ")
                      .append(map.size())
                      .append('\n'));
    }
    return out.toString();
  }

  private static void perKind(
      StringBuilder out, String name, String type, String help, Map<String, LongAdder> values) {
    header(out, name, type, help);
    new TreeMap<>(values).forEach((kind, value) -> line(out, name, kind, value.sum()));
  }

  private void perKindCount(
      StringBuilder out, String name, String help, Map<ResourceID, String> members) {
    header(out, name, "gauge", help);
    for (String kind : new TreeSet<>(kinds)) {
      long count = members.values().stream().filter(kind::equals).count();
      line(out, name, kind, count);
    }
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void line(StringBuilder out, String name, String kind, long value) {
    out.append(name)
        .append("{kind=\"")
        .append(escape(kind))
        .append("\"} ")
        .append(value)
        .append('\n');
  }

  private static String seconds(long nanos) {
    return Double.toString(nanos / 1e9);
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}

package io.kvswitch.dataplane.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeStateStatus;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Realizes one switch's state on one node. It watches only its own SwitchNodeState (by the {@code
 * kvswitch.io/switch} and {@code kvswitch.io/node} labels), applies each new spec to the engine as
 * a difference from what the engine holds, keeps a local copy of the spec, and writes the realized
 * generation, a Ready condition and counter totals to the object's status when they change.
 *
 * <p>When the API server goes away the engine keeps the last state it was given and forwards on;
 * the informer reconnects by itself and the agent catches up when it returns. On start the local
 * copy is applied before the API server is asked anything, so a restarted agent plugs its ports
 * back in as fast as it starts.
 *
 * <p>All work runs on one thread, so the applier needs no locking.
 */
public final class NodeAgent implements AutoCloseable {

  public static final String SWITCH_LABEL = "kvswitch.io/switch";
  public static final String NODE_LABEL = "kvswitch.io/node";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

  private final KubernetesClient client;
  private final AgentConfig config;
  private final SwitchEngine engine;
  private final Clock clock;
  private final StateApplier applier;
  private final LocalStateFile localCopy;
  private final ScheduledExecutorService worker;
  private SharedIndexInformer<SwitchNodeState> informer;
  private ApplyResult lastResult;
  private SwitchNodeStateStatus lastWritten;
  private volatile long statusWrites;

  public NodeAgent(KubernetesClient client, AgentConfig config, SwitchEngine engine, Clock clock) {
    this.client = client;
    this.config = config;
    this.engine = engine;
    this.clock = clock;
    this.applier = new StateApplier(engine);
    this.localCopy = LocalStateFile.in(config.stateDirectory(), config.switchName());
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("kvswitch-agent").daemon().unstarted(r));
  }

  /**
   * Applies the local copy, if any, then starts watching. Returns without waiting for the API
   * server, which may be away.
   */
  public void start() {
    runOnWorker(this::applyLocalCopy);
    informer =
        client
            .resources(SwitchNodeState.class)
            .withLabel(SWITCH_LABEL, config.switchName())
            .withLabel(NODE_LABEL, config.nodeName())
            .runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(SwitchNodeState state) {
            worker.execute(NodeAgent.this::reconcile);
          }

          @Override
          public void onUpdate(SwitchNodeState before, SwitchNodeState after) {
            worker.execute(NodeAgent.this::reconcile);
          }

          @Override
          public void onDelete(SwitchNodeState state, boolean finalStateUnknown) {
            worker.execute(NodeAgent.this::reconcile);
          }
        });
    // Keep retrying the first list too: an agent that starts while the API server is away must
    // not give up on it.
    informer.exceptionHandler(
        (started, t) -> {
          LOG.warn("{}: watch failed, retrying: {}", config.stateName(), t.toString());
          return true;
        });
    informer.start();
    long interval = config.statusInterval().toMillis();
    worker.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
  }

  /** What the engine holds now. */
  public DesiredState held() {
    return callOnWorker(applier::held);
  }

  /** The last generation applied without a failure, 0 before any. */
  public long realizedGeneration() {
    return callOnWorker(applier::realizedGeneration);
  }

  /** How many status writes reached the API server. */
  public long statusWrites() {
    return statusWrites;
  }

  private void applyLocalCopy() {
    Optional<LocalStateFile.Saved> saved = localCopy.read();
    if (saved.isEmpty()) {
      return;
    }
    LOG.info(
        "{}: restoring generation {} from {}",
        config.stateName(),
        saved.get().generation(),
        localCopy.path());
    lastResult = applier.apply(DesiredState.of(saved.get().generation(), saved.get().spec()));
  }

  private Optional<SwitchNodeState> current() {
    return Optional.ofNullable(informer.getStore().getByKey(config.stateName()));
  }

  private void reconcile() {
    try {
      Optional<SwitchNodeState> state = current();
      if (state.isEmpty()) {
        if (informer.hasSynced()) {
          // The operator no longer gives this node any state: the switch left the node.
          LOG.info("{}: no state for this node any more; removing everything", config.stateName());
          SwitchNodeStateSpec nothing = new SwitchNodeStateSpec();
          lastResult = applier.apply(DesiredState.of(0, nothing));
          localCopy.write(new LocalStateFile.Saved(0, nothing));
        }
        return;
      }
      SwitchNodeState object = state.get();
      if (object.getSpec() == null) {
        return;
      }
      long generation = generationOf(object);
      DesiredState desired = DesiredState.of(generation, object.getSpec());
      lastResult = applier.apply(desired);
      if (lastResult.steps() > 0) {
        LOG.info(
            "{}: generation {} applied in {} step(s), {} failed",
            config.stateName(),
            generation,
            lastResult.steps(),
            lastResult.failures().size());
        localCopy.write(new LocalStateFile.Saved(generation, object.getSpec()));
      }
      writeStatus(object);
    } catch (RuntimeException e) {
      LOG.error("{}: reconcile failed", config.stateName(), e);
    }
  }

  private void tick() {
    try {
      if (lastResult != null && !lastResult.succeeded()) {
        // Refused steps are retried: a port's interface may have appeared since.
        reconcile();
        return;
      }
      current().ifPresent(this::writeStatus);
    } catch (RuntimeException e) {
      LOG.error("{}: status refresh failed", config.stateName(), e);
    }
  }

  private void writeStatus(SwitchNodeState object) {
    if (lastResult == null || lastResult.generation() != generationOf(object)) {
      return;
    }
    // The watch may not have brought back what was written last yet: compare with both.
    SwitchNodeStateStatus previous = lastWritten != null ? lastWritten : object.getStatus();
    SwitchNodeStateStatus status =
        NodeStatus.of(
            previous, applier.realizedGeneration(), lastResult, engine.counters(), clock.instant());
    if (DesiredState.same(previous, status) || DesiredState.same(object.getStatus(), status)) {
      return;
    }
    try {
      // A JSON patch that sets the whole status: no resourceVersion, so it never conflicts with
      // the operator rewriting the spec, and lists are replaced, not merged, on every server.
      client
          .resources(SwitchNodeState.class)
          .withName(config.stateName())
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON), statusPatch(status));
      lastWritten = status;
      statusWrites++;
    } catch (KubernetesClientException e) {
      // The API server is away or refused: the next tick tries again with fresh counters.
      LOG.warn("{}: status not written: {}", config.stateName(), e.getMessage());
    }
  }

  private static String statusPatch(SwitchNodeStateStatus status) {
    ArrayNode patch = JSON.createArrayNode();
    patch
        .addObject()
        .put("op", "add")
        .put("path", "/status")
        .set("value", JSON.valueToTree(status));
    return patch.toString();
  }

  private static long generationOf(SwitchNodeState object) {
    Long generation = object.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }

  private void runOnWorker(Runnable task) {
    callOnWorker(
        () -> {
          task.run();
          return null;
        });
  }

  private <T> T callOnWorker(Callable<T> task) {
    try {
      return worker.submit(task).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("agent task failed", e.getCause());
    }
  }

  /** Stops watching. The engine keeps what it holds: ports stay up across an agent restart. */
  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    worker.shutdownNow();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

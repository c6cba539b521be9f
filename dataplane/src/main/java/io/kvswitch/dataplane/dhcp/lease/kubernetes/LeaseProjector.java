package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Writes the records of a network's {@link DhcpLeaseBlock}s out as one {@link DhcpLease} object per
 * address, the view {@code kubectl get dhcpleases} shows, off the ACK path: nothing reads these
 * objects to answer a client, so they may lag behind the records (dataplane/DHCP.md, "The lease
 * store in the Kubernetes API").
 *
 * <p><b>Which records.</b> Those of the addresses its {@link Scope} projects (in the agent, {@link
 * BlockDuty}: the node owning an allocation block projects all of its records, whoever wrote them,
 * so every record has one projector). An object of such an address whose record is gone is deleted;
 * objects of other addresses are left alone.
 *
 * <p><b>A pass</b> diffs those records against the objects a {@link DhcpLease} informer holds (plus
 * this projector's own writes the informer has not shown yet) into a dirty set keyed by address, so
 * a record changed five times before its turn costs one write. Renewals (only {@code expiresAt}
 * differs) wait behind every other kind of change. The diff runs only when something may have
 * changed: a block's resourceVersion, the scope's version, an informer event, {@link #changed()},
 * or a write that did not succeed. Writes are creates, updates at the resourceVersion held (a 409
 * or 404 leaves the address dirty for the next pass) and deletes, as many as a token bucket allows;
 * an unanswered request ends the pass and leaves the rest dirty. Since every pass starts from the
 * records and the objects as they are, a restart, an API server that was away or an object edited
 * by hand ends with the objects equal to the records.
 *
 * <p>One daemon thread runs a pass every {@link Settings#passInterval()}, and soon after {@link
 * #changed()}. Nothing thrown by a pass leaves that thread; it is counted in {@link #failures()}.
 */
public final class LeaseProjector implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(LeaseProjector.class.getName());

  /** How long a pass waits after {@link #changed()}, so that a burst of changes costs one pass. */
  static final Duration WAKE_DELAY = Duration.ofMillis(100);

  /**
   * How fast the projection may write.
   *
   * @param writesPerSecond the token bucket's rate; 0 turns the projection off
   * @param burst the most writes in a row after a quiet spell
   * @param passInterval time between passes when nothing calls {@link #changed()}
   */
  public record Settings(double writesPerSecond, int burst, Duration passInterval) {

    /** 50 writes a second, 50 at once, a pass a second. */
    public static final Settings DEFAULT = new Settings(50, 50, Duration.ofSeconds(1));

    /** No projection: no informer, no thread, no writes. */
    public static final Settings OFF = new Settings(0, 0, Duration.ofSeconds(1));

    public Settings {
      if (!(writesPerSecond >= 0) || Double.isInfinite(writesPerSecond)) {
        throw new IllegalArgumentException(
            "projection writes per second must be 0 or more, was " + writesPerSecond);
      }
      if (writesPerSecond > 0 && burst < 1) {
        throw new IllegalArgumentException("projection burst must be at least 1, was " + burst);
      }
      if (passInterval.isNegative() || passInterval.isZero()) {
        throw new IllegalArgumentException("projection pass interval must be positive");
      }
    }

    /** {@code perSecond} writes a second, as many at once, a pass a second. */
    public static Settings writesPerSecond(double perSecond) {
      return new Settings(perSecond, (int) Math.ceil(perSecond), Duration.ofSeconds(1));
    }

    boolean off() {
      return writesPerSecond == 0;
    }
  }

  /** Which addresses a projector writes objects of. */
  public interface Scope {

    /** Every address, for ever: one node projecting a whole network (benchmarks, tests). */
    Scope EVERYTHING =
        new Scope() {
          @Override
          public boolean projects(Ipv4Address address) {
            return true;
          }

          @Override
          public long version() {
            return 0;
          }
        };

    /** Whether this node projects the record, or deletes the object, of {@code address}. */
    boolean projects(Ipv4Address address);

    /** Changes whenever {@link #projects} may answer differently (a block taken over). */
    long version();
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String network;
  private final NetworkOwner networkOwner;
  private final Supplier<? extends Collection<DhcpLeaseBlock>> blocks;
  private final Scope scope;
  private final Settings settings;
  private final WriteBudget budget;
  private final SharedIndexInformer<DhcpLease> informer;
  private volatile ScheduledExecutorService scheduler;
  private volatile boolean closed;

  /** Set by anything that may make the last diff wrong; cleared when a diff starts. */
  private volatile boolean stale = true;

  private final AtomicBoolean wakeScheduled = new AtomicBoolean();

  // The fields below are used by passes only, which hold the projector's lock.
  private final LinkedHashMap<String, Dirty> urgent = new LinkedHashMap<>();
  private final LinkedHashMap<String, Dirty> renewals = new LinkedHashMap<>();
  private final Map<String, Written> ownWrites = new HashMap<>();

  /** Addresses whose last write was refused for good, so that each is logged once. */
  private final Set<String> refusedNames = new HashSet<>();

  private Map<String, String> lastDiffedBlocks = Map.of();
  private long lastDiffedScope = Long.MIN_VALUE;
  private boolean failing;
  private int sentThisPass;

  private final LongAdder created = new LongAdder();
  private final LongAdder updated = new LongAdder();
  private final LongAdder deleted = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder malformedRecords = new LongAdder();
  private volatile int pending;

  private LeaseProjector(
      KubernetesClient client,
      String namespace,
      String network,
      NetworkOwner networkOwner,
      Supplier<? extends Collection<DhcpLeaseBlock>> blocks,
      Scope scope,
      Settings settings,
      InstantSource clock) {
    this.client = client;
    this.namespace = namespace;
    this.network = network;
    this.networkOwner = networkOwner;
    this.blocks = blocks;
    this.scope = scope;
    this.settings = settings;
    this.budget = new WriteBudget(settings.writesPerSecond(), settings.burst(), clock);
    if (settings.off()) {
      this.informer = null;
      return;
    }
    this.informer =
        client
            .resources(DhcpLease.class)
            .inNamespace(namespace)
            .withLabel(DhcpLabels.NETWORK, network)
            .runnableInformer(0);
    informer.addEventHandler(new StaleMarker());
    // Keep retrying the first list too: a projector started while the API server is away catches
    // up once it is back.
    informer.exceptionHandler(
        (started, t) -> {
          LOG.log(
              System.Logger.Level.WARNING,
              "DhcpLease watch of " + namespace + "/" + network + " failed, retrying: " + t);
          return true;
        });
    informer.start();
  }

  /**
   * Starts projecting a network's records: watches its {@link DhcpLease}s and runs passes on a
   * daemon thread of its own. Returns without waiting for the API server; passes begin once the
   * informer has listed the objects. With {@link Settings#OFF} nothing is watched or written.
   *
   * @param blocks the network's blocks as the lease store caches them now (called on every pass,
   *     from the projector's thread)
   * @param scope which addresses this node projects (asked on the projector's thread)
   */
  public static LeaseProjector start(
      KubernetesClient client,
      String namespace,
      String network,
      NetworkOwner networkOwner,
      Supplier<? extends Collection<DhcpLeaseBlock>> blocks,
      Scope scope,
      Settings settings) {
    LeaseProjector projector =
        open(
            client,
            namespace,
            network,
            networkOwner,
            blocks,
            scope,
            settings,
            InstantSource.system());
    projector.startPasses();
    return projector;
  }

  /** Like {@link #start}, without a thread: passes run only when {@link #runOnce()} is called. */
  static LeaseProjector open(
      KubernetesClient client,
      String namespace,
      String network,
      NetworkOwner networkOwner,
      Supplier<? extends Collection<DhcpLeaseBlock>> blocks,
      Scope scope,
      Settings settings,
      InstantSource clock) {
    return new LeaseProjector(
        client, namespace, network, networkOwner, blocks, scope, settings, clock);
  }

  void startPasses() {
    if (settings.off()) {
      return;
    }
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("lease-projector-" + network).factory());
    scheduler = executor;
    long interval = settings.passInterval().toMillis();
    executor.scheduleWithFixedDelay(this::passSafely, 0, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * Says that a block may have changed (a write, a takeover): the next pass diffs again and comes
   * soon, instead of at the next interval. Cheap; call it on every change.
   */
  public void changed() {
    stale = true;
    ScheduledExecutorService executor = scheduler;
    if (executor == null || closed || !wakeScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.schedule(
          () -> {
            wakeScheduled.set(false);
            passSafely();
          },
          WAKE_DELAY.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      wakeScheduled.set(false);
    }
  }

  /** Whether the informer has listed the network's objects, so that passes can run. */
  public boolean synced() {
    return informer != null && informer.hasSynced();
  }

  /**
   * Runs one pass now, on the caller's thread: diffs if anything may have changed, then writes what
   * the budget allows.
   *
   * @return the write requests sent
   * @throws RuntimeException what the block supplier or the predicate throws
   */
  synchronized int runOnce() {
    if (informer == null || closed || !informer.hasSynced()) {
      return 0;
    }
    List<DhcpLeaseBlock> current = new ArrayList<>();
    Map<String, String> versions = new HashMap<>();
    for (DhcpLeaseBlock block : blocks.get()) {
      if (block.getSpec() != null) {
        current.add(block);
        versions.put(block.getMetadata().getName(), block.getMetadata().getResourceVersion());
      }
    }
    long scopeVersion = scope.version();
    if (stale || scopeVersion != lastDiffedScope || !versions.equals(lastDiffedBlocks)) {
      stale = false;
      lastDiffedBlocks = versions;
      lastDiffedScope = scopeVersion;
      diff(current);
    }
    sentThisPass = 0;
    if (drain(urgent)) {
      drain(renewals);
    }
    pending = urgent.size() + renewals.size();
    return sentThisPass;
  }

  /** Objects created so far. */
  public long created() {
    return created.sum();
  }

  /** Objects updated so far (renewals included). */
  public long updated() {
    return updated.sum();
  }

  /** Objects deleted so far, their records being gone. */
  public long deleted() {
    return deleted.sum();
  }

  /** Writes refused because the object had changed or gone since it was read (409, 404). */
  public long conflicts() {
    return conflicts.sum();
  }

  /** Writes without an answer (the API server away) and passes that failed otherwise. */
  public long failures() {
    return failures.sum();
  }

  /** Addresses whose object differed from their record after the last pass. */
  public int pending() {
    return pending;
  }

  /**
   * Records met that are not well-formed; each diff counts them again. Such a record is not
   * projected and its object is left alone.
   */
  public long malformedRecords() {
    return malformedRecords.sum();
  }

  /** The object the informer holds for an address, if any. */
  Optional<DhcpLease> seen(String ip) {
    return Optional.ofNullable(
        informer.getStore().getByKey(namespace + "/" + DhcpLease.nameOf(network, ip)));
  }

  @Override
  public void close() {
    closed = true;
    ScheduledExecutorService executor = scheduler;
    if (executor != null) {
      executor.shutdownNow();
    }
    if (informer != null) {
      informer.close();
    }
  }

  private void passSafely() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      failures.increment();
      LOG.log(
          System.Logger.Level.WARNING,
          "DhcpLease projection of " + namespace + "/" + network + " failed: " + e);
    }
  }

  /** Makes the dirty sets the differences between the projected records and the objects. */
  private void diff(Collection<DhcpLeaseBlock> current) {
    pruneOwnWrites();
    List<OwnerReference> references = networkOwner.references();
    Map<String, Dirty> changes = new HashMap<>();
    Set<String> recorded = new HashSet<>();
    for (DhcpLeaseBlock block : current) {
      for (Map.Entry<String, DhcpLeaseRecord> entry : block.getSpec().getRecords().entrySet()) {
        String ip = entry.getKey();
        String name = DhcpLease.nameOf(network, ip);
        recorded.add(name);
        if (!wellFormed(ip, entry.getValue())) {
          malformedRecords.increment();
          continue;
        }
        if (!scope.projects(Ipv4Address.parse(ip))) {
          continue;
        }
        DhcpLease existing = current(name);
        ProjectionChange.of(network, ip, entry.getValue(), references, existing)
            .ifPresent(
                change ->
                    changes.put(name, new Dirty(name, ip, change, entry.getValue(), existing)));
      }
    }
    Set<String> objectNames = new HashSet<>();
    informer.getStore().list().forEach(o -> objectNames.add(o.getMetadata().getName()));
    objectNames.addAll(ownWrites.keySet());
    for (String name : objectNames) {
      if (recorded.contains(name)) {
        continue;
      }
      Optional<Ipv4Address> address = addressOf(name).filter(scope::projects);
      DhcpLease existing = address.isPresent() ? current(name) : null;
      // Only projections are deleted: an object without the label was written by an agent that
      // kept one object per lease (during an upgrade), and is a record until it is imported.
      if (existing != null && isProjection(existing)) {
        changes.put(
            name,
            new Dirty(name, address.get().toString(), ProjectionChange.DELETE, null, existing));
      }
    }
    urgent.keySet().retainAll(changes.keySet());
    renewals.keySet().retainAll(changes.keySet());
    // An address keeps its place in its set while it stays dirty: the longest waiting goes first.
    for (Dirty change : changes.values()) {
      if (change.change().urgent()) {
        renewals.remove(change.name());
        urgent.put(change.name(), change);
      } else {
        urgent.remove(change.name());
        renewals.put(change.name(), change);
      }
    }
  }

  /**
   * Writes the set's addresses in order while the budget lasts.
   *
   * @return false when the pass ends here: the budget is spent or a request got no answer
   */
  private boolean drain(LinkedHashMap<String, Dirty> set) {
    Iterator<Dirty> next = set.values().iterator();
    while (next.hasNext()) {
      if (!budget.tryTake()) {
        return false;
      }
      Dirty dirty = next.next();
      sentThisPass++;
      switch (send(dirty)) {
        case DONE -> next.remove();
        case REFUSED -> {}
        case UNANSWERED -> {
          return false;
        }
      }
    }
    return true;
  }

  private enum Sent {
    DONE,
    REFUSED,
    UNANSWERED
  }

  private Sent send(Dirty dirty) {
    try {
      switch (dirty.change()) {
        case CREATE -> {
          remember(client.resource(desired(dirty, null)).create());
          created.increment();
        }
        case UPDATE, RENEW -> {
          String version = dirty.existing().getMetadata().getResourceVersion();
          remember(client.resource(desired(dirty, version)).update());
          updated.increment();
        }
        case DELETE -> {
          client.resources(DhcpLease.class).inNamespace(namespace).withName(dirty.name()).delete();
          ownWrites.put(dirty.name(), new Written(null, versionOf(dirty.existing())));
          deleted.increment();
        }
      }
      failing = false;
      refusedNames.remove(dirty.name());
      return Sent.DONE;
    } catch (KubernetesClientException e) {
      stale = true;
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        // The informer will show what is there now; until then, do not trust an own write of it.
        ownWrites.remove(dirty.name());
        conflicts.increment();
        return Sent.REFUSED;
      }
      failures.increment();
      if (ApiAnswers.refusedForGood(e)) {
        // Refused for good (an invalid label, no rights): this address stays dirty and is tried
        // on later passes, but does not hold the others up.
        if (refusedNames.add(dirty.name())) {
          LOG.log(
              System.Logger.Level.WARNING,
              "DhcpLease " + namespace + "/" + dirty.name() + " refused: " + e.getMessage());
        }
        return Sent.REFUSED;
      }
      if (!failing) {
        failing = true;
        LOG.log(
            System.Logger.Level.WARNING,
            "cannot write DhcpLease "
                + namespace
                + "/"
                + dirty.name()
                + ", keeping it and the rest for later: "
                + e.getMessage());
      }
      return Sent.UNANSWERED;
    }
  }

  private static boolean isProjection(DhcpLease object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null && "true".equals(labels.get(DhcpLabels.PROJECTED));
  }

  private void remember(DhcpLease stored) {
    ownWrites.put(stored.getMetadata().getName(), new Written(stored, versionOf(stored)));
  }

  private DhcpLease desired(Dirty dirty, String resourceVersion) {
    return LeaseObjects.projectionOf(
        namespace, network, networkOwner, dirty.ip(), dirty.record(), resourceVersion);
  }

  /**
   * The object of a name as the informer holds it, or as this projector wrote it when the informer
   * has not caught up yet (so a pass right after a write does not write again).
   */
  private DhcpLease current(String name) {
    DhcpLease seen = informer.getStore().getByKey(namespace + "/" + name);
    Written written = ownWrites.get(name);
    if (written == null) {
      return seen;
    }
    long seenVersion = seen == null ? 0 : versionOf(seen);
    if (written.object() != null) {
      return seenVersion >= written.version() ? seen : written.object();
    }
    return seen != null && seenVersion > written.version() ? seen : null;
  }

  /** Forgets own writes the informer has caught up with. */
  private void pruneOwnWrites() {
    Iterator<Map.Entry<String, Written>> own = ownWrites.entrySet().iterator();
    while (own.hasNext()) {
      Map.Entry<String, Written> entry = own.next();
      DhcpLease seen = informer.getStore().getByKey(namespace + "/" + entry.getKey());
      long seenVersion = seen == null ? 0 : versionOf(seen);
      Written written = entry.getValue();
      boolean caughtUp =
          written.object() != null
              ? seenVersion >= written.version()
              : seen == null || seenVersion > written.version();
      if (caughtUp) {
        own.remove();
      }
    }
  }

  private Optional<Ipv4Address> addressOf(String name) {
    String prefix = network + ".";
    if (!name.startsWith(prefix)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Ipv4Address.parse(name.substring(prefix.length())));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean wellFormed(String ip, DhcpLeaseRecord record) {
    if (record == null
        || record.getClientId() == null
        || record.getMac() == null
        || record.getNode() == null
        || record.getState() == null
        || record.getExpiresAt() == null) {
      return false;
    }
    try {
      return Ipv4Address.parse(ip).toString().equals(ip);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static long versionOf(DhcpLease object) {
    try {
      return ResourceVersions.parse(object.getMetadata().getResourceVersion());
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  /** An address whose object differs from its record, and the write that fixes it. */
  private record Dirty(
      String name,
      String ip,
      ProjectionChange change,
      DhcpLeaseRecord record,
      DhcpLease existing) {}

  /** An object as this projector wrote it (null: deleted), at the version it had then. */
  private record Written(DhcpLease object, long version) {}

  /** Marks the diff stale on every change of an object (the projector's own writes included). */
  private final class StaleMarker implements ResourceEventHandler<DhcpLease> {

    @Override
    public void onAdd(DhcpLease object) {
      stale = true;
    }

    @Override
    public void onUpdate(DhcpLease before, DhcpLease after) {
      stale = true;
    }

    @Override
    public void onDelete(DhcpLease object, boolean finalStateUnknown) {
      stale = true;
    }
  }
}

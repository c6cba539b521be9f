package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.lease.LeaseStore;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreUnavailableException;
import io.kvswitch.dataplane.dhcp.lease.LeaseWrite;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.lease.WriteOutcome;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * The lease store of one VlanNetwork in the Kubernetes API: one {@link DhcpLease} object per
 * address, named {@code <network>.<ip>}, in the network's namespace.
 *
 * <p><b>Reads</b> come from a cache fed by an informer on the network's records (label {@link
 * DhcpLabels#NETWORK}), so they cost no round trip and keep working while the API server is away.
 * Every node sees every record of the network, which is what lets a migrated VM find its lease.
 *
 * <p><b>A batch</b> from the group committer is written as parallel conditional requests, one per
 * record: a create when the caller saw no record, otherwise an update that carries the
 * resourceVersion the caller read. Kubernetes has no multi-object transaction, so each lease is
 * durable on its own: once its request has returned 2xx, etcd has it and nothing on this node can
 * lose it. The call returns when every request of the batch has returned, and only then are the
 * ACKs of the batch sent. A batch therefore costs one round trip of latency whatever its size.
 *
 * <p><b>Conflicts</b>: 409 (someone wrote the record since it was read, or created it first) and
 * 404 (the record was deleted under an update) become {@link WriteOutcome.Conflict} with what the
 * API server holds now, read fresh. <b>Failures</b>: when no request of a batch got an answer the
 * batch throws {@link LeaseStoreUnavailableException}, and the server answers renewals from the
 * durable lease and new clients not at all. When only some requests failed, their outcome is
 * unknown (the request may have been applied before the connection broke); they are reported as a
 * conflict against the cached record, so their clients are NAKed or retried, never ACKed: a lease
 * that might not be durable is never acknowledged.
 */
public final class KubernetesLeaseStore implements LeaseStore, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(KubernetesLeaseStore.class.getName());

  private final KubernetesClient client;
  private final String namespace;
  private final String network;
  private final OwnerResolver owners;
  private final NetworkOwner networkOwner;
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
  private final LeaseCache cache = new LeaseCache();
  private final SharedIndexInformer<DhcpLease> informer;
  private final LongAdder malformedRecords = new LongAdder();
  private final LongAdder requestsSent = new LongAdder();

  private KubernetesLeaseStore(
      KubernetesClient client,
      String namespace,
      String network,
      NetworkOwner networkOwner,
      OwnerResolver owners) {
    this.client = client;
    this.namespace = namespace;
    this.network = network;
    this.networkOwner = networkOwner;
    this.owners = owners;
    CacheFeeder feeder = new CacheFeeder();
    this.informer =
        client
            .resources(DhcpLease.class)
            .inNamespace(namespace)
            .withLabel(DhcpLabels.NETWORK, network)
            .inform(feeder, 0);
    // inform() returns once the first list is in the informer's own store, but hands its events
    // to the feeder on another thread: feed the list from the store too, so that the first answer
    // after a restart already sees every lease (the cache ignores versions it already holds).
    informer.getStore().list().forEach(feeder::onAdd);
  }

  /**
   * Opens the store of a network: lists its records (blocking until the cache holds them all, so a
   * restarted agent answers from the leases it wrote before) and watches them from then on.
   *
   * @throws KubernetesClientException when the records cannot be listed
   */
  public static KubernetesLeaseStore open(
      KubernetesClient client, String namespace, String network, OwnerResolver owners) {
    return open(client, namespace, network, NetworkOwner.NONE, owners);
  }

  /**
   * Like {@link #open(KubernetesClient, String, String, OwnerResolver)}, with every record it
   * writes owned by {@code networkOwner}, so that deleting the network deletes its leases.
   */
  public static KubernetesLeaseStore open(
      KubernetesClient client,
      String namespace,
      String network,
      NetworkOwner networkOwner,
      OwnerResolver owners) {
    return new KubernetesLeaseStore(client, namespace, network, networkOwner, owners);
  }

  @Override
  public Optional<Versioned<Lease>> byAddress(Ipv4Address address) {
    return cache.byAddress(address);
  }

  @Override
  public Optional<Versioned<Lease>> byClient(ClientKey client) {
    return cache.byClient(client);
  }

  @Override
  public List<Versioned<Lease>> byMac(MacAddress mac) {
    return cache.byMac(mac);
  }

  /** A copy of every record of the network this node knows of. */
  public List<Versioned<Lease>> all() {
    return cache.all();
  }

  @Override
  public List<WriteOutcome> write(List<LeaseWrite> writes) {
    List<CompletableFuture<Attempt>> inFlight = new ArrayList<>(writes.size());
    for (LeaseWrite write : writes) {
      inFlight.add(CompletableFuture.supplyAsync(() -> send(write), requests));
    }
    List<Attempt> attempts = inFlight.stream().map(CompletableFuture::join).toList();
    if (attempts.stream().allMatch(a -> a instanceof Attempt.Unanswered)) {
      Attempt.Unanswered first = (Attempt.Unanswered) attempts.getFirst();
      throw new LeaseStoreUnavailableException(
          "cannot write leases of " + namespace + "/" + network, first.cause());
    }
    List<WriteOutcome> outcomes = new ArrayList<>(attempts.size());
    for (int i = 0; i < attempts.size(); i++) {
      outcomes.add(
          switch (attempts.get(i)) {
            case Attempt.Answered answered -> answered.outcome();
            case Attempt.Unanswered _ ->
                new WriteOutcome.Conflict(cache.byAddress(writes.get(i).lease().address()));
          });
    }
    return outcomes;
  }

  private sealed interface Attempt {
    record Answered(WriteOutcome outcome) implements Attempt {}

    record Unanswered(KubernetesClientException cause) implements Attempt {}
  }

  private Attempt send(LeaseWrite write) {
    DhcpLease object =
        LeaseObjects.toObject(
            namespace, network, networkOwner, write, owners.ownerOf(write.lease().mac()));
    requestsSent.increment();
    try {
      DhcpLease stored =
          write.expectedVersion() == LeaseWrite.CREATE
              ? client.resource(object).create()
              : client.resource(object).update();
      Versioned<Lease> record = LeaseObjects.fromObject(stored);
      cache.put(record);
      return new Attempt.Answered(new WriteOutcome.Committed(record));
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return new Attempt.Answered(
            new WriteOutcome.Conflict(current(write.lease().address(), object)));
      }
      return new Attempt.Unanswered(e);
    }
  }

  /** What the API server holds for an address after a conflict; the cache's view if unreadable. */
  private Optional<Versioned<Lease>> current(Ipv4Address address, DhcpLease object) {
    try {
      DhcpLease stored =
          client
              .resources(DhcpLease.class)
              .inNamespace(namespace)
              .withName(object.getMetadata().getName())
              .get();
      if (stored == null) {
        return Optional.empty();
      }
      Versioned<Lease> record = LeaseObjects.fromObject(stored);
      cache.put(record);
      return Optional.of(record);
    } catch (KubernetesClientException | IllegalArgumentException e) {
      return cache.byAddress(address);
    }
  }

  /**
   * Marks every bound record whose lease ended before {@code now} as released: the address goes
   * back to the pool in {@code kubectl get} as it already has for allocation (an expired lease
   * counts as free), and the record stays so that the same client gets the address back. Any node
   * may do this; two that do it at once conflict harmlessly.
   *
   * @return how many records were reclaimed
   * @throws LeaseStoreUnavailableException when the API server cannot be reached
   */
  public int reclaimExpired(Instant now) {
    List<LeaseWrite> writes = new ArrayList<>();
    for (Versioned<Lease> record : cache.all()) {
      Lease lease = record.value();
      if (lease.state() == LeaseState.BOUND && !now.isBefore(lease.expiresAt())) {
        writes.add(
            new LeaseWrite(
                lease.withState(LeaseState.RELEASED, lease.expiresAt()), record.version()));
      }
    }
    if (writes.isEmpty()) {
      return 0;
    }
    return (int) write(writes).stream().filter(o -> o instanceof WriteOutcome.Committed).count();
  }

  /** Objects seen that are not well-formed lease records (ignored). */
  public long malformedRecords() {
    return malformedRecords.sum();
  }

  /** Write requests sent to the API server so far. */
  public long requestsSent() {
    return requestsSent.sum();
  }

  @Override
  public void close() {
    informer.close();
    requests.close();
  }

  private final class CacheFeeder implements ResourceEventHandler<DhcpLease> {

    @Override
    public void onAdd(DhcpLease object) {
      apply(object);
    }

    @Override
    public void onUpdate(DhcpLease before, DhcpLease after) {
      apply(after);
    }

    @Override
    public void onDelete(DhcpLease object, boolean finalStateUnknown) {
      try {
        Versioned<Lease> record = LeaseObjects.fromObject(object);
        cache.remove(record.value().address(), record.version());
      } catch (RuntimeException e) {
        malformedRecords.increment();
      }
    }

    private void apply(DhcpLease object) {
      try {
        cache.put(LeaseObjects.fromObject(object));
      } catch (RuntimeException e) {
        malformedRecords.increment();
        LOG.log(
            System.Logger.Level.WARNING,
            "ignoring DhcpLease "
                + namespace
                + "/"
                + object.getMetadata().getName()
                + ": "
                + e.getMessage());
      }
    }
  }
}

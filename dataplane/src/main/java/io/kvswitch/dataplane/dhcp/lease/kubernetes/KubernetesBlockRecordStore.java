package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.api.v1alpha1.WorkloadReference;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * The lease store of one VlanNetwork with the records of each address block kept in one {@link
 * DhcpLeaseBlock} object, so that a batch from the group committer costs one conditional write per
 * block it touches instead of one per lease (dataplane/DHCP.md, "The lease store in the Kubernetes
 * API").
 *
 * <p><b>Versions.</b> A record's version is its {@code revision}: the resourceVersion of the block
 * object that the write which last changed it was made against. One resourceVersion can be the
 * precondition of only one successful write, so the revision is unique per address over time, and
 * it is known before the write, so the same request stores it.
 *
 * <p><b>A batch</b> is grouped by block; the blocks are written in parallel. For each, the writes
 * are checked against the block's records (a write whose expected version is not the record's
 * conflicts at once, without a request), the rest are put into a copy of the block, and the copy is
 * written with the block's resourceVersion as precondition. A 409 means the block changed, not
 * necessarily the addresses of the batch: the block is read again, the remaining writes are checked
 * again against what it holds now, and the write is repeated, {@value #MAX_ATTEMPTS} times at most.
 * So each write of a batch still succeeds or conflicts on its own, as {@link LeaseStore} says.
 *
 * <p><b>Failures.</b> A request without an answer leaves its outcome unknown. The block is read
 * once: if it holds the writes with the revision they were sent with, the request was applied; if
 * it is still at the version written against, it was not, and the write is repeated; if it cannot
 * be read, those writes are reported as conflicts against the cached records, so their clients are
 * never ACKed. When no block of a batch got an answer the batch throws {@link
 * LeaseStoreUnavailableException}.
 */
public final class KubernetesBlockRecordStore implements LeaseStore, AutoCloseable {

  /** Writes of one block at most, per batch, before what is left is reported as conflicts. */
  static final int MAX_ATTEMPTS = 4;

  private final KubernetesClient client;
  private final String namespace;
  private final String network;
  private final int blockSize;
  private final NetworkOwner networkOwner;
  private final OwnerResolver owners;
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
  private final LeaseBlockCache cache = new LeaseBlockCache();
  private final SharedIndexInformer<DhcpLeaseBlock> informer;
  private final LongAdder malformedBlocks = new LongAdder();
  private final LongAdder requestsSent = new LongAdder();
  private final LongAdder blockConflicts = new LongAdder();
  private final LongAdder foreignBlocks = new LongAdder();
  private final int imported;
  private volatile Runnable onChange = () -> {};

  private KubernetesBlockRecordStore(
      KubernetesClient client,
      String namespace,
      String network,
      int blockSize,
      NetworkOwner networkOwner,
      OwnerResolver owners,
      boolean watch) {
    if (blockSize < 1
        || blockSize > DhcpLeaseBlock.MAX_RECORDS
        || Integer.bitCount(blockSize) != 1) {
      throw new IllegalArgumentException(
          "block size must be a power of two from 1 to "
              + DhcpLeaseBlock.MAX_RECORDS
              + ", was "
              + blockSize);
    }
    this.client = client;
    this.namespace = namespace;
    this.network = network;
    this.blockSize = blockSize;
    this.networkOwner = networkOwner;
    this.owners = owners;
    if (watch) {
      this.informer =
          blockObjects().withLabel(DhcpLabels.NETWORK, network).inform(new CacheFeeder(), 0);
    } else {
      this.informer = null;
    }
    try {
      if (informer != null) {
        // inform() returns once the first list is in the informer's own store, but hands the
        // events to the handler on another thread: copy the list so the cache is complete before
        // serving.
        informer.getStore().list().forEach(this::cacheFromApi);
      } else {
        blockObjects()
            .withLabel(DhcpLabels.NETWORK, network)
            .list()
            .getItems()
            .forEach(this::cacheFromApi);
      }
      this.imported =
          new LeaseObjectImport(client, namespace, network, blockSize, networkOwner)
              .run(name -> cache.block(name).isPresent(), this::cacheFromApi);
    } catch (RuntimeException e) {
      // The caller tries to open again later; a failed open must not leave a watch behind.
      close();
      throw e;
    }
  }

  /**
   * Opens the store of a network: lists its blocks (blocking until the cache holds them all, so a
   * restarted agent answers from the leases written before) and watches them from then on.
   *
   * @param blockSize addresses per {@code DhcpLeaseBlock}, a power of two up to {@value
   *     DhcpLeaseBlock#MAX_RECORDS}: the blocks are aligned, independent of the range
   * @throws KubernetesClientException when the blocks cannot be listed
   */
  public static KubernetesBlockRecordStore open(
      KubernetesClient client,
      String namespace,
      String network,
      int blockSize,
      NetworkOwner networkOwner,
      OwnerResolver owners) {
    return new KubernetesBlockRecordStore(
        client, namespace, network, blockSize, networkOwner, owners, true);
  }

  /**
   * Like {@link #open}, but the cache is fed only by the first list and the store's own requests:
   * lets a test hold a node's view stale, so that its writes meet changed blocks.
   */
  static KubernetesBlockRecordStore openWithoutWatch(
      KubernetesClient client,
      String namespace,
      String network,
      int blockSize,
      OwnerResolver owners) {
    return new KubernetesBlockRecordStore(
        client, namespace, network, blockSize, NetworkOwner.NONE, owners, false);
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
    Map<LeaseBlockKey, List<Pending>> byBlock = new LinkedHashMap<>();
    for (int i = 0; i < writes.size(); i++) {
      LeaseWrite write = writes.get(i);
      LeaseBlockKey key = LeaseBlockKey.of(network, blockSize, write.lease().address());
      byBlock.computeIfAbsent(key, k -> new ArrayList<>()).add(new Pending(i, write));
    }
    List<CompletableFuture<BlockResult>> inFlight = new ArrayList<>(byBlock.size());
    for (Map.Entry<LeaseBlockKey, List<Pending>> block : byBlock.entrySet()) {
      inFlight.add(
          CompletableFuture.supplyAsync(
              () -> new BlockWrite(block.getKey(), block.getValue()).run(), requests));
    }
    List<BlockResult> results = inFlight.stream().map(CompletableFuture::join).toList();
    if (results.stream().allMatch(BlockResult::unanswered)) {
      throw new LeaseStoreUnavailableException(
          "cannot write leases of " + namespace + "/" + network, results.getFirst().failure());
    }
    WriteOutcome[] outcomes = new WriteOutcome[writes.size()];
    for (BlockResult result : results) {
      result.outcomes().forEach((position, outcome) -> outcomes[position] = outcome);
    }
    return List.of(outcomes);
  }

  /**
   * Marks every bound record whose lease ended before {@code now} as released, one write per block
   * that has any (the records stay, so the same client gets its address back).
   *
   * @return how many records were reclaimed
   * @throws LeaseStoreUnavailableException when the API server cannot be reached
   */
  public int reclaimExpired(Instant now) {
    return reclaimExpired(now, address -> true);
  }

  /**
   * Like {@link #reclaimExpired(Instant)}, but only the addresses {@code reclaims} accepts, so that
   * nodes do not all write the same blocks every time they reclaim.
   */
  public int reclaimExpired(Instant now, Predicate<Ipv4Address> reclaims) {
    List<LeaseWrite> writes = new ArrayList<>();
    for (Versioned<Lease> record : cache.all()) {
      Lease lease = record.value();
      if (lease.state() == LeaseState.BOUND
          && !now.isBefore(lease.expiresAt())
          && reclaims.test(lease.address())) {
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

  /**
   * Blocks this store created on open from the network's {@code DhcpLease} objects (records written
   * by an agent that kept one object per lease), 0 when every block existed.
   */
  public int importedBlocks() {
    return imported;
  }

  /** The network's blocks as this node has them now (a copy of the list, shared objects). */
  public List<DhcpLeaseBlock> blocks() {
    return cache.blocks();
  }

  /** Requests sent to the API server by writes so far (creates, updates and reads after them). */
  public long requestsSent() {
    return requestsSent.sum();
  }

  /** Block writes refused because the block had changed since it was read (409). */
  public long blockConflicts() {
    return blockConflicts.sum();
  }

  /**
   * Times a block of an earlier network of the same name was met (in the informer's events and in
   * reads): ignored; writes to it wait until the garbage collector has deleted it.
   */
  public long foreignBlocks() {
    return foreignBlocks.sum();
  }

  /** Blocks or records seen that are not well-formed (ignored). */
  public long malformedRecords() {
    return malformedBlocks.sum() + cache.malformedRecords();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    requests.close();
  }

  private record Pending(int position, LeaseWrite write) {}

  private record BlockResult(
      Map<Integer, WriteOutcome> outcomes, boolean answered, RuntimeException failure) {

    /** A request was needed and none got an answer (writes decided from the cache need none). */
    boolean unanswered() {
      return failure != null && !answered;
    }
  }

  /** The writes of one batch that fall in one block, and the requests that carry them. */
  private final class BlockWrite {

    private final LeaseBlockKey key;
    private final Map<Integer, WriteOutcome> outcomes = new HashMap<>();

    /** Positions that conflicted; their current record is read once the block is written. */
    private final List<Pending> conflicted = new ArrayList<>();

    private List<Pending> pending;
    private int reads;
    private boolean answered;
    private RuntimeException failure;

    BlockWrite(LeaseBlockKey key, List<Pending> pending) {
      this.key = key;
      this.pending = pending;
    }

    BlockResult run() {
      Optional<DhcpLeaseBlock> base = cache.block(key.name());
      for (int attempt = 0; attempt < MAX_ATTEMPTS && !pending.isEmpty(); attempt++) {
        try {
          DhcpLeaseBlock current = base.isPresent() ? base.get() : createEmpty();
          base = attempt(current);
        } catch (RuntimeException e) {
          // A request without an answer, a refusal other than 409/404, or an object that cannot
          // be read: what is left of this block's writes conflicts; other blocks go on.
          failure = e;
          break;
        }
      }
      finish();
      return new BlockResult(outcomes, answered, failure);
    }

    /**
     * Writes the pending writes that still hold against {@code base}.
     *
     * @return empty when done, else the block to try again against
     */
    private Optional<DhcpLeaseBlock> attempt(DhcpLeaseBlock base) {
      long baseVersion = LeaseBlockObjects.version(base);
      Map<Ipv4Address, Versioned<Lease>> records = cache.records(base);
      Map<String, DhcpLeaseRecord> changed = new LinkedHashMap<>();
      List<Pending> survivors = new ArrayList<>();
      for (Pending p : pending) {
        Lease lease = p.write().lease();
        Versioned<Lease> record = records.get(lease.address());
        boolean holds =
            p.write().expectedVersion() == LeaseWrite.CREATE
                ? record == null
                : record != null && record.version() == p.write().expectedVersion();
        if (!holds) {
          conflicted.add(p);
          continue;
        }
        survivors.add(p);
        records.put(lease.address(), new Versioned<>(lease, baseVersion));
        changed.put(
            lease.address().toString(),
            LeaseBlockObjects.toRecord(lease, baseVersion, ownerOf(lease, base)));
      }
      pending = survivors;
      if (survivors.isEmpty()) {
        return Optional.empty();
      }
      DhcpLeaseBlock next = LeaseBlockObjects.withRecords(base, changed);
      requestsSent.increment();
      try {
        DhcpLeaseBlock stored = client.resource(next).update();
        answered = true;
        commit(stored, baseVersion);
        return Optional.empty();
      } catch (KubernetesClientException e) {
        if (isConflict(e)) {
          answered = true;
          blockConflicts.increment();
          return Optional.of(readFresh());
        }
        if (ApiAnswers.refusedForGood(e)) {
          // Answered, and final (403, 422, ...): trying again would be refused again.
          answered = true;
          throw e;
        }
        return resolveUnknown(e, baseVersion);
      }
    }

    /** After a request without an answer: was it applied? */
    private Optional<DhcpLeaseBlock> resolveUnknown(
        KubernetesClientException cause, long baseVersion) {
      DhcpLeaseBlock fresh;
      try {
        fresh = readFresh();
      } catch (KubernetesClientException unreadable) {
        throw cause;
      }
      answered = true;
      Map<Ipv4Address, Versioned<Lease>> records = cache.records(fresh);
      // One record as this request wrote it proves the request was applied (a request either is or
      // is not); the others may have changed since.
      boolean applied =
          pending.stream()
              .anyMatch(
                  p ->
                      new Versioned<>(p.write().lease(), baseVersion)
                          .equals(records.get(p.write().lease().address())));
      if (applied) {
        commit(fresh, baseVersion);
        return Optional.empty();
      }
      return Optional.of(fresh);
    }

    private void commit(DhcpLeaseBlock stored, long baseVersion) {
      cacheFromApi(stored);
      for (Pending p : pending) {
        outcomes.put(
            p.position(),
            new WriteOutcome.Committed(new Versioned<>(p.write().lease(), baseVersion)));
      }
      pending = List.of();
    }

    /** Reports what is left: conflicts, with what the store holds for their addresses now. */
    private void finish() {
      List<Pending> left = new ArrayList<>(conflicted);
      left.addAll(pending);
      for (Pending p : left) {
        outcomes.put(
            p.position(), new WriteOutcome.Conflict(cache.byAddress(p.write().lease().address())));
      }
    }

    /** Creates the block's object without records; another node may have created it first. */
    private DhcpLeaseBlock createEmpty() {
      requestsSent.increment();
      try {
        DhcpLeaseBlock created =
            client
                .resource(LeaseBlockObjects.empty(namespace, network, networkOwner, key))
                .create();
        answered = true;
        cacheFromApi(created);
        return created;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          answered |= ApiAnswers.refusedForGood(e);
          throw e;
        }
        answered = true;
        return readFresh();
      }
    }

    /**
     * The block as the API server holds it now; an absent one is created empty. A block that is
     * deleted again after every create (only someone deleting it by hand in a loop does that) ends
     * the block's writes after {@value #MAX_ATTEMPTS} tries, as conflicts.
     */
    private DhcpLeaseBlock readFresh() {
      DhcpLeaseBlock stored = readStored();
      if (!networkOwner.owns(stored)) {
        // The block of an earlier network of this name, not yet collected. Writing into it would
        // have the collector delete our records with it, and replacing it would erase the records
        // of a node that still serves that network: the writes of this block wait for the
        // collector (they conflict; the clients try again).
        answered = true;
        throw new IllegalStateException(
            "DhcpLeaseBlock "
                + namespace
                + "/"
                + key.name()
                + " belongs to an earlier VlanNetwork of this name");
      }
      return stored;
    }

    private DhcpLeaseBlock readStored() {
      if (++reads > 2 * MAX_ATTEMPTS) {
        throw new KubernetesClientException(
            "DhcpLeaseBlock " + key.name() + " keeps disappearing",
            HttpURLConnection.HTTP_CONFLICT,
            null);
      }
      requestsSent.increment();
      DhcpLeaseBlock stored = blockObjects().withName(key.name()).get();
      if (stored == null) {
        return createEmpty();
      }
      cacheFromApi(stored);
      return stored;
    }
  }

  /**
   * The workload that holds a lease: as this node's port table says, else as the record says when
   * it is the same MAC's (a migrated VM renewing on a node that has not seen its port yet, or a
   * record imported with its owner, keeps its owner).
   */
  private Optional<WorkloadReference> ownerOf(Lease lease, DhcpLeaseBlock base) {
    Optional<WorkloadReference> known = owners.ownerOf(lease.mac());
    if (known.isPresent()) {
      return known;
    }
    DhcpLeaseRecord previous = base.getSpec().getRecords().get(lease.address().toString());
    if (previous != null && lease.mac().toString().equals(previous.getMac())) {
      return Optional.ofNullable(previous.getOwner());
    }
    return Optional.empty();
  }

  private static boolean isConflict(KubernetesClientException e) {
    return e.getCode() == HttpURLConnection.HTTP_CONFLICT
        || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND;
  }

  private NonNamespaceOperation<
          DhcpLeaseBlock, KubernetesResourceList<DhcpLeaseBlock>, Resource<DhcpLeaseBlock>>
      blockObjects() {
    return client.resources(DhcpLeaseBlock.class).inNamespace(namespace);
  }

  private void cacheFromApi(DhcpLeaseBlock object) {
    if (!networkOwner.owns(object)) {
      // A block of a network deleted and created again under this name, not yet collected: its
      // records are not this network's. Should it replace a block of ours (only a hand edit does
      // that), our records of it go too.
      foreignBlocks.increment();
      try {
        cache.remove(object);
      } catch (RuntimeException e) {
        malformedBlocks.increment();
      }
      onChange.run();
      return;
    }
    try {
      cache.put(object);
    } catch (RuntimeException e) {
      malformedBlocks.increment();
    }
    onChange.run();
  }

  /**
   * Called after each block this store receives (from the informer or its own requests), on the
   * thread that received it; it must be quick. Replaces the previous listener.
   */
  public void onChange(Runnable listener) {
    this.onChange = listener;
  }

  private final class CacheFeeder implements ResourceEventHandler<DhcpLeaseBlock> {

    @Override
    public void onAdd(DhcpLeaseBlock object) {
      cacheFromApi(object);
    }

    @Override
    public void onUpdate(DhcpLeaseBlock before, DhcpLeaseBlock after) {
      cacheFromApi(after);
    }

    @Override
    public void onDelete(DhcpLeaseBlock object, boolean finalStateUnknown) {
      try {
        cache.remove(object);
      } catch (RuntimeException e) {
        malformedBlocks.increment();
      }
      onChange.run();
    }
  }
}

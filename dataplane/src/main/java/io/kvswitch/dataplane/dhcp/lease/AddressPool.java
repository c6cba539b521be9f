package io.kvswitch.dataplane.dhcp.lease;

import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.config.Reservation;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses addresses for one network on one node, in the order of RFC 2131 §4.3.1, and holds what
 * this node offered or is writing so that it does not promise one address twice.
 *
 * <p>The order: the client's reservation; its current or previous lease (from the cluster-wide
 * store, so a client that moved to this node keeps its address); the address it asked for, if free;
 * then a free address from this node's own blocks, from a newly claimed block, and last from
 * anywhere in the range (coordinated per lease by the store's conditional write). Among free
 * addresses, one that was never leased is preferred to one a departed client may come back for. The
 * gateway, the server identifier, excluded, reserved-for-others, network and broadcast addresses
 * and anything outside the range are never chosen.
 */
public final class AddressPool {

  private record Hold(ClientKey client, Instant until, boolean committing) {}

  /**
   * The longest a block found full is taken for full without looking at it again: what bounds how
   * late a change this pool is not told of (another node's write, a deleted record) is seen. Each
   * recheck of a full block costs a scan of it, and a pool of a few hundred full blocks would spend
   * its time rescanning them at a much shorter interval.
   */
  private static final Duration FULL_RECHECK = Duration.ofSeconds(10);

  /** Lapsed offer holds are swept this often, so the maps stay as small as the live offers. */
  private static final int SWEEP_EVERY_OFFERS = 1024;

  private final DhcpNetworkConfig config;
  private final LeaseStore store;
  private final BlockAllocator blocks;
  private final InstantSource clock;
  private final PoolStatusListener listener;
  private final Map<Ipv4Address, Hold> holds = new HashMap<>();
  private final Map<ClientKey, Ipv4Address> holdByClient = new HashMap<>();

  /**
   * Per block, how far from its start every address is known to be taken: it has a lease record, is
   * held for another client's offer or write (a lapsed offer too, until the next sweep of holds),
   * or can never be handed out. The search for a never-leased address starts there, so while a
   * block fills each choice looks at a handful of addresses instead of the whole block. Records
   * stay once written; a hold that ends without one moves the block's prefix back to its address
   * ({@link #holdEnded}).
   */
  private final Map<Integer, Integer> leasedPrefix = new HashMap<>();

  /**
   * Blocks found full, until when they are sure to stay so: the earliest moment a lease or an offer
   * in them can lapse, and never more than {@link #FULL_RECHECK} ahead (records written by other
   * nodes change without telling this pool). A full block is not searched again before then, so
   * claiming a new block does not cost a scan of every full one.
   */
  private final Map<Integer, Instant> fullUntil = new HashMap<>();

  private boolean exhausted;
  private int offersSinceSweep;
  private int blockHint;

  public AddressPool(
      DhcpNetworkConfig config,
      LeaseStore store,
      BlockAllocator blocks,
      InstantSource clock,
      PoolStatusListener listener) {
    this.config = config;
    this.store = store;
    this.blocks = blocks;
    this.clock = clock;
    this.listener = listener;
  }

  public DhcpNetworkConfig config() {
    return config;
  }

  /**
   * Picks an address for a client that is looking for one (DHCPDISCOVER).
   *
   * @return empty when nothing is free; the pool then reports itself exhausted
   * @throws LeaseStoreUnavailableException when a new block was needed and the ledger could not be
   *     reached; the pool is not reported exhausted for that
   */
  public synchronized Optional<Ipv4Address> choose(
      ClientKey client, MacAddress mac, Optional<Ipv4Address> requested) {
    Optional<Ipv4Address> chosen = chooseInOrder(client, mac, requested);
    if (chosen.isPresent() && exhausted) {
      exhausted = false;
      listener.poolAvailable(config.network());
    } else if (chosen.isEmpty() && !exhausted) {
      exhausted = true;
      listener.poolExhausted(config.network());
    }
    return chosen;
  }

  private Optional<Ipv4Address> chooseInOrder(
      ClientKey client, MacAddress mac, Optional<Ipv4Address> requested) {
    Optional<Reservation> reservation = config.reservationFor(mac);
    if (reservation.isPresent() && isAvailable(reservation.get().address(), client, mac)) {
      return Optional.of(reservation.get().address());
    }
    Optional<Ipv4Address> known =
        store
            .byClient(client)
            .map(v -> v.value().address())
            .filter(a -> isAvailable(a, client, mac));
    if (known.isPresent()) {
      return known;
    }
    Ipv4Address held = holdByClient.get(client);
    if (held != null && isAvailable(held, client, mac)) {
      return Optional.of(held);
    }
    if (requested.isPresent() && isAvailable(requested.get(), client, mac)) {
      return requested;
    }
    // The block that last had room usually has room still: the common case costs no list of the
    // owned blocks. Otherwise start there, since the blocks before it were full when last seen.
    if (blocks.owns(blockHint)) {
      Optional<Ipv4Address> free = firstFree(blockHint, client, mac);
      if (free.isPresent()) {
        return free;
      }
    }
    List<Integer> owned = blocks.ownedBlocks();
    int start = Math.max(0, owned.indexOf(blockHint));
    for (int i = 0; i < owned.size(); i++) {
      int block = owned.get((start + i) % owned.size());
      Optional<Ipv4Address> free = firstFree(block, client, mac);
      if (free.isPresent()) {
        blockHint = block;
        return free;
      }
    }
    Optional<Integer> claimed;
    while ((claimed = blocks.claimBlock()).isPresent()) {
      Optional<Ipv4Address> free = firstFree(claimed.get(), client, mac);
      if (free.isPresent()) {
        blockHint = claimed.get();
        return free;
      }
    }
    // Every block has an owner: borrow from other nodes' blocks, one conditional write per lease.
    // Each node starts at its own block, so nodes borrowing at the same time mostly write
    // different blocks (with the records of a block kept in one object, two nodes writing one
    // block at once cost each other a re-read).
    Set<Integer> own = new HashSet<>(blocks.ownedBlocks());
    int count = blocks.blockCount();
    int borrowFrom = blocks.borrowingStart();
    for (int i = 0; i < count; i++) {
      int block = (borrowFrom + i) % count;
      if (!own.contains(block)) {
        Optional<Ipv4Address> free = firstFree(block, client, mac);
        if (free.isPresent()) {
          return free;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The first never-leased free address of the block, else the first free one with a stale record.
   * The first pass starts after the block's known leased prefix and moves it on; only when it finds
   * nothing does the second pass look at the whole block, for an address whose record was removed
   * or one a departed client's stale record leaves free.
   */
  private Optional<Ipv4Address> firstFree(int block, ClientKey client, MacAddress mac) {
    Instant now = clock.instant();
    Instant full = fullUntil.get(block);
    if (full != null && now.isBefore(full)) {
      return Optional.empty();
    }
    int size = blocks.sizeOf(block);
    int prefix = leasedPrefix.getOrDefault(block, 0);
    boolean extending = true;
    for (int i = prefix; i < size; i++) {
      Ipv4Address address = blocks.addressOf(block, i);
      boolean recorded = store.byAddress(address).isPresent();
      if (!recorded && isAssignable(address, client, mac, now)) {
        leasedPrefix.put(block, prefix);
        return Optional.of(address);
      }
      extending &= recorded || !config.isDynamic(address) || holds.containsKey(address);
      if (extending) {
        prefix = i + 1;
      }
    }
    leasedPrefix.put(block, prefix);
    Ipv4Address reusable = null;
    Instant stillFull = now.plus(FULL_RECHECK);
    for (int i = 0; i < size; i++) {
      Ipv4Address address = blocks.addressOf(block, i);
      if (!isAssignable(address, client, mac, now)) {
        Hold hold = holds.get(address);
        if (hold != null && hold.until.isBefore(stillFull)) {
          stillFull = hold.until;
        }
        continue;
      }
      Optional<Versioned<Lease>> record = store.byAddress(address);
      if (record.isEmpty()) {
        return Optional.of(address);
      }
      if (reusable == null && record.get().value().freeFor(client, now)) {
        reusable = address;
      }
      if (record.get().value().expiresAt().isBefore(stillFull)) {
        stillFull = record.get().value().expiresAt();
      }
    }
    if (reusable == null) {
      fullUntil.put(block, stillFull);
    }
    return Optional.ofNullable(reusable);
  }

  /**
   * Whether {@code client} may have {@code address} now: it is the client's reservation or a
   * dynamic address of the range; no other client holds or leases it; it is not quarantined.
   */
  public synchronized boolean isAvailable(Ipv4Address address, ClientKey client, MacAddress mac) {
    Instant now = clock.instant();
    return isAssignable(address, client, mac, now)
        && store.byAddress(address).map(v -> v.value().freeFor(client, now)).orElse(true);
  }

  /** Everything {@link #isAvailable} checks except the store's record. */
  private boolean isAssignable(Ipv4Address address, ClientKey client, MacAddress mac, Instant now) {
    Optional<Reservation> reservation = config.reservationOf(address);
    if (reservation.isPresent()) {
      if (!reservation.get().mac().equals(mac)) {
        return false;
      }
    } else if (!config.isDynamic(address)) {
      return false;
    }
    Hold hold = holds.get(address);
    return hold == null
        || hold.client.equals(client)
        || (!hold.committing && !now.isBefore(hold.until));
  }

  /** Keeps an offered address for the client for the configured offer hold time. */
  public synchronized void holdOffer(Ipv4Address address, ClientKey client) {
    dropHold(client);
    Hold previous =
        holds.put(address, new Hold(client, clock.instant().plus(config.offerHold()), false));
    if (previous != null && !previous.client.equals(client)) {
      // The previous holder's offer had lapsed; forget it on its side too.
      holdByClient.remove(previous.client, address);
    }
    holdByClient.put(client, address);
    if (++offersSinceSweep >= SWEEP_EVERY_OFFERS) {
      offersSinceSweep = 0;
      expireHolds();
    }
  }

  /** Forgets what was offered to the client (it chose another server, or declined). */
  public synchronized void releaseOffer(ClientKey client) {
    Ipv4Address address = holdByClient.get(client);
    if (address != null && !holds.get(address).committing) {
      dropHold(client);
    }
  }

  /**
   * Marks the address as being written for the client, so no other client is offered it while the
   * write is in flight.
   *
   * @return false when another client's write for the address is in flight
   */
  public synchronized boolean beginCommit(Ipv4Address address, ClientKey client) {
    Hold hold = holds.get(address);
    if (hold != null && hold.committing && !hold.client.equals(client)) {
      return false;
    }
    if (hold != null && !hold.client.equals(client)) {
      holdByClient.remove(hold.client, address);
    }
    dropHold(client);
    holds.put(address, new Hold(client, Instant.MAX, true));
    holdByClient.put(client, address);
    return true;
  }

  /** The write for the address finished, one way or the other; its record is now in the store. */
  public synchronized void endCommit(Ipv4Address address, ClientKey client) {
    Hold hold = holds.get(address);
    if (hold != null && hold.client.equals(client)) {
      holds.remove(address);
      holdByClient.remove(client, address);
      holdEnded(address);
    }
  }

  private void dropHold(ClientKey client) {
    Ipv4Address previous = holdByClient.remove(client);
    if (previous != null) {
      holds.remove(previous);
      holdEnded(previous);
    }
  }

  /**
   * A record of this network stopped binding its address (the client released it): the address's
   * block is searched again at the next choice instead of being taken for full.
   */
  public synchronized void recordFreed(Ipv4Address address) {
    if (config.range().contains(address)) {
      fullUntil.remove(blocks.blockOf(address));
    }
  }

  /**
   * An address's hold ended: when no record took its place, the address is never-leased again and
   * the search must find it, so its block's prefix goes back to it.
   */
  private void holdEnded(Ipv4Address address) {
    if (store.byAddress(address).isPresent() || !config.range().contains(address)) {
      return;
    }
    int block = blocks.blockOf(address);
    fullUntil.remove(block);
    Integer prefix = leasedPrefix.get(block);
    int index = blocks.indexInBlock(address);
    if (prefix != null && prefix > index) {
      leasedPrefix.put(block, index);
    }
  }

  /** Whether the last attempt to choose an address found none. */
  public synchronized boolean exhausted() {
    return exhausted;
  }

  /** Forgets offer holds that ran out, so the maps stay as small as the active offers. */
  public synchronized void expireHolds() {
    Instant now = clock.instant();
    List<Ipv4Address> lapsed = new ArrayList<>();
    holds
        .entrySet()
        .removeIf(
            e -> {
              boolean stale = !e.getValue().committing && !now.isBefore(e.getValue().until);
              if (stale) {
                holdByClient.remove(e.getValue().client, e.getKey());
                lapsed.add(e.getKey());
              }
              return stale;
            });
    lapsed.forEach(this::holdEnded);
  }

  /** Offers and commits currently held on this node. */
  public synchronized int heldAddresses() {
    return holds.size();
  }
}

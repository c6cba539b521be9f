package io.kvswitch.dataplane.dhcp.server;

import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes;
import io.kvswitch.dataplane.dhcp.codec.DhcpOptions;
import io.kvswitch.dataplane.dhcp.codec.DhcpWireFormat;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.lease.AddressPool;
import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.GroupCommitter;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.lease.LeaseStore;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreUnavailableException;
import io.kvswitch.dataplane.dhcp.lease.LeaseWrite;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.lease.WriteOutcome;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The DHCP server of one network on one node, free of any transport: a reply is a function of the
 * request, the network's configuration, the lease store and the clock. The caller (the engine's
 * frame path or the UDP transport) decodes, calls {@link #handle}, and sends what the returned
 * future yields to where {@link io.kvswitch.dataplane.dhcp.frame.ReplyDestination} says.
 *
 * <p>OFFERs and NAKs complete at once. An ACK that grants or extends a lease completes only after
 * the lease is durable in the store (through the {@link GroupCommitter}); if the store cannot be
 * written, a renewal of a lease that is still durable is answered with the time that lease has
 * left, and anything else gets no answer, so that the client retries rather than the server
 * guessing.
 *
 * <p>Thread-safe: the pool, the store and the rate limiters serialise what they share.
 */
public final class DhcpServer {

  private static final CompletableFuture<Optional<DhcpMessage>> SILENCE =
      CompletableFuture.completedFuture(Optional.empty());

  /** RFC 2131 §2: every client accepts 576-byte IP datagrams; minus IP and UDP headers. */
  private static final int MIN_MAX_MESSAGE_SIZE = 576;

  private static final int IP_UDP_HEADERS = 28;

  private final AddressPool pool;
  private final DhcpNetworkConfig config;
  private final LeaseStore store;
  private final GroupCommitter committer;
  private final InstantSource clock;
  private final String node;
  private final List<ReplyOptionHandler> optionHandlers;
  private final DhcpOptions networkOptions;
  private final KeyedRateLimiter<String> portLimiter;
  private final KeyedRateLimiter<MacAddress> macLimiter;
  private final int maxLeasesPerMac;
  private final DhcpServerCounters counters = new DhcpServerCounters();

  public DhcpServer(
      AddressPool pool,
      LeaseStore store,
      GroupCommitter committer,
      InstantSource clock,
      RateLimits limits,
      String node) {
    this.pool = pool;
    this.config = pool.config();
    this.store = store;
    this.committer = committer;
    this.clock = clock;
    this.node = node;
    this.optionHandlers = StandardOptionHandlers.chain();
    this.networkOptions = NetworkOptions.of(config);
    this.portLimiter =
        new KeyedRateLimiter<>(
            limits.portMessagesPerSecond(), limits.portBurst(), limits.maxTrackedKeys(), clock);
    this.macLimiter =
        new KeyedRateLimiter<>(
            limits.macMessagesPerSecond(), limits.macBurst(), limits.maxTrackedKeys(), clock);
    this.maxLeasesPerMac = limits.maxLeasesPerMac();
  }

  public DhcpServerCounters counters() {
    return counters;
  }

  public DhcpNetworkConfig config() {
    return config;
  }

  /** Whether the last address request found the pool empty (the PoolExhausted condition). */
  public boolean poolExhausted() {
    return pool.exhausted();
  }

  /**
   * Answers one client message.
   *
   * @param ingressPort the port the message came in on, for the per-port rate limit
   * @return the reply, or empty when the RFC says to stay silent or the message was dropped (see
   *     {@link DhcpServerCounters#dropped})
   */
  public CompletableFuture<Optional<DhcpMessage>> handle(DhcpMessage request, String ingressPort) {
    if (request.op() != DhcpMessage.BOOTREQUEST) {
      return drop(DropReason.NOT_A_REQUEST);
    }
    Optional<MacAddress> mac = request.clientMac();
    if (mac.isEmpty()) {
      return drop(DropReason.NOT_ETHERNET);
    }
    Optional<DhcpMessageType> type = request.messageType();
    if (type.isEmpty()) {
      return drop(DropReason.UNEXPECTED_MESSAGE_TYPE);
    }
    counters.countReceived(type.get());
    Client client = new Client(ClientKey.of(request), mac.get(), request);
    return switch (type.get()) {
      case DISCOVER -> discover(client, ingressPort);
      case REQUEST -> request(client, ingressPort);
      case DECLINE -> decline(client);
      case RELEASE -> release(client);
      case INFORM -> inform(client);
      case OFFER, ACK, NAK -> drop(DropReason.UNEXPECTED_MESSAGE_TYPE);
    };
  }

  private record Client(ClientKey key, MacAddress mac, DhcpMessage request) {
    String hostname() {
      return request.options().hostname().orElse("");
    }
  }

  private CompletableFuture<Optional<DhcpMessage>> discover(Client client, String port) {
    if (!withinRate(client, port)) {
      return drop(DropReason.RATE_LIMITED);
    }
    if (overLeaseLimit(client)) {
      return drop(DropReason.LEASE_LIMIT);
    }
    Optional<Ipv4Address> address;
    try {
      address = pool.choose(client.key, client.mac, client.request.options().requestedIp());
    } catch (LeaseStoreUnavailableException e) {
      return drop(DropReason.STORE_UNAVAILABLE);
    }
    if (address.isEmpty()) {
      return drop(DropReason.POOL_EXHAUSTED);
    }
    pool.holdOffer(address.get(), client.key);
    return reply(client.request, DhcpMessageType.OFFER, address.get(), leaseSeconds(), null);
  }

  /** RFC 2131 §4.3.2: which state the client is in follows from which fields it filled. */
  private CompletableFuture<Optional<DhcpMessage>> request(Client client, String port) {
    DhcpOptions options = client.request.options();
    Optional<Ipv4Address> serverId = options.serverId();
    Optional<Ipv4Address> requested = options.requestedIp();
    Ipv4Address ciaddr = client.request.ciaddr();
    if (serverId.isPresent()) {
      return selecting(client, port, serverId.get(), requested.orElse(ciaddr));
    }
    if (requested.isPresent() && ciaddr.isAny()) {
      return initReboot(client, port, requested.get());
    }
    if (!ciaddr.isAny()) {
      return renewingOrRebinding(client, ciaddr);
    }
    return drop(DropReason.MALFORMED_REQUEST);
  }

  /** The client picked an offer; if it is ours, commit it. */
  private CompletableFuture<Optional<DhcpMessage>> selecting(
      Client client, String port, Ipv4Address serverId, Ipv4Address requested) {
    if (!serverId.equals(config.serverId())) {
      pool.releaseOffer(client.key);
      return drop(DropReason.OTHER_SERVER);
    }
    if (requested.isAny()) {
      return drop(DropReason.MALFORMED_REQUEST);
    }
    if (!withinRate(client, port)) {
      return drop(DropReason.RATE_LIMITED);
    }
    if (overLeaseLimit(client)) {
      return drop(DropReason.LEASE_LIMIT);
    }
    if (!pool.isAvailable(requested, client.key, client.mac)) {
      return nak(client.request, "address " + requested + " is not available");
    }
    return commit(client, requested, true);
  }

  /** A rebooted client wants to confirm the address it remembers. */
  private CompletableFuture<Optional<DhcpMessage>> initReboot(
      Client client, String port, Ipv4Address requested) {
    if (!config.subnet().contains(requested)) {
      return nak(client.request, "address " + requested + " is not on this network");
    }
    Optional<Versioned<Lease>> known = store.byClient(client.key);
    if (known.isEmpty()) {
      // RFC 2131 §4.3.2: no record of the client, remain silent (another server may know it).
      return drop(DropReason.UNKNOWN_CLIENT);
    }
    if (!known.get().value().address().equals(requested)
        || !pool.isAvailable(requested, client.key, client.mac)) {
      return nak(client.request, "address " + requested + " is not yours");
    }
    if (!withinRate(client, port)) {
      return drop(DropReason.RATE_LIMITED);
    }
    return commit(client, requested, true);
  }

  /** A bound client extends its lease, unicast (RENEWING) or broadcast (REBINDING). */
  private CompletableFuture<Optional<DhcpMessage>> renewingOrRebinding(
      Client client, Ipv4Address ciaddr) {
    Optional<Versioned<Lease>> record = store.byAddress(ciaddr);
    if (record.isEmpty() || !record.get().value().client().equals(client.key)) {
      if (!config.subnet().contains(ciaddr)
          || record.filter(r -> r.value().isBoundAt(clock.instant())).isPresent()) {
        return nak(client.request, "address " + ciaddr + " is not yours");
      }
      return drop(DropReason.UNKNOWN_CLIENT);
    }
    if (!pool.isAvailable(ciaddr, client.key, client.mac)) {
      return nak(client.request, "address " + ciaddr + " is no longer available");
    }
    return commit(client, ciaddr, true);
  }

  /**
   * Writes the lease and answers ACK once it is durable. A conflict (another node wrote the record
   * since it was read) is retried once against the new record when the address is still free for
   * the client; otherwise the client is NAKed and starts over.
   */
  private CompletableFuture<Optional<DhcpMessage>> commit(
      Client client, Ipv4Address address, boolean retryOnConflict) {
    if (!pool.beginCommit(address, client.key)) {
      return nak(client.request, "address " + address + " is being given to another client");
    }
    Optional<Versioned<Lease>> previous = store.byClient(client.key);
    Optional<Versioned<Lease>> current = store.byAddress(address);
    Instant now = clock.instant();
    // Decide on the very record whose version the write names: if another node took the
    // address after the caller looked, the version moved and the write conflicts; if it took it
    // before this read, this check sees it.
    if (current.isPresent() && !current.get().value().freeFor(client.key, now)) {
      pool.endCommit(address, client.key);
      return conflictNak(client, address);
    }
    Lease lease =
        new Lease(
            address,
            client.key,
            client.mac,
            client.hostname(),
            node,
            now.plus(config.leaseTime()),
            LeaseState.BOUND);
    long expected = current.map(Versioned::version).orElse(LeaseWrite.CREATE);
    return committer
        .submit(new LeaseWrite(lease, expected))
        .handle(
            (outcome, failure) -> {
              pool.endCommit(address, client.key);
              if (failure != null) {
                return CompletableFuture.completedFuture(
                    fromDurableLease(client, address, current));
              }
              return switch (outcome) {
                case WriteOutcome.Committed committed -> {
                  releaseOldAddress(client, address, previous);
                  yield reply(client.request, DhcpMessageType.ACK, address, leaseSeconds(), null);
                }
                case WriteOutcome.Conflict conflict -> {
                  counters.countConflict();
                  boolean stillFree =
                      conflict
                          .current()
                          .map(v -> v.value().freeFor(client.key, clock.instant()))
                          .orElse(true);
                  yield retryOnConflict && stillFree
                      ? commit(client, address, false)
                      : conflictNak(client, address);
                }
              };
            })
        .thenCompose(f -> f);
  }

  private CompletableFuture<Optional<DhcpMessage>> conflictNak(Client client, Ipv4Address address) {
    return nak(client.request, "address " + address + " was just given to another client");
  }

  /**
   * The store could not be written. A lease that is already durable for this client still holds for
   * its remaining time, so that time can be granted without a write; a new lease cannot.
   */
  private Optional<DhcpMessage> fromDurableLease(
      Client client, Ipv4Address address, Optional<Versioned<Lease>> current) {
    Instant now = clock.instant();
    Optional<Lease> durable =
        current
            .map(Versioned::value)
            .filter(l -> l.client().equals(client.key) && l.isBoundAt(now));
    if (durable.isEmpty()) {
      counters.countDropped(DropReason.STORE_UNAVAILABLE);
      return Optional.empty();
    }
    long remaining = Duration.between(now, durable.get().expiresAt()).toSeconds();
    if (remaining < 1) {
      counters.countDropped(DropReason.STORE_UNAVAILABLE);
      return Optional.empty();
    }
    counters.countAckFromDurableLease();
    return reply(client.request, DhcpMessageType.ACK, address, OptionalLong.of(remaining), null)
        .join();
  }

  /** A client that moved to a new address gives its old one back to the pool. */
  private void releaseOldAddress(
      Client client, Ipv4Address newAddress, Optional<Versioned<Lease>> previous) {
    previous
        .filter(v -> !v.value().address().equals(newAddress))
        .filter(v -> v.value().client().equals(client.key))
        .filter(v -> v.value().state() == LeaseState.BOUND)
        .ifPresent(
            v -> {
              Lease released = v.value().withState(LeaseState.RELEASED, clock.instant());
              committer
                  .submit(new LeaseWrite(released, v.version()))
                  .thenRun(() -> pool.recordFreed(released.address()));
            });
  }

  /** RFC 2131 §4.3.3: the client found the address in use; keep it out of the pool a while. */
  private CompletableFuture<Optional<DhcpMessage>> decline(Client client) {
    DhcpOptions options = client.request.options();
    if (!options.serverId().map(config.serverId()::equals).orElse(false)) {
      return drop(DropReason.OTHER_SERVER);
    }
    Optional<Ipv4Address> address = options.requestedIp();
    if (address.isEmpty()) {
      return drop(DropReason.MALFORMED_REQUEST);
    }
    Optional<Versioned<Lease>> record = store.byAddress(address.get());
    if (record.isEmpty() || !record.get().value().client().equals(client.key)) {
      return drop(DropReason.NOT_CLIENTS_ADDRESS);
    }
    Lease quarantined =
        record
            .get()
            .value()
            .withState(LeaseState.DECLINED, clock.instant().plus(config.declineQuarantine()));
    committer.submit(new LeaseWrite(quarantined, record.get().version()));
    return SILENCE;
  }

  /** RFC 2131 §4.3.4: the client gives the address back; the record stays for its next visit. */
  private CompletableFuture<Optional<DhcpMessage>> release(Client client) {
    if (!client.request.options().serverId().map(config.serverId()::equals).orElse(false)) {
      return drop(DropReason.OTHER_SERVER);
    }
    Ipv4Address address = client.request.ciaddr();
    Optional<Versioned<Lease>> record = store.byAddress(address);
    if (record.isEmpty()
        || !record.get().value().client().equals(client.key)
        || record.get().value().state() != LeaseState.BOUND) {
      return drop(DropReason.NOT_CLIENTS_ADDRESS);
    }
    Lease released = record.get().value().withState(LeaseState.RELEASED, clock.instant());
    committer
        .submit(new LeaseWrite(released, record.get().version()))
        .thenRun(() -> pool.recordFreed(address));
    return SILENCE;
  }

  /** RFC 2131 §4.3.5: a client with an address wants only configuration; no lease is involved. */
  private CompletableFuture<Optional<DhcpMessage>> inform(Client client) {
    return reply(client.request, DhcpMessageType.ACK, Ipv4Address.ANY, OptionalLong.empty(), null);
  }

  private CompletableFuture<Optional<DhcpMessage>> nak(DhcpMessage request, String reason) {
    return reply(request, DhcpMessageType.NAK, Ipv4Address.ANY, OptionalLong.empty(), reason);
  }

  private CompletableFuture<Optional<DhcpMessage>> reply(
      DhcpMessage request,
      DhcpMessageType type,
      Ipv4Address yiaddr,
      OptionalLong leaseSeconds,
      String nakReason) {
    ReplyContext context =
        new ReplyContext(
            request, type, config, networkOptions, leaseSeconds, Optional.ofNullable(nakReason));
    DhcpOptions.Builder options = DhcpOptions.builder().messageType(type);
    for (ReplyOptionHandler handler : optionHandlers) {
      handler.addOptions(context, options);
    }
    boolean informAck = type == DhcpMessageType.ACK && leaseSeconds.isEmpty();
    DhcpMessage.Builder reply =
        DhcpMessage.builder()
            .op(DhcpMessage.BOOTREPLY)
            .htype(request.htype())
            .hlen(request.hlen())
            .xid(request.xid())
            .flags(request.flags())
            .ciaddr(type == DhcpMessageType.NAK ? Ipv4Address.ANY : request.ciaddr())
            .yiaddr(informAck ? Ipv4Address.ANY : yiaddr)
            .giaddr(request.giaddr())
            .chaddr(request.chaddr());
    if (type == DhcpMessageType.NAK && !request.giaddr().isAny()) {
      // RFC 2131 §4.3.2: a NAK through a relay asks the relay to broadcast it to the client.
      reply.flags(request.flags() | DhcpMessage.FLAG_BROADCAST);
    }
    DhcpMessage message = fitToClient(reply, options, request);
    counters.countSent(type);
    return CompletableFuture.completedFuture(Optional.of(message));
  }

  /**
   * Drops optional options from the end until the reply fits the size the client accepts (option
   * 57, at least 576 bytes of IP datagram).
   */
  private static DhcpMessage fitToClient(
      DhcpMessage.Builder reply, DhcpOptions.Builder options, DhcpMessage request) {
    int limit =
        Math.max(MIN_MAX_MESSAGE_SIZE, request.options().maxMessageSize().orElse(0))
            - IP_UDP_HEADERS;
    DhcpMessage message = reply.options(options.build()).build();
    if (DhcpWireFormat.encodedLength(message) <= limit) {
      return message;
    }
    List<Integer> droppable = new ArrayList<>(message.options().codes());
    droppable.removeAll(
        List.of(
            DhcpOptionCodes.MESSAGE_TYPE,
            DhcpOptionCodes.SERVER_ID,
            DhcpOptionCodes.LEASE_TIME,
            DhcpOptionCodes.SUBNET_MASK,
            DhcpOptionCodes.CLIENT_ID,
            DhcpOptionCodes.RELAY_AGENT_INFO));
    while (DhcpWireFormat.encodedLength(message) > limit && !droppable.isEmpty()) {
      options.remove(droppable.removeLast());
      message = reply.options(options.build()).build();
    }
    return message;
  }

  private boolean withinRate(Client client, String port) {
    // Both buckets are always charged, so a flood from one MAC also counts against its port.
    boolean portOk = portLimiter.tryAcquire(port);
    boolean macOk = macLimiter.tryAcquire(client.mac);
    return portOk && macOk;
  }

  /**
   * Whether the client's MAC already holds the most live leases it may under other client
   * identifiers; a client that changes its identifier on every attempt cannot drain the pool.
   */
  private boolean overLeaseLimit(Client client) {
    List<Versioned<Lease>> records = store.byMac(client.mac);
    if (records.size() < maxLeasesPerMac) {
      return false;
    }
    Instant now = clock.instant();
    int others = 0;
    for (Versioned<Lease> record : records) {
      Lease lease = record.value();
      if (lease.isBoundAt(now) && !lease.client().equals(client.key)) {
        others++;
      }
    }
    return others >= maxLeasesPerMac;
  }

  private OptionalLong leaseSeconds() {
    return OptionalLong.of(config.leaseTime().toSeconds());
  }

  private CompletableFuture<Optional<DhcpMessage>> drop(DropReason reason) {
    counters.countDropped(reason);
    return SILENCE;
  }
}

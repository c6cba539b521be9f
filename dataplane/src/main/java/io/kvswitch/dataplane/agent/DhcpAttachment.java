package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.RemoteMac;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.config.VlanNetworkDhcpMapping;
import io.kvswitch.dataplane.dhcp.frame.DhcpFrameResponder;
import io.kvswitch.dataplane.dhcp.lease.AddressPool;
import io.kvswitch.dataplane.dhcp.lease.BlockAllocator;
import io.kvswitch.dataplane.dhcp.lease.GroupCommitter;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeases;
import io.kvswitch.dataplane.dhcp.lease.PoolStatusListener;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.dhcp.port.SwitchDhcpPort;
import io.kvswitch.dataplane.dhcp.server.DhcpServer;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.engine.VlanSet;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves DHCP on a node's switch: wraps the engine, and for every VLAN whose network has DHCP
 * enabled runs a {@link DhcpServer} behind the switch's {@link SwitchDhcpPort}, with the lease
 * store and block ledger of that network. VLANs added, removed or changed at run time start, stop
 * or replace their server; a VLAN whose configuration did not change keeps its server, offers and
 * rate limits. Every other call goes to the wrapped engine unchanged.
 *
 * <p>The server identifies itself with the network's gateway address (option 54), or without a
 * gateway the subnet's last host address, and answers from a MAC derived from the switch and node
 * names: stable across agent restarts, locally administered, and different on every node, so that
 * the switches of a VXLAN overlay never learn one node's server MAC behind another. See
 * dataplane/DHCP.md for why.
 *
 * <p>Opening a network's lease store lists its records from the API server; that happens on a
 * thread of its own, so the agent never waits for it, and is retried while the API server is away.
 */
public final class DhcpAttachment implements SwitchEngine, AutoCloseable {

  /** Addresses per block a node claims from a network's range. */
  public static final int BLOCK_SIZE = 32;

  /** Leases a group commit writes at most at once. */
  public static final int MAX_BATCH = 64;

  private static final int REQUEST_QUEUE = 1024;
  private static final Duration RECLAIM_INTERVAL = Duration.ofMinutes(1);
  private static final Duration RETRY_INTERVAL = Duration.ofSeconds(10);
  private static final Duration ADDRESS_INTERVAL = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(DhcpAttachment.class);

  private final SwitchEngine delegate;
  private final Bridge bridge;
  private final LocalPortTable ports;
  private final NetworkLeaseStores stores;
  private final String node;
  private final MacAddress serverMac;
  private final Clock clock;
  private final RateLimits limits;
  private final Map<Integer, Served> served = new HashMap<>();
  private final Map<Integer, Wanted> wanted = new HashMap<>();
  private final DhcpCounterTotals retired = new DhcpCounterTotals();
  private final Set<String> exhaustedNetworks = ConcurrentHashMap.newKeySet();
  private final ExecutorService opener;
  private final ScheduledExecutorService reclaimer;
  private final ScheduledExecutorService publisher;
  private boolean closed;
  private SwitchDhcpPort port;
  private int portIndex = -1;

  /** Addresses recorded on ports whose compiled state does not show them yet, by port name. */
  private final Map<String, String> recorded = new ConcurrentHashMap<>();

  /**
   * @param delegate the engine that realizes everything but DHCP
   * @param bridge the running switch the DHCP port is plugged into
   * @param ports the local workload ports, kept up to date by this attachment
   */
  public DhcpAttachment(
      SwitchEngine delegate,
      Bridge bridge,
      LocalPortTable ports,
      NetworkLeaseStores stores,
      String switchName,
      String node,
      Clock clock,
      RateLimits limits) {
    this.delegate = delegate;
    this.bridge = bridge;
    this.ports = ports;
    this.stores = stores;
    this.node = node;
    this.serverMac = serverMac(switchName, node);
    this.clock = clock;
    this.limits = limits;
    this.opener =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("kvswitch-dhcp-open").daemon().unstarted(r));
    this.publisher =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("kvswitch-port-addresses").daemon().unstarted(r));
    this.reclaimer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("kvswitch-dhcp-reclaim").daemon().unstarted(r));
    long interval = RECLAIM_INTERVAL.toMillis();
    reclaimer.scheduleWithFixedDelay(
        this::reclaimExpired, interval, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * The server's MAC on this node: the first six bytes of SHA-256 over {@code switch/node}, with
   * the locally administered bit set and the multicast bit clear.
   */
  public static MacAddress serverMac(String switchName, String node) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((switchName + "/" + node).getBytes(StandardCharsets.UTF_8));
      digest[0] = (byte) ((digest[0] & 0xfc) | 0x02);
      return MacAddress.of(digest, 0);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public MacAddress serverMac() {
    return serverMac;
  }

  /**
   * Records, every two seconds, the address each local port's workload holds a lease for on its
   * port's record, and clears it when the lease ends; a record whose compiled state already shows
   * the address is left alone.
   */
  public void publishAddressesTo(PortAddresses addresses) {
    long interval = ADDRESS_INTERVAL.toMillis();
    // A thread of its own: a write that waits for an absent API server delays nothing else.
    publisher.scheduleWithFixedDelay(
        () -> publishAddresses(addresses), interval, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * The address each local port in a served VLAN holds a lease for now, by port name (a port whose
   * workload holds none maps to {@code null}).
   */
  public Map<String, String> leasedAddresses() {
    Map<Integer, Served> now;
    synchronized (this) {
      now = Map.copyOf(served);
    }
    Map<String, String> addresses = new HashMap<>();
    for (SwitchNodePort local : ports.all()) {
      Served network = local.getVlanId() == null ? null : now.get(local.getVlanId());
      if (network == null || local.getMac() == null) {
        continue;
      }
      addresses.put(
          local.getName(),
          network.leases().store().byMac(MacAddress.parse(local.getMac())).stream()
              .map(Versioned::value)
              .filter(lease -> lease.isBoundAt(clock.instant()))
              .max(Comparator.comparing(Lease::expiresAt))
              .map(lease -> lease.address().toString())
              .orElse(null));
    }
    return addresses;
  }

  void publishAddresses(PortAddresses addresses) {
    Map<String, String> shown = new HashMap<>();
    for (SwitchNodePort local : ports.all()) {
      shown.put(local.getName(), local.getIp());
    }
    for (Map.Entry<String, String> entry : leasedAddresses().entrySet()) {
      String name = entry.getKey();
      String ip = entry.getValue();
      if (Objects.equals(ip, shown.get(name))) {
        recorded.remove(name);
        continue;
      }
      // The map holds no nulls: a cleared address is recorded as "".
      String written = ip == null ? "" : ip;
      if (written.equals(recorded.get(name))) {
        continue;
      }
      int slash = name.indexOf('/');
      try {
        addresses.record(name.substring(0, slash), name.substring(slash + 1), ip);
        recorded.put(name, written);
      } catch (RuntimeException e) {
        LOG.debug("cannot record address {} of port {}: {}", ip, name, e.toString());
      }
    }
    recorded.keySet().retainAll(shown.keySet());
  }

  /** The switch's DHCP port, once a VLAN with DHCP was configured. */
  public synchronized Optional<SwitchDhcpPort> port() {
    return Optional.ofNullable(port);
  }

  /** The server of {@code vlan}, when its network has DHCP enabled. */
  public synchronized Optional<DhcpServer> server(int vlan) {
    return Optional.ofNullable(served.get(vlan)).map(Served::server);
  }

  /** The frame responder of {@code vlan}, with its malformed-frame counter. */
  public synchronized Optional<DhcpFrameResponder> responder(int vlan) {
    return Optional.ofNullable(served.get(vlan)).map(Served::responder);
  }

  @Override
  public synchronized void configureSwitch(SwitchSettings settings) {
    delegate.configureSwitch(settings);
  }

  /**
   * Starts, replaces or stops the VLAN's server. Opening a network's lease store lists its records
   * from the API server, so it runs on the attachment's own thread: the agent goes on plugging
   * ports in, also while the API server is away, and the server starts once the store opens (tried
   * again every {@link #RETRY_INTERVAL} until then). A configuration the server cannot run is
   * refused here, so the agent reports it.
   */
  @Override
  public synchronized void putVlan(SwitchNodeVlan vlan) {
    delegate.putVlan(vlan);
    int id = vlan.getVlanId();
    Optional<DhcpNetworkConfig> config = VlanNetworkDhcpMapping.toConfig(vlan);
    if (config.isEmpty()) {
      wanted.remove(id);
      stop(id);
      return;
    }
    Wanted want = new Wanted(namespaceOf(vlan.getNetwork()), config.get());
    Served current = served.get(id);
    if (want.equals(wanted.get(id))) {
      return;
    }
    wanted.put(id, want);
    if (current != null && current.serves(want)) {
      return;
    }
    opener.execute(() -> open(id, want));
  }

  /**
   * On the opener thread: opens the store outside the lock, installs the server if still wanted.
   */
  private void open(int vlan, Wanted want) {
    synchronized (this) {
      if (closed || !want.equals(wanted.get(vlan))) {
        return;
      }
    }
    Served started;
    try {
      started = start(want.namespace(), want.config());
    } catch (RuntimeException e) {
      LOG.warn(
          "DHCP for {}/{} on VLAN {}: cannot open the lease store, retrying in {} s: {}",
          want.namespace(),
          want.config().network(),
          vlan,
          RETRY_INTERVAL.toSeconds(),
          e.toString());
      synchronized (this) {
        if (!closed) {
          reclaimer.schedule(
              () -> opener.execute(() -> open(vlan, want)),
              RETRY_INTERVAL.toMillis(),
              TimeUnit.MILLISECONDS);
        }
      }
      return;
    }
    synchronized (this) {
      if (closed || !want.equals(wanted.get(vlan))) {
        started.close();
        return;
      }
      install(vlan, started);
    }
  }

  private void install(int vlan, Served started) {
    Served previous = served.get(vlan);
    ensurePort();
    DhcpNetworkConfig config = started.config();
    // Without a gateway the server identifier is the server's own address: it answers ARP for it.
    port.serve(
        vlan,
        started.responder(),
        config.gateway().isEmpty() ? Optional.of(config.serverId()) : Optional.empty());
    served.put(vlan, started);
    carryServedVlans();
    if (previous != null) {
      retire(previous);
    }
    LOG.info(
        "DHCP for {}/{} on VLAN {}: server {} at {}",
        started.namespace(),
        config.network(),
        vlan,
        config.serverId(),
        serverMac);
  }

  @Override
  public synchronized void removeVlan(int vlanId) {
    delegate.removeVlan(vlanId);
    wanted.remove(vlanId);
    stop(vlanId);
  }

  @Override
  public synchronized void putPort(SwitchNodePort port) {
    delegate.putPort(port);
    boolean forwards =
        port.getState() == null
            || port.getState() == PortState.Active
            || port.getState() == PortState.Pending;
    if (forwards) {
      ports.put(port);
    } else {
      ports.remove(port.getName());
    }
  }

  @Override
  public synchronized void removePort(String name) {
    delegate.removePort(name);
    ports.remove(name);
  }

  @Override
  public void putRemoteMac(RemoteMac mac) {
    delegate.putRemoteMac(mac);
  }

  @Override
  public void removeRemoteMac(int vlanId, String mac) {
    delegate.removeRemoteMac(vlanId, mac);
  }

  @Override
  public void putMirror(SwitchNodeMirror mirror) {
    delegate.putMirror(mirror);
  }

  @Override
  public void removeMirror(String session) {
    delegate.removeMirror(session);
  }

  /** The engine's counters with the DHCP port's and every server's this attachment ran. */
  @Override
  public EngineCounters counters() {
    return delegate.counters().withDhcp(dhcpCounters());
  }

  /**
   * What the DHCP port, the servers and their lease stores counted, the closed servers' counts
   * included (but not what their projections left pending).
   */
  public synchronized DhcpCounters dhcpCounters() {
    DhcpCounterTotals totals = retired.copy();
    for (Served network : served.values()) {
      totals.add(network.server().counters(), network.responder(), network.leases().counters());
    }
    return totals.report(
        served.size(), port == null ? null : port.counters(), List.copyOf(exhaustedNetworks));
  }

  private Served start(String namespace, DhcpNetworkConfig config) {
    NetworkLeases leases = stores.open(namespace, config.network(), config.range(), BLOCK_SIZE);
    ExecutorService writer =
        Executors.newSingleThreadExecutor(
            r ->
                Thread.ofPlatform()
                    .name("kvswitch-dhcp-commit-" + config.network())
                    .daemon()
                    .unstarted(r));
    try {
      BlockAllocator blocks = new BlockAllocator(config.range(), BLOCK_SIZE, leases.ledger(), node);
      AddressPool pool =
          new AddressPool(
              config, leases.store(), blocks, clock, new PoolLog(namespace, exhaustedNetworks));
      DhcpServer server =
          new DhcpServer(
              pool,
              leases.store(),
              new GroupCommitter(leases.store(), writer, MAX_BATCH),
              clock,
              limits,
              node);
      return new Served(
          namespace,
          config,
          leases,
          writer,
          server,
          new DhcpFrameResponder(server, serverMac, ByteBufAllocator.DEFAULT));
    } catch (RuntimeException e) {
      writer.close();
      leases.close();
      throw e;
    }
  }

  private void stop(int vlan) {
    Served stopped = served.remove(vlan);
    if (stopped == null) {
      return;
    }
    port.stopServing(vlan);
    carryServedVlans();
    retire(stopped);
    exhaustedNetworks.remove(stopped.namespace() + "/" + stopped.network());
    LOG.info("DHCP for {}/{} on VLAN {} stopped", stopped.namespace(), stopped.network(), vlan);
  }

  private void ensurePort() {
    if (port == null) {
      SwitchDhcpPort created =
          new SwitchDhcpPort(SwitchDhcpPort.NAME, this::localPortOf, serverMac, REQUEST_QUEUE);
      try {
        portIndex =
            bridge.addPort(
                created, PortVlanConfig.trunk(VlanSet.of(), 0), StormControlSettings.UNLIMITED);
      } catch (RuntimeException e) {
        created.close();
        throw e;
      }
      port = created;
    }
  }

  /**
   * The DHCP port is a trunk of exactly the VLANs served, so no other VLAN's flood reaches it, and
   * the core hands it every DHCP request from those VLANs' access ports, also those unicast to the
   * gateway's MAC (renewals and releases to a server identifier that is the gateway).
   */
  private void carryServedVlans() {
    VlanSet vlans = port.servedVlans();
    bridge
        .core()
        .setPort(portIndex, PortVlanConfig.trunk(vlans, 0), StormControlSettings.UNLIMITED);
    bridge.core().setDhcpServerPort(portIndex, vlans);
  }

  /** Closes a server that no longer serves, keeping what it counted. */
  private void retire(Served server) {
    server.close();
    retired.add(
        server.server().counters(), server.responder(), server.leases().counters().closed());
  }

  /** Called on the DHCP port's thread: where the switch learned the client's MAC. */
  private Optional<String> localPortOf(int vlan, long mac) {
    int index = bridge.core().macTable().lookup(vlan, mac, System.nanoTime());
    if (index < 0) {
      return Optional.empty();
    }
    String interfaceName;
    try {
      interfaceName = bridge.port(index).name();
    } catch (IllegalArgumentException removed) {
      return Optional.empty();
    }
    return ports
        .byInterface(interfaceName)
        .filter(p -> p.getVlanId() != null && p.getVlanId() == vlan)
        .map(SwitchNodePort::getName);
  }

  /**
   * The minute's round over the served networks: opens anew the store of a network that was deleted
   * and created again under the same name, and reclaims the others' expired leases.
   */
  void reclaimExpired() {
    Map<Integer, Served> now;
    synchronized (this) {
      now = Map.copyOf(served);
    }
    for (Map.Entry<Integer, Served> entry : now.entrySet()) {
      Served network = entry.getValue();
      if (replaced(network)) {
        int vlan = entry.getKey();
        LOG.info(
            "DHCP {}/{}: the VlanNetwork was deleted and created again; opening its lease store"
                + " anew",
            network.namespace(),
            network.network());
        Wanted want;
        synchronized (this) {
          want = wanted.get(vlan);
        }
        if (want != null) {
          opener.execute(() -> open(vlan, want));
        }
        continue;
      }
      try {
        int reclaimed = network.leases().reclaimExpired(clock.instant());
        if (reclaimed > 0) {
          LOG.info(
              "DHCP {}/{}: {} expired leases reclaimed",
              network.namespace(),
              network.network(),
              reclaimed);
        }
      } catch (RuntimeException e) {
        LOG.debug("DHCP {}/{}: reclaim failed: {}", network.namespace(), network.network(), e);
      }
    }
  }

  private boolean replaced(Served network) {
    try {
      return network.leases().replacedByAnotherNetwork();
    } catch (RuntimeException e) {
      LOG.debug(
          "DHCP {}/{}: cannot tell whether the network was replaced: {}",
          network.namespace(),
          network.network(),
          e);
      return false;
    }
  }

  /** Stops every server and unplugs the DHCP port; the leases stay in the store. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      wanted.clear();
    }
    // An open in progress may wait on the API server; it sees `closed` and closes what it opened.
    opener.shutdown();
    reclaimer.shutdownNow();
    publisher.shutdownNow();
    closeServers();
  }

  private synchronized void closeServers() {
    for (Served network : served.values()) {
      network.close();
    }
    served.clear();
    if (port != null) {
      bridge.removePort(portIndex);
      port = null;
    }
  }

  private static String namespaceOf(String network) {
    int slash = network.indexOf('/');
    return slash < 0 ? "default" : network.substring(0, slash);
  }

  /** What the node state asks of a VLAN's server. */
  private record Wanted(String namespace, DhcpNetworkConfig config) {}

  private record Served(
      String namespace,
      DhcpNetworkConfig config,
      NetworkLeases leases,
      ExecutorService writer,
      DhcpServer server,
      DhcpFrameResponder responder) {

    String network() {
      return config.network();
    }

    boolean serves(Wanted want) {
      return namespace.equals(want.namespace()) && config.equals(want.config());
    }

    void close() {
      writer.close();
      leases.close();
    }
  }

  /**
   * The operator reports the condition from the lease records; the agent logs the moment and lists
   * the network in its counters while it lasts.
   */
  private static final class PoolLog implements PoolStatusListener {
    private final String namespace;
    private final Set<String> exhausted;

    PoolLog(String namespace, Set<String> exhausted) {
      this.namespace = namespace;
      this.exhausted = exhausted;
    }

    @Override
    public void poolExhausted(String network) {
      exhausted.add(namespace + "/" + network);
      LOG.warn("DHCP {}/{}: no free address left for a new client", namespace, network);
    }

    @Override
    public void poolAvailable(String network) {
      exhausted.remove(namespace + "/" + network);
      LOG.info("DHCP {}/{}: addresses available again", namespace, network);
    }
  }
}

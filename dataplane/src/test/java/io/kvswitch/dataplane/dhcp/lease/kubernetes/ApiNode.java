package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.kvswitch.dataplane.dhcp.FakeClock;
import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.lease.AddressPool;
import io.kvswitch.dataplane.dhcp.lease.BlockAllocator;
import io.kvswitch.dataplane.dhcp.lease.GroupCommitter;
import io.kvswitch.dataplane.dhcp.lease.PoolStatusListener;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.server.DhcpServer;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One simulated node: its own API client (which can lose its connection to the API server), lease
 * store, block ledger, group committer and DHCP server, as an agent would have them.
 */
final class ApiNode implements AutoCloseable {

  static final String NAMESPACE = "tenants";
  static final int BLOCK_SIZE = 8;

  final String name;
  final KubernetesClient client;
  final KubernetesBlockRecordStore store;
  final KubernetesBlockLedger ledger;
  final DhcpServer server;
  private final ExecutorService writer = Executors.newSingleThreadExecutor();
  private volatile boolean apiReachable = true;
  private volatile String unreachablePath = null;

  ApiNode(
      String name,
      Config apiServer,
      DhcpNetworkConfig config,
      FakeClock clock,
      OwnerResolver owners) {
    this(name, apiServer, config, clock, owners, NodeDirectory.NONE);
  }

  ApiNode(
      String name,
      Config apiServer,
      DhcpNetworkConfig config,
      FakeClock clock,
      OwnerResolver owners,
      NodeDirectory nodes) {
    this.name = name;
    this.client = ClientBehind.interceptor(apiServer, new Outage());
    this.store =
        KubernetesBlockRecordStore.open(
            client, NAMESPACE, config.network(), BLOCK_SIZE, NetworkOwner.NONE, owners);
    this.ledger =
        KubernetesBlockLedger.open(
            client, NAMESPACE, config.network(), config.range(), BLOCK_SIZE, nodes);
    BlockAllocator blocks = new BlockAllocator(config.range(), BLOCK_SIZE, ledger, name);
    AddressPool pool = new AddressPool(config, store, blocks, clock, PoolStatusListener.NONE);
    this.server =
        new DhcpServer(
            pool, store, new GroupCommitter(store, writer, 32), clock, RateLimits.UNLIMITED, name);
  }

  /** While false, every request of this node goes to a closed port, as if the API were down. */
  void apiReachable(boolean reachable) {
    this.apiReachable = reachable;
  }

  /** Requests whose path contains {@code fragment} fail to connect; the others go through. */
  void unreachableFor(String fragment) {
    this.unreachablePath = fragment;
  }

  /** DISCOVER, then REQUEST what was offered: the ACKed address, if the exchange ended in one. */
  Optional<Ipv4Address> lease(TestClient client) {
    Optional<DhcpMessage> offer = server.handle(client.discover(), "port").join();
    if (offer.isEmpty()) {
      return Optional.empty();
    }
    return ack(client.select(offer.get().yiaddr(), server.config().serverId()));
  }

  /** The ACKed address of a request, if the server ACKed it. */
  Optional<Ipv4Address> ack(DhcpMessage request) {
    return server
        .handle(request, "port")
        .join()
        .filter(m -> m.messageType().orElseThrow() == DhcpMessageType.ACK)
        .map(DhcpMessage::yiaddr);
  }

  @Override
  public void close() {
    writer.close();
    store.close();
    ledger.close();
    client.close();
  }

  private final class Outage implements Interceptor {
    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      URI uri = request.uri();
      String blocked = unreachablePath;
      if (!apiReachable || (blocked != null && uri.getRawPath().contains(blocked))) {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        builder.uri(URI.create("http://127.0.0.1:1" + uri.getRawPath()));
      }
    }
  }
}

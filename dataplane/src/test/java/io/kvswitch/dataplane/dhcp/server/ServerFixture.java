package io.kvswitch.dataplane.dhcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.dhcp.FakeClock;
import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.lease.AddressPool;
import io.kvswitch.dataplane.dhcp.lease.BlockAllocator;
import io.kvswitch.dataplane.dhcp.lease.GroupCommitter;
import io.kvswitch.dataplane.dhcp.lease.InMemoryBlockLedger;
import io.kvswitch.dataplane.dhcp.lease.InMemoryLeaseStore;
import io.kvswitch.dataplane.dhcp.lease.PoolStatusListener;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** One network's server on one node, over in-memory stores, with a fake clock. */
final class ServerFixture {

  final FakeClock clock = new FakeClock();
  final InMemoryLeaseStore store = new InMemoryLeaseStore();
  final InMemoryBlockLedger ledger = new InMemoryBlockLedger();
  final List<String> poolEvents = new ArrayList<>();
  final DhcpNetworkConfig config;
  final GroupCommitter committer;
  final AddressPool pool;
  final DhcpServer server;

  ServerFixture(DhcpNetworkConfig config) {
    this(config, RateLimits.UNLIMITED, Runnable::run);
  }

  ServerFixture(DhcpNetworkConfig config, RateLimits limits, Executor commitExecutor) {
    this.config = config;
    this.committer = new GroupCommitter(store, commitExecutor, 64);
    BlockAllocator blocks = new BlockAllocator(config.range(), 16, ledger, "node-a");
    PoolStatusListener listener =
        new PoolStatusListener() {
          @Override
          public void poolExhausted(String network) {
            poolEvents.add("exhausted " + network);
          }

          @Override
          public void poolAvailable(String network) {
            poolEvents.add("available " + network);
          }
        };
    this.pool = new AddressPool(config, store, blocks, clock, listener);
    this.server = new DhcpServer(pool, store, committer, clock, limits, "node-a");
  }

  static DhcpNetworkConfig.Builder network() {
    return DhcpNetworkConfig.builder("blue", "10.0.0.0/24")
        .gateway("10.0.0.1")
        .range("10.0.0.10", "10.0.0.200")
        .dnsServers("10.0.0.53", "1.1.1.1")
        .domain("blue.example");
  }

  Optional<DhcpMessage> send(DhcpMessage request) {
    CompletableFuture<Optional<DhcpMessage>> reply = server.handle(request, "port-1");
    assertThat(reply).isDone();
    return reply.join();
  }

  DhcpMessage expect(DhcpMessage request, DhcpMessageType type) {
    Optional<DhcpMessage> reply = send(request);
    assertThat(reply).as("reply to " + request).isPresent();
    assertThat(reply.get().messageType()).as("reply to " + request).contains(type);
    return reply.get();
  }

  void expectSilence(DhcpMessage request) {
    assertThat(send(request)).as("reply to " + request).isEmpty();
  }

  /** DISCOVER, OFFER, REQUEST, ACK; returns the bound address. */
  Ipv4Address lease(TestClient client) {
    DhcpMessage offer = expect(client.discover(), DhcpMessageType.OFFER);
    DhcpMessage ack = expect(client.select(offer.yiaddr(), config.serverId()), DhcpMessageType.ACK);
    assertThat(ack.yiaddr()).isEqualTo(offer.yiaddr());
    return ack.yiaddr();
  }
}

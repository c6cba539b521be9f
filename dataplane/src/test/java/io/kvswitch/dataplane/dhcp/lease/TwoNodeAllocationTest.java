package io.kvswitch.dataplane.dhcp.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.dhcp.FakeClock;
import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.server.DhcpServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes serve one network from one shared store, on real threads, with more clients than
 * addresses so that they run out of their own blocks and compete for the rest. However the threads
 * interleave, no address may ever be acknowledged to two clients.
 */
class TwoNodeAllocationTest {

  private static final int THREADS_PER_NODE = 4;
  private static final int CLIENTS_PER_THREAD = 40;
  private static final int ATTEMPTS_PER_CLIENT = 4;

  private final FakeClock clock = new FakeClock();
  private final InMemoryLeaseStore store = new InMemoryLeaseStore();
  private final InMemoryBlockLedger ledger = new InMemoryBlockLedger();
  private final DhcpNetworkConfig config =
      DhcpNetworkConfig.builder("blue", "10.0.0.0/24")
          .gateway("10.0.0.1")
          .range("10.0.0.10", "10.0.0.129")
          .exclude("10.0.0.50")
          .build();
  private final List<ExecutorService> executors = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (ExecutorService executor : executors) {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private DhcpServer node(String name) {
    ExecutorService writer = Executors.newSingleThreadExecutor();
    executors.add(writer);
    BlockAllocator blocks = new BlockAllocator(config.range(), 8, ledger, name);
    AddressPool pool = new AddressPool(config, store, blocks, clock, PoolStatusListener.NONE);
    return new DhcpServer(
        pool, store, new GroupCommitter(store, writer, 32), clock, RateLimits.UNLIMITED, name);
  }

  @Test
  void concurrentAllocationFromTwoNodesNeverYieldsADuplicateAddress() throws Exception {
    DhcpServer nodeA = node("node-a");
    DhcpServer nodeB = node("node-b");
    Map<Ipv4Address, String> ackedTo = new ConcurrentHashMap<>();
    List<String> duplicates = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService clients = Executors.newFixedThreadPool(2 * THREADS_PER_NODE);
    executors.add(clients);
    // Every thread starts its next client together with all the others, so the two nodes race
    // for the pool round by round instead of one node's threads draining it before the other's
    // are scheduled (which a busy machine does).
    CyclicBarrier round = new CyclicBarrier(2 * THREADS_PER_NODE);
    List<Future<?>> runs = new ArrayList<>();
    for (int t = 0; t < 2 * THREADS_PER_NODE; t++) {
      DhcpServer server = t % 2 == 0 ? nodeA : nodeB;
      int thread = t;
      runs.add(
          clients.submit(
              () -> {
                for (int c = 0; c < CLIENTS_PER_THREAD; c++) {
                  round.await(60, TimeUnit.SECONDS);
                  String mac = String.format("02:00:00:00:%02x:%02x", thread, c);
                  TestClient client = new TestClient(mac);
                  for (int attempt = 0; attempt < ATTEMPTS_PER_CLIENT; attempt++) {
                    Optional<Ipv4Address> bound = exchange(server, client);
                    if (bound.isPresent()) {
                      String previous = ackedTo.putIfAbsent(bound.get(), mac);
                      if (previous != null && !previous.equals(mac)) {
                        duplicates.add(bound.get() + " acked to " + previous + " and " + mac);
                      }
                      break;
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> run : runs) {
      run.get(60, TimeUnit.SECONDS);
    }

    assertThat(duplicates).isEmpty();
    Map<Ipv4Address, String> boundInStore = new HashMap<>();
    for (Versioned<Lease> record : store.all()) {
      if (record.value().state() == LeaseState.BOUND) {
        boundInStore.put(record.value().address(), record.value().mac().toString());
      }
    }
    assertThat(boundInStore).isEqualTo(ackedTo);
    assertThat(ackedTo.keySet()).allMatch(config::isDynamic);
    assertThat(ackedTo).hasSizeLessThanOrEqualTo(119);
    assertThat(ackedTo.values())
        .as("both nodes handed out addresses")
        .anyMatch(TwoNodeAllocationTest::servedByNodeA)
        .anyMatch(mac -> !servedByNodeA(mac));
    assertThat(ledger.read().value().values()).contains("node-a", "node-b");
  }

  /** Even-numbered client threads ask node A, odd ones node B; the thread is the MAC's 5th byte. */
  private static boolean servedByNodeA(String mac) {
    return Integer.parseInt(mac.substring(12, 14), 16) % 2 == 0;
  }

  @Test
  void aClientKeepsItsAddressWhenItMovesToTheOtherNodeAndAfterARestart() {
    DhcpServer nodeA = node("node-a");
    DhcpServer nodeB = node("node-b");
    TestClient vm = new TestClient("02:00:00:00:aa:01");
    Ipv4Address onA = exchange(nodeA, vm).orElseThrow();
    for (int i = 0; i < 20; i++) {
      exchange(nodeB, new TestClient(String.format("02:00:00:00:bb:%02x", i))).orElseThrow();
    }

    // Live migration: the VM reboots its DHCP client on node B (INIT-REBOOT), or starts over.
    Optional<DhcpMessage> reboot = nodeB.handle(vm.reboot(onA), "port").join();
    Optional<DhcpMessage> discover = nodeB.handle(vm.discover(), "port").join();
    // Agent restart: a fresh server on node A over the same store and ledger.
    Optional<DhcpMessage> afterRestart = node("node-a").handle(vm.discover(), "port").join();

    assertThat(reboot.orElseThrow().messageType()).contains(DhcpMessageType.ACK);
    assertThat(reboot.orElseThrow().yiaddr()).isEqualTo(onA);
    assertThat(store.byAddress(onA).orElseThrow().value().node()).isEqualTo("node-b");
    assertThat(discover.orElseThrow().yiaddr()).isEqualTo(onA);
    assertThat(afterRestart.orElseThrow().yiaddr()).isEqualTo(onA);
  }

  private Optional<Ipv4Address> exchange(DhcpServer server, TestClient client) {
    Optional<DhcpMessage> offer = server.handle(client.discover(), "port").join();
    if (offer.isEmpty()) {
      return Optional.empty();
    }
    Optional<DhcpMessage> ack =
        server
            .handle(client.select(offer.get().yiaddr(), server.config().serverId()), "port")
            .join();
    return ack.filter(m -> m.messageType().orElseThrow() == DhcpMessageType.ACK)
        .map(DhcpMessage::yiaddr);
  }
}

package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kvswitch.api.v1alpha1.AddressBlock;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.api.v1alpha1.WorkloadReference;
import io.kvswitch.dataplane.dhcp.FakeClock;
import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.LeaseConflictException;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreUnavailableException;
import io.kvswitch.dataplane.dhcp.lease.LeaseWrite;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.lease.WriteOutcome;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.testing.ProjectCrds;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lease store and block ledger against an API server (fabric8's mock server in CRUD mode, with
 * the committed CRDs registered), each simulated node with its own client, cache and DHCP server.
 */
@EnableKubernetesMockClient(crud = true)
class ApiNodesTest {

  KubernetesClient client;

  private final FakeClock clock = new FakeClock();
  private final DhcpNetworkConfig config =
      DhcpNetworkConfig.builder("blue", "10.0.0.0/24")
          .gateway("10.0.0.1")
          .range("10.0.0.10", "10.0.0.129")
          .exclude("10.0.0.50")
          .build();
  private final List<ApiNode> nodes = new ArrayList<>();
  private final List<ExecutorService> executors = new ArrayList<>();

  @BeforeEach
  void registerCrds() throws IOException {
    ProjectCrds.register(client);
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ExecutorService executor : executors) {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    for (ApiNode node : nodes) {
      node.close();
    }
  }

  private ApiNode node(String name) {
    return node(name, OwnerResolver.NONE);
  }

  private ApiNode node(String name, OwnerResolver owners) {
    ApiNode node = new ApiNode(name, client.getConfiguration(), config, clock, owners);
    nodes.add(node);
    return node;
  }

  /** Every lease record of the network as the API server holds it now (not a cache). */
  private Map<String, DhcpLeaseRecord> leasesInApi() {
    return RecordsInApi.all(client, ApiNode.NAMESPACE, "blue");
  }

  private DhcpLeaseRecord leaseInApi(Ipv4Address address) {
    return leasesInApi().get(address.toString());
  }

  @Test
  void twoNodesAllocatingConcurrentlyThroughTheApiNeverShareAnAddress() throws Exception {
    ApiNode nodeA = node("node-a");
    ApiNode nodeB = node("node-b");
    Map<Ipv4Address, String> ackedTo = new ConcurrentHashMap<>();
    List<String> duplicates = Collections.synchronizedList(new ArrayList<>());
    ExecutorService clients = Executors.newFixedThreadPool(8);
    executors.add(clients);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> runs = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      ApiNode node = t % 2 == 0 ? nodeA : nodeB;
      int thread = t;
      runs.add(
          clients.submit(
              () -> {
                start.await();
                // 8 x 20 clients for 119 addresses: the nodes fill their blocks, then compete.
                for (int c = 0; c < 20; c++) {
                  String mac = String.format("02:00:00:00:%02x:%02x", thread, c);
                  TestClient dhcpClient = new TestClient(mac);
                  for (int attempt = 0; attempt < 4; attempt++) {
                    Optional<Ipv4Address> bound = node.lease(dhcpClient);
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
    start.countDown();
    for (Future<?> run : runs) {
      run.get(120, TimeUnit.SECONDS);
    }

    assertThat(duplicates).isEmpty();
    Map<Ipv4Address, String> boundInApi = new HashMap<>();
    leasesInApi()
        .forEach(
            (ip, lease) -> {
              if (lease.getState() == DhcpLeaseState.Bound) {
                boundInApi.put(Ipv4Address.parse(ip), lease.getMac());
              }
            });
    assertThat(boundInApi).isEqualTo(ackedTo);
    assertThat(ackedTo.keySet()).allMatch(config::isDynamic);
    assertThat(ackedTo.values())
        .as("both nodes handed out addresses")
        .anyMatch(mac -> mac.startsWith("02:00:00:00:00"))
        .anyMatch(mac -> mac.startsWith("02:00:00:00:01"));
    List<AddressBlock> blocks =
        client.resources(AddressBlock.class).inNamespace(ApiNode.NAMESPACE).list().getItems();
    assertThat(blocks)
        .extracting(b -> b.getSpec().getIndex())
        .as("each of the 15 blocks has exactly one object")
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 15).boxed().toList());
    assertThat(blocks)
        .extracting(b -> b.getSpec().getNode())
        .contains("node-a", "node-b")
        .containsOnly("node-a", "node-b");
  }

  @Test
  void leaseRecordHoldsMacOwnerNodeAndExpiry() {
    MacAddress vmMac = MacAddress.parse("02:00:00:00:aa:01");
    ApiNode nodeA =
        node(
            "node-a",
            mac ->
                mac.equals(vmMac)
                    ? Optional.of(new WorkloadReference("VirtualMachineInstance", "db-0"))
                    : Optional.empty());

    Ipv4Address address = nodeA.lease(new TestClient(vmMac.toString())).orElseThrow();

    DhcpLeaseRecord stored = leaseInApi(address);
    assertThat(stored.getMac()).isEqualTo("02:00:00:00:aa:01");
    assertThat(stored.getOwner().getKind()).isEqualTo("VirtualMachineInstance");
    assertThat(stored.getOwner().getName()).isEqualTo("db-0");
    assertThat(stored.getNode()).isEqualTo("node-a");
    assertThat(stored.getState()).isEqualTo(DhcpLeaseState.Bound);
    assertThat(stored.getExpiresAt())
        .isEqualTo(clock.instant().plus(Duration.ofHours(1)).toString());
    assertThat(stored.getClientId()).isEqualTo("hw-1-02000000aa01");
  }

  @Test
  void whileTheApiIsUnreachableKnownLeasesRenewAndNewClientsGetNothing() {
    ApiNode nodeA = node("node-a");
    TestClient known = new TestClient("02:00:00:00:aa:01");
    Ipv4Address knownAddress = nodeA.lease(known).orElseThrow();
    TestClient newcomer = new TestClient("02:00:00:00:aa:02");

    nodeA.apiReachable(false);
    clock.advance(Duration.ofMinutes(30));
    Optional<DhcpMessage> renewal = nodeA.server.handle(known.renew(knownAddress), "port").join();
    Optional<Ipv4Address> newLease = nodeA.lease(newcomer);

    assertThat(renewal.orElseThrow().yiaddr()).isEqualTo(knownAddress);
    assertThat(renewal.orElseThrow().options().leaseTime())
        .as("the time the durable lease has left")
        .hasValue(30 * 60L);
    assertThat(nodeA.server.counters().acksFromDurableLease()).isEqualTo(1);
    assertThat(newLease).isEmpty();
    assertThat(leasesInApi()).hasSize(1);

    nodeA.apiReachable(true);
    Ipv4Address afterOutage = nodeA.lease(newcomer).orElseThrow();
    Optional<Ipv4Address> renewedAfterOutage = nodeA.ack(known.renew(knownAddress));

    assertThat(leaseInApi(afterOutage).getMac()).isEqualTo("02:00:00:00:aa:02");
    assertThat(renewedAfterOutage).contains(knownAddress);
    assertThat(leaseInApi(knownAddress).getExpiresAt())
        .isEqualTo(clock.instant().plus(Duration.ofHours(1)).toString());
  }

  @Test
  void aWriteAtAStaleResourceVersionConflictsAndReportsWhatTheApiHolds() {
    ApiNode nodeA = node("node-a");
    ApiNode nodeB = node("node-b");
    Ipv4Address address = Ipv4Address.parse("10.0.0.10");
    Versioned<Lease> created =
        committed(nodeA.store.write(List.of(new LeaseWrite(lease(address, "01", "node-a"), 0))));
    clock.advance(Duration.ofMinutes(30));
    Versioned<Lease> renewed =
        committed(
            nodeA.store.write(
                List.of(new LeaseWrite(lease(address, "01", "node-a"), created.version()))));

    // Node B writes at the version it read before node A's renewal.
    List<WriteOutcome> stale =
        nodeB.store.write(
            List.of(
                new LeaseWrite(lease(address, "02", "node-b"), created.version()),
                new LeaseWrite(lease(Ipv4Address.parse("10.0.0.11"), "02", "node-b"), 0)));

    assertThat(stale.get(0))
        .isEqualTo(new WriteOutcome.Conflict(Optional.of(renewed)))
        .as("the other write of the batch stands on its own");
    assertThat(stale.get(1)).isInstanceOf(WriteOutcome.Committed.class);
    assertThat(leaseInApi(address).getMac()).isEqualTo("02:00:00:00:00:01");
    assertThat(nodeA.store.write(List.of(new LeaseWrite(lease(address, "03", "node-a"), 0))))
        .as("creating a record that exists conflicts too")
        .containsExactly(new WriteOutcome.Conflict(Optional.of(renewed)));
  }

  private Lease lease(Ipv4Address address, String macByte, String node) {
    return new Lease(
        address,
        new ClientKey("hw-1-0200000000" + macByte),
        MacAddress.parse("02:00:00:00:00:" + macByte),
        "",
        node,
        clock.instant().plus(Duration.ofHours(1)),
        LeaseState.BOUND);
  }

  private static Versioned<Lease> committed(List<WriteOutcome> outcomes) {
    assertThat(outcomes).singleElement().isInstanceOf(WriteOutcome.Committed.class);
    return ((WriteOutcome.Committed) outcomes.getFirst()).lease();
  }

  @Test
  void aWriteWithoutAnAnswerInABatchThatGotAnswersIsAConflictNeverACommit() {
    ApiNode nodeA = node("node-a");
    Ipv4Address reached = Ipv4Address.parse("10.0.0.10");
    // Another block (aligned, 8 addresses each), whose requests get no answer.
    Ipv4Address lost = Ipv4Address.parse("10.0.0.18");
    nodeA.unreachableFor(DhcpLeaseBlock.nameOf("blue", "10.0.0.16", 29));

    List<WriteOutcome> outcomes =
        nodeA.store.write(
            List.of(
                new LeaseWrite(lease(reached, "01", "node-a"), LeaseWrite.CREATE),
                new LeaseWrite(lease(lost, "02", "node-a"), LeaseWrite.CREATE)));

    assertThat(outcomes.get(0)).isInstanceOf(WriteOutcome.Committed.class);
    assertThat(outcomes.get(1)).isEqualTo(new WriteOutcome.Conflict(Optional.empty()));
    assertThat(leasesInApi()).containsOnlyKeys(reached.toString());
  }

  @Test
  void aBatchThatCannotReachTheApiThrowsAndWritesNothing() {
    ApiNode nodeA = node("node-a");
    nodeA.apiReachable(false);

    assertThatThrownBy(
            () ->
                nodeA.store.write(
                    List.of(
                        new LeaseWrite(
                            lease(Ipv4Address.parse("10.0.0.10"), "01", "node-a"),
                            LeaseWrite.CREATE))))
        .isInstanceOf(LeaseStoreUnavailableException.class);
    assertThat(leasesInApi()).isEmpty();
  }

  @Test
  void aStoreAndLedgerJustOpenedAlreadyHoldEveryRecordTheApiServerHas() {
    ApiNode writer = node("node-a");
    for (int i = 0; i < 60; i++) {
      writer.lease(new TestClient(String.format("02:00:00:00:cc:%02x", i))).orElseThrow();
    }
    int blocks = writer.ledger.read().value().size();
    assertThat(blocks).isGreaterThan(1);

    // Each open is read at once, before the informer's events could reach the cache on their own
    // thread: what the store answers first must already be complete.
    for (int open = 0; open < 5; open++) {
      try (KubernetesBlockRecordStore store =
              KubernetesBlockRecordStore.open(
                  client,
                  ApiNode.NAMESPACE,
                  config.network(),
                  ApiNode.BLOCK_SIZE,
                  NetworkOwner.NONE,
                  OwnerResolver.NONE);
          KubernetesBlockLedger ledger =
              KubernetesBlockLedger.open(
                  client,
                  ApiNode.NAMESPACE,
                  config.network(),
                  config.range(),
                  ApiNode.BLOCK_SIZE)) {
        assertThat(store.all()).hasSize(60);
        assertThat(ledger.read().value()).hasSize(blocks);
      }
    }
  }

  @Test
  void aClientKeepsItsAddressOnAnotherNodeAndAfterEveryAgentRestarts() {
    ApiNode nodeA = node("node-a");
    TestClient vm = new TestClient("02:00:00:00:aa:01");
    Ipv4Address onA = nodeA.lease(vm).orElseThrow();
    ApiNode nodeB = node("node-b");
    for (int i = 0; i < 10; i++) {
      nodeB.lease(new TestClient(String.format("02:00:00:00:bb:%02x", i))).orElseThrow();
    }

    // Live migration: the VM's DHCP client reboots on node B.
    Optional<Ipv4Address> migrated = nodeB.ack(vm.reboot(onA));
    assertThat(migrated).contains(onA);
    assertThat(leaseInApi(onA).getNode()).isEqualTo("node-b");

    // Both agents restart: everything they knew is gone but what the API server holds.
    nodeA.close();
    nodeB.close();
    nodes.clear();
    ApiNode restartedA = node("node-a");
    ApiNode restartedB = node("node-b");

    Optional<DhcpMessage> offerOnA = restartedA.server.handle(vm.discover(), "port").join();
    assertThat(offerOnA.orElseThrow().yiaddr()).isEqualTo(onA);
    assertThat(restartedB.ack(vm.reboot(onA))).contains(onA);
    assertThat(restartedA.ledger.read().value())
        .as("the restarted node still owns its blocks")
        .containsValue("node-a")
        .containsValue("node-b");
    assertThat(restartedA.store.all()).hasSize(11);
  }

  @Test
  void aDeclinedAddressStaysQuarantinedOnEveryNodeAndAfterRestart() {
    ApiNode nodeA = node("node-a");
    TestClient victim = new TestClient("02:00:00:00:aa:01");
    Ipv4Address declined = nodeA.lease(victim).orElseThrow();

    nodeA.server.handle(victim.decline(declined, config.serverId()), "port").join();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> leaseInApi(declined).getState() == DhcpLeaseState.Declined);
    ApiNode nodeB = node("node-b");
    TestClient other = new TestClient("02:00:00:00:aa:02");
    Optional<DhcpMessage> offer =
        nodeB.server.handle(other.discoverRequesting(declined.toString()), "port").join();

    assertThat(leaseInApi(declined).getExpiresAt())
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(10)).toString());
    assertThat(offer.orElseThrow().yiaddr()).isNotEqualTo(declined);
    assertThat(
            nodeB.store.byAddress(declined).orElseThrow().value().isQuarantinedAt(clock.instant()))
        .isTrue();
  }

  @Test
  void expiredLeasesAreReclaimedAndTheirClientGetsTheAddressBack() {
    ApiNode nodeA = node("node-a");
    TestClient gone = new TestClient("02:00:00:00:aa:01");
    TestClient staying = new TestClient("02:00:00:00:aa:02");
    Ipv4Address goneAddress = nodeA.lease(gone).orElseThrow();
    clock.advance(Duration.ofMinutes(40));
    Ipv4Address stayingAddress = nodeA.lease(staying).orElseThrow();
    clock.advance(Duration.ofMinutes(30));

    int reclaimed = nodeA.store.reclaimExpired(clock.instant());

    assertThat(reclaimed).isEqualTo(1);
    assertThat(leaseInApi(goneAddress).getState()).isEqualTo(DhcpLeaseState.Released);
    assertThat(leaseInApi(stayingAddress).getState()).isEqualTo(DhcpLeaseState.Bound);
    assertThat(nodeA.lease(gone)).contains(goneAddress);
    assertThat(nodeA.store.reclaimExpired(clock.instant())).isZero();
  }

  @Test
  void aBlockHasOneOwnerAndAReleasedBlockCanBeClaimedAgain() throws Exception {
    ApiNode nodeA = node("node-a");
    ApiNode nodeB = node("node-b");
    Versioned<Map<Integer, String>> seenByA = nodeA.ledger.read();
    Versioned<Map<Integer, String>> seenByB = nodeB.ledger.read();

    nodeA.ledger.claim(3, "node-a", seenByA.version());
    assertThatThrownBy(() -> nodeB.ledger.claim(3, "node-b", seenByB.version()))
        .isInstanceOf(LeaseConflictException.class);
    assertThat(nodeB.ledger.read().value()).containsEntry(3, "node-a");

    assertThat(nodeB.ledger.releaseBlocksOf("node-a")).isEqualTo(1);
    nodeB.ledger.claim(3, "node-b", nodeB.ledger.read().version());

    AddressBlock block =
        client
            .resources(AddressBlock.class)
            .inNamespace(ApiNode.NAMESPACE)
            .withName(AddressBlock.nameOf("blue", 3))
            .get();
    assertThat(block.getSpec().getNode()).isEqualTo("node-b");
    assertThat(block.getSpec().getRange()).isEqualTo("10.0.0.34-10.0.0.41");
    assertThat(block.getMetadata().getLabels()).containsEntry(DhcpLabels.NODE, "node-b");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "node-b".equals(nodeA.ledger.read().value().get(3)));
  }
}

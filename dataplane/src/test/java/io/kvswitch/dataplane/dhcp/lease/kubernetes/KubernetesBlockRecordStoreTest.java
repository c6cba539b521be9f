package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreUnavailableException;
import io.kvswitch.dataplane.dhcp.lease.LeaseWrite;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.lease.WriteOutcome;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.testing.ProjectCrds;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-block lease store against fabric8's mock API server in CRUD mode, with the committed CRD
 * registered; each simulated node is a store with its own cache.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesBlockRecordStoreTest {

  private static final String NAMESPACE = "tenants";
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  // The network's range is 10.0.0.10-10.0.0.41; the records are kept in aligned blocks of 8:
  // 10.0.0.8-15, 10.0.0.16-23, 10.0.0.24-31, 10.0.0.32-39, 10.0.0.40-47.

  private static final int BLOCK_SIZE = 8;

  KubernetesClient client;
  KubernetesMockServer server;

  private final List<KubernetesBlockRecordStore> stores = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  @BeforeEach
  void registerCrd() throws IOException {
    ProjectCrds.register(client);
  }

  @AfterEach
  void closeStores() {
    stores.forEach(KubernetesBlockRecordStore::close);
    clients.forEach(KubernetesClient::close);
  }

  /**
   * What goes wrong between a node and the API server: everything unreachable, one path
   * unreachable, or the answer to the next block update lost after the API server applied it.
   */
  private final class FlakyApi implements Interceptor {
    volatile boolean down;
    volatile String unreachablePath;
    volatile boolean loseNextUpdateAnswer;

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      URI uri = request.uri();
      String blocked = unreachablePath;
      boolean lose =
          loseNextUpdateAnswer
              && request.method().equals("PUT")
              && uri.getRawPath().contains("/dhcpleaseblocks/");
      if (lose) {
        loseNextUpdateAnswer = false;
        // The API server gets the update and applies it; the node never hears back.
        DhcpLeaseBlock sent =
            client
                .getKubernetesSerialization()
                .unmarshal(request.bodyString(), DhcpLeaseBlock.class);
        client.resource(sent).update();
      }
      if (lose || down || (blocked != null && uri.getRawPath().contains(blocked))) {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        builder.uri(URI.create("http://127.0.0.1:1" + uri.getRawPath()));
      }
    }
  }

  /** A stale node whose requests go through {@code api}. */
  private KubernetesBlockRecordStore nodeBehind(FlakyApi api) {
    KubernetesClient flaky = ClientBehind.interceptor(client.getConfiguration(), api);
    clients.add(flaky);
    KubernetesBlockRecordStore store =
        KubernetesBlockRecordStore.openWithoutWatch(
            flaky, NAMESPACE, "blue", BLOCK_SIZE, OwnerResolver.NONE);
    stores.add(store);
    return store;
  }

  private KubernetesBlockRecordStore node() {
    KubernetesBlockRecordStore store =
        KubernetesBlockRecordStore.open(
            client, NAMESPACE, "blue", BLOCK_SIZE, NetworkOwner.NONE, OwnerResolver.NONE);
    stores.add(store);
    return store;
  }

  /** A node whose view changes only by its own requests, so that it writes against stale blocks. */
  private KubernetesBlockRecordStore staleNode() {
    KubernetesBlockRecordStore store =
        KubernetesBlockRecordStore.openWithoutWatch(
            client, NAMESPACE, "blue", BLOCK_SIZE, OwnerResolver.NONE);
    stores.add(store);
    return store;
  }

  private static Ipv4Address ip(int lastOctet) {
    return Ipv4Address.parse("10.0.0." + lastOctet);
  }

  private static Lease lease(int lastOctet, int client, String node) {
    return new Lease(
        ip(lastOctet),
        new ClientKey("hw-1-02000000" + String.format("%04x", client)),
        MacAddress.parse(String.format("02:00:00:00:%02x:%02x", client >> 8, client & 0xff)),
        "",
        node,
        NOW.plus(Duration.ofHours(1)),
        LeaseState.BOUND);
  }

  private static LeaseWrite create(int lastOctet, int client, String node) {
    return new LeaseWrite(lease(lastOctet, client, node), LeaseWrite.CREATE);
  }

  private List<DhcpLeaseBlock> blocksInApi() {
    return client
        .resources(DhcpLeaseBlock.class)
        .inNamespace(NAMESPACE)
        .withLabel(DhcpLabels.NETWORK, "blue")
        .list()
        .getItems();
  }

  private DhcpLeaseBlock blockInApi(String name) {
    return client.resources(DhcpLeaseBlock.class).inNamespace(NAMESPACE).withName(name).get();
  }

  /**
   * The requests the mock server received since the last call: method and path, watches left out.
   */
  private List<String> requestsSinceLastLook() throws InterruptedException {
    List<String> seen = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
      if (!request.getPath().contains("watch=true")) {
        seen.add(request.getMethod() + " " + request.getPath());
      }
    }
    return seen;
  }

  private static List<Versioned<Lease>> committed(List<WriteOutcome> outcomes) {
    return outcomes.stream()
        .map(o -> assertThat(o).isInstanceOf(WriteOutcome.Committed.class).actual())
        .map(o -> ((WriteOutcome.Committed) o).lease())
        .toList();
  }

  @Test
  void aBatchCostsOneConditionalWritePerBlockItTouches() throws InterruptedException {
    KubernetesBlockRecordStore store = node();
    requestsSinceLastLook();

    // First leases of two blocks: each block's object is created empty once, then written once.
    List<Versioned<Lease>> first =
        committed(
            store.write(
                List.of(
                    create(10, 1, "node-a"),
                    create(18, 2, "node-a"),
                    create(11, 3, "node-a"),
                    create(19, 4, "node-a"))));
    assertThat(requestsSinceLastLook())
        .extracting(r -> r.substring(0, r.indexOf(' ')))
        .containsExactlyInAnyOrder("POST", "POST", "PUT", "PUT");

    // Twelve leases in the same two blocks, four of them renewals: two requests.
    List<LeaseWrite> batch = new ArrayList<>();
    for (int octet : List.of(12, 13, 14, 15, 20, 21, 22, 23)) {
      batch.add(create(octet, 100 + octet, "node-a"));
    }
    for (Versioned<Lease> record : first) {
      Lease renewed = record.value().withState(LeaseState.BOUND, NOW.plus(Duration.ofHours(2)));
      batch.add(new LeaseWrite(renewed, record.version()));
    }
    List<Versioned<Lease>> second = committed(store.write(batch));
    assertThat(requestsSinceLastLook())
        .containsExactlyInAnyOrder(
            "PUT /apis/kvswitch.io/v1alpha1/namespaces/tenants/dhcpleaseblocks/blue.10.0.0.8-29",
            "PUT /apis/kvswitch.io/v1alpha1/namespaces/tenants/dhcpleaseblocks/blue.10.0.0.16-29");
    assertThat(store.requestsSent()).isEqualTo(6);

    assertThat(blocksInApi()).hasSize(2);
    DhcpLeaseBlock block0 = blockInApi("blue.10.0.0.8-29");
    assertThat(block0.getSpec().getRecords().keySet())
        .containsExactlyInAnyOrder(
            "10.0.0.10", "10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.14", "10.0.0.15");
    assertThat(block0.getSpec().getBound()).isEqualTo(6);
    assertThat(block0.getSpec().getRange()).isEqualTo("10.0.0.8-10.0.0.15");
    assertThat(block0.getSpec().getRecords().get("10.0.0.10").getExpiresAt())
        .isEqualTo("2026-01-01T02:00:00Z");
    // Each record's version is the block version its write was made against, and the store's own
    // reads see every write at once.
    for (Versioned<Lease> record : second) {
      assertThat(store.byAddress(record.value().address())).contains(record);
    }
  }

  @Test
  void twoNodesNeverCommitTheSameAddress() throws Exception {
    KubernetesBlockRecordStore a = node();
    KubernetesBlockRecordStore b = node();
    Map<Ipv4Address, String> committedBy = new ConcurrentHashMap<>();
    Map<Ipv4Address, Integer> committedClient = new ConcurrentHashMap<>();
    List<String> doubleCommits = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (KubernetesBlockRecordStore store : List.of(a, b)) {
        String node = store == a ? "node-a" : "node-b";
        int clientBase = store == a ? 1000 : 2000;
        // The nodes walk the range from opposite ends, in batches of 4, so they meet in the middle
        // and race for the same addresses in the same blocks.
        List<Integer> order = new ArrayList<>(IntStream.rangeClosed(10, 41).boxed().toList());
        if (store == b) {
          order = order.reversed();
        }
        List<Integer> walk = order;
        runs.add(
            threads.submit(
                () -> {
                  for (int start = 0; start < walk.size(); start += 4) {
                    List<LeaseWrite> batch = new ArrayList<>();
                    for (int octet : walk.subList(start, start + 4)) {
                      if (store.byAddress(ip(octet)).isEmpty()) {
                        batch.add(create(octet, clientBase + octet, node));
                      }
                    }
                    if (batch.isEmpty()) {
                      continue;
                    }
                    List<WriteOutcome> outcomes = store.write(batch);
                    for (int i = 0; i < batch.size(); i++) {
                      if (outcomes.get(i) instanceof WriteOutcome.Committed c) {
                        Ipv4Address address = c.lease().value().address();
                        if (committedBy.putIfAbsent(address, node) != null) {
                          synchronized (doubleCommits) {
                            doubleCommits.add(address + " by " + node);
                          }
                        }
                        committedClient.put(address, clientBase + octetOf(address));
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(doubleCommits).isEmpty();
    // Whatever is left after the race (an address both tried, lost by both to retries) is taken
    // now.
    for (int octet = 10; octet <= 41; octet++) {
      if (!committedBy.containsKey(ip(octet))) {
        Optional<Versioned<Lease>> seen = a.byAddress(ip(octet));
        assertThat(seen).as("10.0.0.%d has a record but no node committed it", octet).isEmpty();
      }
    }
    // The API server holds exactly what the nodes were told they committed.
    Map<Ipv4Address, String> inApi = new HashMap<>();
    for (DhcpLeaseBlock block : blocksInApi()) {
      for (Map.Entry<String, DhcpLeaseRecord> record : block.getSpec().getRecords().entrySet()) {
        inApi.put(Ipv4Address.parse(record.getKey()), record.getValue().getNode());
      }
    }
    assertThat(inApi).isEqualTo(Map.copyOf(committedBy));
    assertThat(committedBy.values()).contains("node-a", "node-b");
    for (Map.Entry<Ipv4Address, Integer> entry : committedClient.entrySet()) {
      await()
          .untilAsserted(
              () ->
                  assertThat(a.byAddress(entry.getKey()))
                      .map(v -> v.value().client())
                      .contains(lease(octetOf(entry.getKey()), entry.getValue(), "x").client()));
    }
  }

  private static int octetOf(Ipv4Address address) {
    return (int) (address.unsigned() & 0xff);
  }

  @Test
  void aChangedBlockIsReadAgainAndOnlyAChangedAddressConflicts() {
    KubernetesBlockRecordStore a = node();
    KubernetesBlockRecordStore b = staleNode();

    Versioned<Lease> bFirst = committed(b.write(List.of(create(10, 1, "node-b")))).getFirst();
    await().untilAsserted(() -> assertThat(a.byAddress(ip(10))).contains(bFirst));
    // node-a writes the same block twice; node-b does not see it.
    committed(a.write(List.of(create(11, 2, "node-a"))));
    Versioned<Lease> aTwelve = committed(a.write(List.of(create(12, 3, "node-a")))).getFirst();
    assertThat(b.byAddress(ip(12))).isEmpty();

    // node-b, stale: renews its own lease, takes 10.0.0.13, and tries 10.0.0.12 which node-a has.
    Lease renewed = bFirst.value().withState(LeaseState.BOUND, NOW.plus(Duration.ofHours(3)));
    List<WriteOutcome> outcomes =
        b.write(
            List.of(
                new LeaseWrite(renewed, bFirst.version()),
                create(12, 4, "node-b"),
                create(13, 5, "node-b")));

    assertThat(b.blockConflicts()).isEqualTo(1);
    assertThat(outcomes.get(0)).isInstanceOf(WriteOutcome.Committed.class);
    assertThat(outcomes.get(1)).isEqualTo(new WriteOutcome.Conflict(Optional.of(aTwelve)));
    assertThat(outcomes.get(2)).isInstanceOf(WriteOutcome.Committed.class);
    Map<String, DhcpLeaseRecord> records = blockInApi("blue.10.0.0.8-29").getSpec().getRecords();
    assertThat(records.get("10.0.0.10").getExpiresAt()).isEqualTo("2026-01-01T03:00:00Z");
    assertThat(records.get("10.0.0.11").getNode()).isEqualTo("node-a");
    assertThat(records.get("10.0.0.12").getClientId()).isEqualTo(aTwelve.value().client().value());
    assertThat(records.get("10.0.0.13").getNode()).isEqualTo("node-b");
  }

  @Test
  void aWriteNamingAnOldVersionConflictsWithoutARequest() throws InterruptedException {
    KubernetesBlockRecordStore a = node();
    Versioned<Lease> first = committed(a.write(List.of(create(10, 1, "node-a")))).getFirst();
    Versioned<Lease> second =
        committed(
                a.write(
                    List.of(
                        new LeaseWrite(
                            first.value().withState(LeaseState.RELEASED, NOW), first.version()))))
            .getFirst();
    requestsSinceLastLook();

    List<WriteOutcome> outcomes =
        a.write(
            List.of(
                new LeaseWrite(
                    first.value().withState(LeaseState.BOUND, NOW.plus(Duration.ofHours(1))),
                    first.version())));

    assertThat(outcomes).containsExactly(new WriteOutcome.Conflict(Optional.of(second)));
    assertThat(requestsSinceLastLook()).isEmpty();
  }

  @Test
  void aRestartedNodeFindsItsLeasesInTheBlocks() {
    KubernetesBlockRecordStore before = node();
    List<Versioned<Lease>> written =
        committed(
            before.write(
                List.of(
                    create(10, 1, "node-a"), create(27, 2, "node-a"), create(41, 3, "node-a"))));
    before.close();
    stores.remove(before);

    KubernetesBlockRecordStore after = node();

    for (Versioned<Lease> record : written) {
      assertThat(after.byAddress(record.value().address())).contains(record);
      assertThat(after.byClient(record.value().client())).contains(record);
      assertThat(after.byMac(record.value().mac())).containsExactly(record);
    }
    assertThat(blocksInApi())
        .extracting(b -> b.getMetadata().getName())
        .containsExactlyInAnyOrder("blue.10.0.0.8-29", "blue.10.0.0.24-29", "blue.10.0.0.40-29");
  }

  @Test
  void expiredLeasesAreReleasedWithOneWritePerBlock() throws InterruptedException {
    KubernetesBlockRecordStore a = node();
    committed(
        a.write(
            List.of(
                create(10, 1, "node-a"),
                create(11, 2, "node-a"),
                create(18, 3, "node-a"),
                new LeaseWrite(
                    lease(19, 4, "node-a")
                        .withState(LeaseState.BOUND, NOW.plus(Duration.ofDays(1))),
                    LeaseWrite.CREATE))));
    requestsSinceLastLook();

    assertThat(a.reclaimExpired(NOW.plus(Duration.ofHours(1)))).isEqualTo(3);

    assertThat(requestsSinceLastLook()).hasSize(2);
    assertThat(blockInApi("blue.10.0.0.8-29").getSpec().getBound()).isZero();
    assertThat(blockInApi("blue.10.0.0.16-29").getSpec().getRecords().get("10.0.0.18").getState())
        .isEqualTo(DhcpLeaseState.Released);
    assertThat(blockInApi("blue.10.0.0.16-29").getSpec().getBound()).isEqualTo(1);
    assertThat(a.byAddress(ip(10)).orElseThrow().value().state()).isEqualTo(LeaseState.RELEASED);
  }

  @Test
  void anAddressOutsideTheRangeIsKeptInItsAlignedBlockLikeAnyOther() {
    KubernetesBlockRecordStore a = node();

    committed(a.write(List.of(create(200, 1, "node-a"))));

    DhcpLeaseBlock block = blockInApi("blue.10.0.0.200-29");
    assertThat(block.getSpec().getRange()).isEqualTo("10.0.0.200-10.0.0.207");
    assertThat(block.getSpec().getRecords()).containsOnlyKeys("10.0.0.200");
  }

  @Test
  void aBlockSizeThatIsNotAPowerOfTwoIsRefused() {
    assertThatThrownBy(
            () ->
                KubernetesBlockRecordStore.open(
                    client, NAMESPACE, "blue", 24, NetworkOwner.NONE, OwnerResolver.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("block size must be a power of two from 1 to 256, was 24");
  }

  @Test
  void anUpdateAppliedWhoseAnswerWasLostIsFoundAndCommitted() {
    FlakyApi api = new FlakyApi();
    KubernetesBlockRecordStore a = nodeBehind(api);
    committed(a.write(List.of(create(10, 1, "node-a"))));
    long before = a.requestsSent();

    api.loseNextUpdateAnswer = true;
    List<WriteOutcome> outcomes = a.write(List.of(create(11, 2, "node-a")));

    Versioned<Lease> record = committed(outcomes).getFirst();
    assertThat(a.requestsSent() - before).as("the lost update and one read").isEqualTo(2);
    assertThat(a.byAddress(ip(11))).contains(record);
    assertThat(blockInApi("blue.10.0.0.8-29").getSpec().getRecords().get("10.0.0.11").getRevision())
        .isEqualTo(record.version());
  }

  @Test
  void aBlockThatCannotBeReachedFailsOnlyItsOwnWrites() {
    FlakyApi api = new FlakyApi();
    KubernetesBlockRecordStore a = nodeBehind(api);
    committed(a.write(List.of(create(10, 1, "node-a"), create(18, 2, "node-a"))));

    api.unreachablePath = "blue.10.0.0.16-29";
    List<WriteOutcome> outcomes =
        a.write(List.of(create(11, 3, "node-a"), create(19, 4, "node-a")));

    assertThat(outcomes.get(0)).isInstanceOf(WriteOutcome.Committed.class);
    // Not known to be durable: reported as a conflict against what the node last saw, never ACKed.
    assertThat(outcomes.get(1)).isEqualTo(new WriteOutcome.Conflict(Optional.empty()));
    assertThat(blockInApi("blue.10.0.0.16-29").getSpec().getRecords())
        .containsOnlyKeys("10.0.0.18");
  }

  @Test
  void anUnreachableApiServerFailsTheWholeBatch() {
    FlakyApi api = new FlakyApi();
    KubernetesBlockRecordStore a = nodeBehind(api);
    api.down = true;

    assertThatThrownBy(() -> a.write(List.of(create(10, 1, "node-a"), create(18, 2, "node-a"))))
        .isInstanceOf(LeaseStoreUnavailableException.class);

    assertThat(blocksInApi()).isEmpty();
  }

  @Test
  void aBlockThatIsGoneAgainAfterEveryCreateEndsItsWritesAsConflicts() {
    KubernetesBlockRecordStore node = staleNode();
    String blocks = "/apis/kvswitch.io/v1alpha1/namespaces/" + NAMESPACE + "/dhcpleaseblocks";
    // Every create finds the block there, every read finds it gone.
    server
        .expect()
        .post()
        .withPath(blocks)
        .andReturn(409, new StatusBuilder().withCode(409).withReason("AlreadyExists").build())
        .always();
    server
        .expect()
        .get()
        .withPath(blocks + "/blue.10.0.0.8-29")
        .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound").build())
        .always();

    List<WriteOutcome> outcomes = node.write(List.of(create(10, 1, "node-a")));

    assertThat(outcomes).containsExactly(new WriteOutcome.Conflict(Optional.empty()));
    assertThat(node.requestsSent())
        .as("the first create, then 2 x MAX_ATTEMPTS reads, each followed by a create")
        .isEqualTo(1 + 4L * KubernetesBlockRecordStore.MAX_ATTEMPTS);
  }

  @Test
  void aWriteTheApiServerRefusesForGoodConflictsAtOnceWithoutRetries() {
    KubernetesBlockRecordStore node = staleNode();
    server
        .expect()
        .put()
        .withPath(
            "/apis/kvswitch.io/v1alpha1/namespaces/"
                + NAMESPACE
                + "/dhcpleaseblocks/blue.10.0.0.8-29")
        .andReturn(422, new StatusBuilder().withCode(422).withReason("Invalid").build())
        .always();

    List<WriteOutcome> outcomes = node.write(List.of(create(10, 1, "node-a")));

    assertThat(outcomes).containsExactly(new WriteOutcome.Conflict(Optional.empty()));
    assertThat(node.requestsSent()).as("the create, then one refused update").isEqualTo(2);
  }
}

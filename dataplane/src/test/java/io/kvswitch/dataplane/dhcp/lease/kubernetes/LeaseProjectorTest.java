package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlockSpec;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.api.v1alpha1.DhcpLeaseSpec;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.api.v1alpha1.WorkloadReference;
import io.kvswitch.dataplane.dhcp.FakeClock;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.testing.ProjectCrds;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The projection of block records onto DhcpLease objects against fabric8's mock API server in CRUD
 * mode, with the committed CRD registered. The blocks are built here, as the lease store's cache
 * would hold them; passes are driven by the test, and the token bucket's clock moves only when the
 * test moves it.
 */
@EnableKubernetesMockClient(crud = true)
class LeaseProjectorTest {

  private static final String NAMESPACE = "tenants";
  private static final String NETWORK = "blue";
  private static final String OWN_BLOCK = DhcpLeaseBlock.nameOf(NETWORK, "10.0.0.8", 29);
  private static final String OTHER_BLOCK = DhcpLeaseBlock.nameOf(NETWORK, "10.0.0.16", 29);

  KubernetesClient client;
  KubernetesMockServer server;

  private final FakeClock clock = new FakeClock();
  private final CachedBlocks blocks = new CachedBlocks();
  private final Set<String> projected = ConcurrentHashMap.newKeySet();

  /** Projects the addresses of the blocks named in {@link #projected}. */
  private final LeaseProjector.Scope scope =
      new LeaseProjector.Scope() {
        @Override
        public boolean projects(Ipv4Address address) {
          return projected.stream()
              .map(name -> blocks.byName.get(name).getSpec().getRange().split("-"))
              .anyMatch(
                  range ->
                      address.unsigned() >= Ipv4Address.parse(range[0]).unsigned()
                          && address.unsigned() <= Ipv4Address.parse(range[1]).unsigned());
        }

        @Override
        public long version() {
          return projected.hashCode();
        }
      };

  private final NetworkOwner owner = NetworkOwner.of(network());
  private final List<LeaseProjector> projectors = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  @BeforeEach
  void registerCrdAndBlocks() throws IOException {
    ProjectCrds.register(client);
    blocks.create(OWN_BLOCK, "10.0.0.8-10.0.0.15");
    blocks.create(OTHER_BLOCK, "10.0.0.16-10.0.0.23");
    projected.add(OWN_BLOCK);
  }

  @AfterEach
  void close() {
    projectors.forEach(LeaseProjector::close);
    clients.forEach(KubernetesClient::close);
  }

  @Test
  void newRecordsBecomeObjectsWithTheirFieldsLabelsAndNetworkOwner() {
    DhcpLeaseRecord db = record(1, "node-a", DhcpLeaseState.Bound, "2026-01-01T01:00:00Z");
    db.setHostname("db-0");
    db.setOwner(new WorkloadReference("VirtualMachineInstance", "db-0"));
    blocks.put(OWN_BLOCK, "10.0.0.10", db);
    blocks.put(
        OWN_BLOCK,
        "10.0.0.11",
        record(2, "node-b", DhcpLeaseState.Released, "2026-01-01T00:30:00Z"));
    LeaseProjector projector = projector(LeaseProjector.Settings.DEFAULT);

    assertThat(projector.runOnce()).isEqualTo(2);

    DhcpLease first = object("10.0.0.10");
    assertThat(first.getMetadata().getLabels())
        .isEqualTo(
            Map.of(
                DhcpLabels.NETWORK,
                NETWORK,
                DhcpLabels.NODE,
                "node-a",
                DhcpLabels.PROJECTED,
                "true"));
    assertThat(first.getMetadata().getOwnerReferences()).isEqualTo(owner.references());
    DhcpLeaseSpec spec = first.getSpec();
    assertThat(spec.getNetwork()).isEqualTo(NETWORK);
    assertThat(spec.getIp()).isEqualTo("10.0.0.10");
    assertThat(spec.getClientId()).isEqualTo("hw-1-020000000001");
    assertThat(spec.getMac()).isEqualTo("02:00:00:00:00:01");
    assertThat(spec.getHostname()).isEqualTo("db-0");
    assertThat(spec.getOwner().getKind()).isEqualTo("VirtualMachineInstance");
    assertThat(spec.getOwner().getName()).isEqualTo("db-0");
    assertThat(spec.getNode()).isEqualTo("node-a");
    assertThat(spec.getState()).isEqualTo(DhcpLeaseState.Bound);
    assertThat(spec.getExpiresAt()).isEqualTo("2026-01-01T01:00:00Z");

    DhcpLease second = object("10.0.0.11");
    assertThat(second.getMetadata().getLabels())
        .containsEntry(DhcpLabels.NODE, "node-b")
        .containsEntry(DhcpLabels.NETWORK, NETWORK);
    assertThat(second.getSpec().getHostname()).isNull();
    assertThat(second.getSpec().getOwner()).isNull();
    assertThat(second.getSpec().getState()).isEqualTo(DhcpLeaseState.Released);
    assertThat(projector.created()).isEqualTo(2);
    assertThat(projector.pending()).isZero();

    // The next pass knows its own writes even before the informer shows them: nothing to do.
    assertThat(projector.runOnce()).isZero();
    assertThat(projector.updated()).isZero();
  }

  @Test
  void aRecordChangedSeveralTimesBeforeAPassCostsOneWrite() {
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T01"));
    LeaseProjector projector = projector(LeaseProjector.Settings.DEFAULT);
    projector.runOnce();

    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T02"));
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-b", DhcpLeaseState.Bound, "T03"));
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-b", DhcpLeaseState.Released, "T04"));
    blocks.put(OWN_BLOCK, "10.0.0.10", record(3, "node-b", DhcpLeaseState.Bound, "T05"));
    blocks.put(OWN_BLOCK, "10.0.0.10", record(3, "node-b", DhcpLeaseState.Bound, "T06"));

    assertThat(projector.runOnce()).isEqualTo(1);
    assertThat(projector.updated()).isEqualTo(1);
    DhcpLease object = object("10.0.0.10");
    assertThat(object.getSpec().getMac()).isEqualTo("02:00:00:00:00:03");
    assertThat(object.getSpec().getNode()).isEqualTo("node-b");
    assertThat(object.getSpec().getExpiresAt()).isEqualTo(at("T06"));
    assertThat(object.getMetadata().getLabels()).containsEntry(DhcpLabels.NODE, "node-b");
  }

  @Test
  void aRenewalWaitsBehindANewLeaseWhenTheBudgetIsShort() {
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T01"));
    LeaseProjector projector =
        projector(
            new LeaseProjector.Settings(1, 1, LeaseProjector.Settings.DEFAULT.passInterval()));
    assertThat(projector.runOnce()).isEqualTo(1);

    // The renewal is dirty first, but the budget is spent.
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T02"));
    assertThat(projector.runOnce()).isZero();
    assertThat(projector.pending()).isEqualTo(1);

    // A new lease arrives; one write's worth of budget goes to it, not to the older renewal.
    blocks.put(OWN_BLOCK, "10.0.0.11", record(2, "node-a", DhcpLeaseState.Bound, "T02"));
    clock.advance(Duration.ofSeconds(1));
    assertThat(projector.runOnce()).isEqualTo(1);
    assertThat(object("10.0.0.11")).isNotNull();
    assertThat(object("10.0.0.10").getSpec().getExpiresAt()).isEqualTo(at("T01"));
    assertThat(projector.pending()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    assertThat(projector.runOnce()).isEqualTo(1);
    assertThat(object("10.0.0.10").getSpec().getExpiresAt()).isEqualTo(at("T02"));
    assertThat(projector.pending()).isZero();
    assertThat(projector.created()).isEqualTo(2);
    assertThat(projector.updated()).isEqualTo(1);
  }

  @Test
  void anObjectWhoseRecordIsGoneIsDeleted() {
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T01"));
    blocks.put(OWN_BLOCK, "10.0.0.11", record(2, "node-a", DhcpLeaseState.Bound, "T01"));
    LeaseProjector projector = projector(LeaseProjector.Settings.DEFAULT);
    projector.runOnce();
    await().until(() -> projector.seen("10.0.0.10").isPresent());

    blocks.remove(OWN_BLOCK, "10.0.0.10");

    assertThat(projector.runOnce()).isEqualTo(1);
    assertThat(projector.deleted()).isEqualTo(1);
    assertThat(object("10.0.0.10")).isNull();
    assertThat(object("10.0.0.11")).isNotNull();
    // Before and after the informer shows the deletion, there is nothing left to do.
    assertThat(projector.runOnce()).isZero();
    await().until(() -> projector.seen("10.0.0.10").isEmpty());
    assertThat(projector.runOnce()).isZero();
    assertThat(projector.deleted()).isEqualTo(1);
  }

  @Test
  void objectsOfBlocksThisNodeDoesNotProjectAreLeftAloneUntilItTakesThemOver() {
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T01"));
    blocks.put(OTHER_BLOCK, "10.0.0.18", record(2, "node-b", DhcpLeaseState.Bound, "T01"));
    // Projections without a record: one in the other node's block, one outside every block.
    createStaleProjection("10.0.0.19", 3);
    createStaleProjection("10.0.0.200", 4);
    LeaseProjector projector = projector(LeaseProjector.Settings.DEFAULT);

    assertThat(projector.runOnce()).isEqualTo(1);
    assertThat(object("10.0.0.10")).isNotNull();
    assertThat(object("10.0.0.18")).isNull();
    assertThat(object("10.0.0.19")).isNotNull();

    // This node takes the other block over: its records and stale objects are caught up.
    projected.add(OTHER_BLOCK);
    assertThat(projector.runOnce()).isEqualTo(2);
    assertThat(object("10.0.0.18").getSpec().getNode()).isEqualTo("node-b");
    assertThat(object("10.0.0.19")).isNull();
    assertThat(object("10.0.0.200")).isNotNull();
    assertThat(projector.deleted()).isEqualTo(1);
  }

  @Test
  void anObjectEditedByHandIsOverwrittenByTheNextPass() {
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T01"));
    LeaseProjector projector = projector(LeaseProjector.Settings.DEFAULT);
    projector.runOnce();

    DhcpLease edited = object("10.0.0.10");
    edited.getSpec().setMac("02:00:00:00:00:99");
    edited.getMetadata().getLabels().put(DhcpLabels.NODE, "node-z");
    client.resource(edited).update();
    await()
        .until(
            () ->
                projector
                    .seen("10.0.0.10")
                    .map(o -> o.getSpec().getMac().equals("02:00:00:00:00:99"))
                    .orElse(false));

    assertThat(projector.runOnce()).isEqualTo(1);
    DhcpLease restored = object("10.0.0.10");
    assertThat(restored.getSpec().getMac()).isEqualTo("02:00:00:00:00:01");
    assertThat(restored.getMetadata().getLabels()).containsEntry(DhcpLabels.NODE, "node-a");
    assertThat(projector.updated()).isEqualTo(1);
  }

  @Test
  void aRestartedProjectorWritesOnlyWhatChangedWhileItWasAway() {
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T01"));
    blocks.put(OWN_BLOCK, "10.0.0.11", record(2, "node-a", DhcpLeaseState.Bound, "T01"));
    LeaseProjector before = projector(LeaseProjector.Settings.DEFAULT);
    assertThat(before.runOnce()).isEqualTo(2);
    before.close();

    LeaseProjector matching = projector(LeaseProjector.Settings.DEFAULT);
    assertThat(matching.runOnce()).isZero();
    assertThat(matching.pending()).isZero();
    matching.close();

    blocks.put(OWN_BLOCK, "10.0.0.11", record(2, "node-a", DhcpLeaseState.Released, "T02"));
    LeaseProjector after = projector(LeaseProjector.Settings.DEFAULT);
    assertThat(after.runOnce()).isEqualTo(1);
    assertThat(after.created()).isZero();
    assertThat(after.updated()).isEqualTo(1);
    assertThat(object("10.0.0.11").getSpec().getState()).isEqualTo(DhcpLeaseState.Released);
  }

  @Test
  void aBudgetOfZeroTurnsTheProjectionOff() {
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T01"));
    LeaseProjector projector =
        LeaseProjector.start(
            client,
            NAMESPACE,
            NETWORK,
            owner,
            blocks::all,
            scope,
            LeaseProjector.Settings.writesPerSecond(0));
    projectors.add(projector);
    projector.changed();

    assertThat(projector.runOnce()).isZero();
    assertThat(projector.synced()).isFalse();
    assertThat(projector.pending()).isZero();
    assertThat(objects()).isEmpty();
  }

  @Test
  void anUnansweredWriteStaysDirtyAndIsWrittenByTheNextPass() {
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T01"));
    blocks.put(OWN_BLOCK, "10.0.0.11", record(2, "node-a", DhcpLeaseState.Bound, "T01"));
    FlakyWrites api = new FlakyWrites();
    LeaseProjector projector = projectorBehind(api);
    api.down = true;

    // The first write gets no answer: the pass ends there and keeps both addresses.
    assertThat(projector.runOnce()).isEqualTo(1);
    assertThat(projector.failures()).isEqualTo(1);
    assertThat(projector.pending()).isEqualTo(2);
    assertThat(objects()).isEmpty();

    api.down = false;
    assertThat(projector.runOnce()).isEqualTo(2);
    assertThat(projector.created()).isEqualTo(2);
    assertThat(projector.pending()).isZero();
    assertThat(objects()).hasSize(2);
  }

  @Test
  void aConflictingWriteStaysDirtyAndTheNextPassWritesOverWhatIsThere() {
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T01"));
    FlakyWrites api = new FlakyWrites();
    LeaseProjector projector = projectorBehind(api);
    // Someone creates the object between the diff and the create.
    api.createFirst = hand("10.0.0.10", 7);

    assertThat(projector.runOnce()).isEqualTo(1);
    assertThat(projector.conflicts()).isEqualTo(1);
    assertThat(projector.pending()).isEqualTo(1);
    assertThat(object("10.0.0.10").getSpec().getMac()).isEqualTo("02:00:00:00:00:07");

    await().until(() -> projector.seen("10.0.0.10").isPresent());
    assertThat(projector.runOnce()).isEqualTo(1);
    assertThat(projector.updated()).isEqualTo(1);
    assertThat(object("10.0.0.10").getSpec().getMac()).isEqualTo("02:00:00:00:00:01");
  }

  @Test
  void anObjectWithoutTheProjectionLabelIsNeverDeleted() {
    // Written by an agent that kept one object per lease, after this one opened: a record of its
    // own until it is imported.
    createByHand("10.0.0.12", 5);
    createStaleProjection("10.0.0.13", 6);
    LeaseProjector projector = projector(LeaseProjector.Settings.DEFAULT);

    assertThat(projector.runOnce()).isEqualTo(1);
    assertThat(object("10.0.0.12")).isNotNull();
    assertThat(object("10.0.0.13")).isNull();
  }

  @Test
  void anUpdateRefusedForGoodDoesNotHoldTheOthersUp() {
    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T01"));
    createStaleProjection("10.0.0.10", 1);
    server
        .expect()
        .put()
        .withPath(
            "/apis/kvswitch.io/v1alpha1/namespaces/"
                + NAMESPACE
                + "/dhcpleases/"
                + DhcpLease.nameOf(NETWORK, "10.0.0.10"))
        .andReturn(422, new StatusBuilder().withCode(422).withReason("Invalid").build())
        .always();
    LeaseProjector projector = projector(LeaseProjector.Settings.DEFAULT);
    assertThat(projector.runOnce()).isEqualTo(1);
    assertThat(projector.failures()).isEqualTo(1);

    // The refused address keeps its place at the head; the new one behind it is written anyway.
    blocks.put(OWN_BLOCK, "10.0.0.11", record(2, "node-a", DhcpLeaseState.Bound, "T01"));
    assertThat(projector.runOnce()).isEqualTo(2);
    assertThat(object("10.0.0.11")).isNotNull();
    assertThat(projector.pending()).isEqualTo(1);
  }

  @Test
  void aMalformedRecordIsCountedAndItsObjectLeftAlone() {
    DhcpLeaseRecord noNode = record(1, "node-a", DhcpLeaseState.Bound, "T01");
    noNode.setNode(null);
    blocks.put(OWN_BLOCK, "10.0.0.10", noNode);
    blocks.put(OWN_BLOCK, "10.0.0.11", record(2, "node-a", DhcpLeaseState.Bound, "T01"));
    createByHand("10.0.0.10", 1);
    LeaseProjector projector = projector(LeaseProjector.Settings.DEFAULT);

    assertThat(projector.runOnce()).isEqualTo(1);
    assertThat(projector.malformedRecords()).isEqualTo(1);
    assertThat(object("10.0.0.10").getSpec().getNode()).isEqualTo("by-hand");
    assertThat(object("10.0.0.11")).isNotNull();
  }

  @Test
  void itsOwnThreadProjectsSoonAfterAChangeAndStopsOnClose() {
    LeaseProjector projector =
        LeaseProjector.start(
            client,
            NAMESPACE,
            NETWORK,
            owner,
            blocks::all,
            scope,
            new LeaseProjector.Settings(50, 50, Duration.ofHours(1)));
    projectors.add(projector);
    await().until(projector::synced);

    blocks.put(OWN_BLOCK, "10.0.0.10", record(1, "node-a", DhcpLeaseState.Bound, "T01"));
    projector.changed();

    await().until(() -> object("10.0.0.10") != null);
    // The server has the object before the projector's thread, back from the request, counts it.
    await().untilAsserted(() -> assertThat(projector.created()).isEqualTo(1));
    projector.close();
    assertThat(projector.runOnce()).isZero();
  }

  // ---- helpers ----

  private LeaseProjector projector(LeaseProjector.Settings settings) {
    return projectorOn(client, settings);
  }

  private LeaseProjector projectorOn(KubernetesClient on, LeaseProjector.Settings settings) {
    LeaseProjector projector =
        LeaseProjector.open(on, NAMESPACE, NETWORK, owner, blocks::all, scope, settings, clock);
    projectors.add(projector);
    await().until(projector::synced);
    return projector;
  }

  /** A projector whose writes go through {@code api}; its reads reach the server. */
  private LeaseProjector projectorBehind(FlakyWrites api) {
    KubernetesClient flaky = ClientBehind.interceptor(client.getConfiguration(), api);
    clients.add(flaky);
    return projectorOn(flaky, LeaseProjector.Settings.DEFAULT);
  }

  /** Write requests (everything but GET) that fail or meet an object made just before them. */
  private final class FlakyWrites implements Interceptor {
    volatile boolean down;
    volatile DhcpLease createFirst;

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      if (request.method().equals("GET")) {
        return;
      }
      DhcpLease first = createFirst;
      if (first != null && request.method().equals("POST")) {
        createFirst = null;
        client.resource(first).create();
      }
      if (down) {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        URI uri = request.uri();
        builder.uri(URI.create("http://127.0.0.1:1" + uri.getRawPath()));
      }
    }
  }

  /** The blocks of the network as a lease store's cache holds them. */
  private static final class CachedBlocks {
    private final Map<String, DhcpLeaseBlock> byName = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong(100);

    void create(String name, String range) {
      DhcpLeaseBlockSpec spec = new DhcpLeaseBlockSpec();
      spec.setNetwork(NETWORK);
      spec.setRange(range);
      spec.setBound(0);
      store(name, spec);
    }

    void put(String name, String ip, DhcpLeaseRecord record) {
      DhcpLeaseBlockSpec spec = copy(byName.get(name).getSpec());
      spec.getRecords().put(ip, record);
      store(name, spec);
    }

    void remove(String name, String ip) {
      DhcpLeaseBlockSpec spec = copy(byName.get(name).getSpec());
      spec.getRecords().remove(ip);
      store(name, spec);
    }

    List<DhcpLeaseBlock> all() {
      return List.copyOf(byName.values());
    }

    private void store(String name, DhcpLeaseBlockSpec spec) {
      DhcpLeaseBlock block = new DhcpLeaseBlock();
      block.setMetadata(
          new ObjectMetaBuilder()
              .withNamespace(NAMESPACE)
              .withName(name)
              .withResourceVersion(Long.toString(versions.incrementAndGet()))
              .build());
      block.setSpec(spec);
      byName.put(name, block);
    }

    private static DhcpLeaseBlockSpec copy(DhcpLeaseBlockSpec spec) {
      DhcpLeaseBlockSpec next = new DhcpLeaseBlockSpec();
      next.setNetwork(spec.getNetwork());
      next.setRange(spec.getRange());
      next.setRecords(spec.getRecords());
      return next;
    }
  }

  private static VlanNetwork network() {
    VlanNetwork network = new VlanNetwork();
    network.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(NAMESPACE)
            .withName(NETWORK)
            .withUid("6b1d0f4e-0000-4000-8000-000000000001")
            .build());
    return network;
  }

  /** {@code T05} is 05:00 on the test day. */
  private static String at(String hour) {
    return hour.startsWith("T") ? "2026-01-01" + hour + ":00:00Z" : hour;
  }

  private static DhcpLeaseRecord record(int client, String node, DhcpLeaseState state, String end) {
    DhcpLeaseRecord record = new DhcpLeaseRecord();
    record.setClientId(String.format("hw-1-0200000000%02x", client));
    record.setMac(String.format("02:00:00:00:00:%02x", client));
    record.setNode(node);
    record.setState(state);
    record.setExpiresAt(at(end));
    record.setRevision(1L);
    return record;
  }

  /** An object nobody projected, as a person or an older agent might have left it. */
  private static DhcpLease hand(String ip, int client) {
    DhcpLeaseSpec spec = new DhcpLeaseSpec();
    spec.setNetwork(NETWORK);
    spec.setIp(ip);
    spec.setClientId(String.format("hw-1-0200000000%02x", client));
    spec.setMac(String.format("02:00:00:00:00:%02x", client));
    spec.setNode("by-hand");
    spec.setState(DhcpLeaseState.Bound);
    spec.setExpiresAt(at("T01"));
    DhcpLease object = new DhcpLease();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(NAMESPACE)
            .withName(DhcpLease.nameOf(NETWORK, ip))
            .withLabels(Map.of(DhcpLabels.NETWORK, NETWORK, DhcpLabels.NODE, "by-hand"))
            .build());
    object.setSpec(spec);
    return object;
  }

  private void createByHand(String ip, int clientNumber) {
    client.resource(hand(ip, clientNumber)).create();
  }

  /** An object a projector wrote for a record that is gone now. */
  private void createStaleProjection(String ip, int clientNumber) {
    DhcpLease object = hand(ip, clientNumber);
    object
        .getMetadata()
        .setLabels(
            Map.of(
                DhcpLabels.NETWORK,
                NETWORK,
                DhcpLabels.NODE,
                "by-hand",
                DhcpLabels.PROJECTED,
                "true"));
    client.resource(object).create();
  }

  private DhcpLease object(String ip) {
    return client
        .resources(DhcpLease.class)
        .inNamespace(NAMESPACE)
        .withName(DhcpLease.nameOf(NETWORK, ip))
        .get();
  }

  private List<DhcpLease> objects() {
    return client.resources(DhcpLease.class).inNamespace(NAMESPACE).list().getItems();
  }
}

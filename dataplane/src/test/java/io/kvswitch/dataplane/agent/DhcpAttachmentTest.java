package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.spec;
import static io.kvswitch.dataplane.agent.States.vlan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvswitch.api.v1alpha1.DhcpReservation;
import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.frame.DhcpFrame;
import io.kvswitch.dataplane.dhcp.frame.DhcpFrameCodec;
import io.kvswitch.dataplane.dhcp.lease.InMemoryNetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreCounters;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreUnavailableException;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.LeaseProjector;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.dhcp.port.SwitchDhcpPort;
import io.kvswitch.dataplane.dhcp.server.DhcpServer;
import io.kvswitch.dataplane.engine.DropReason;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.port.InMemoryPort;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's engine with DHCP: DHCP servers behind the switch's DHCP port, reached through a real
 * bridge from in-memory workload ports, as the agent builds them from a node state.
 */
class DhcpAttachmentTest {

  private static final MacAddress BROADCAST = MacAddress.BROADCAST;
  private static final Ipv4Address ANY = Ipv4Address.parse("0.0.0.0");
  private static final Ipv4Address ALL = Ipv4Address.parse("255.255.255.255");
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final InMemoryNetworkLeaseStores stores = new InMemoryNetworkLeaseStores();
  private final List<DhcpNode> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(DhcpNode::close);
  }

  private DhcpNode node(String name) {
    DhcpNode node = new DhcpNode("fabric", name, stores);
    nodes.add(node);
    return node;
  }

  private static SwitchNodeVlan dhcpVlan(int id, String network) {
    SwitchNodeVlan vlan = vlan(id, network);
    vlan.setGateway("10.0." + id + ".1");
    DhcpSpec dhcp = new DhcpSpec();
    dhcp.setRangeStart("10.0." + id + ".100");
    dhcp.setRangeEnd("10.0." + id + ".199");
    dhcp.setMtu(1500);
    vlan.setDhcp(dhcp);
    return vlan;
  }

  /** Two DHCP VLANs and one without DHCP, one workload port on each. */
  private static SwitchNodeStateSpec state() {
    SwitchNodeStateSpec spec = spec("fabric", "node-a");
    spec.getVlans().add(dhcpVlan(10, "apps/web"));
    spec.getVlans().add(dhcpVlan(20, "apps/db"));
    spec.getVlans().add(vlan(30, "apps/plain"));
    spec.getPorts().add(port("apps/a", 10, "02:00:00:00:00:0a"));
    spec.getPorts().add(port("apps/b", 20, "02:00:00:00:00:0b"));
    spec.getPorts().add(port("apps/c", 30, "02:00:00:00:00:0c"));
    spec.getPorts().add(port("apps/d", 10, "02:00:00:00:00:0d"));
    return spec;
  }

  private static byte[] broadcast(DhcpMessage message) {
    return frame(message, message.clientMac().orElseThrow(), ANY, BROADCAST, ALL);
  }

  private static byte[] frame(
      DhcpMessage message,
      MacAddress source,
      Ipv4Address sourceIp,
      MacAddress destination,
      Ipv4Address destinationIp) {
    ByteBuf frame =
        DhcpFrameCodec.build(
            UnpooledByteBufAllocator.DEFAULT,
            message,
            source,
            sourceIp,
            68,
            destination,
            destinationIp,
            67);
    try {
      byte[] bytes = new byte[frame.readableBytes()];
      frame.readBytes(bytes);
      return bytes;
    } finally {
      frame.release();
    }
  }

  /** Waits for the one DHCP frame {@code port} receives and parses it. */
  private static DhcpFrame reply(InMemoryPort port) {
    List<byte[]> sent = new ArrayList<>();
    await().atMost(WAIT).until(() -> sent.addAll(port.takeSent()));
    assertThat(sent).hasSize(1);
    return DhcpFrameCodec.parse(Unpooled.wrappedBuffer(sent.getFirst()));
  }

  private static DhcpMessageType type(DhcpFrame frame) {
    return frame.message().messageType().orElseThrow();
  }

  /** DISCOVER, REQUEST; returns the ACK. */
  private static DhcpFrame lease(InMemoryPort port, TestClient client) {
    port.inject(broadcast(client.discover()));
    DhcpFrame offer = reply(port);
    assertThat(type(offer)).isEqualTo(DhcpMessageType.OFFER);
    port.inject(
        broadcast(
            client.select(
                offer.message().yiaddr(), offer.message().options().serverId().orElseThrow())));
    DhcpFrame ack = reply(port);
    assertThat(type(ack)).isEqualTo(DhcpMessageType.ACK);
    return ack;
  }

  @Test
  void clientOnAnAccessPortGetsALeaseFromItsVlansServerAndNothingCrossesVlans() {
    DhcpNode node = node("node-a");
    assertThat(node.apply(1, state()).succeeded()).isTrue();
    InMemoryPort a = node.hostEnd("apps/a");
    InMemoryPort d = node.hostEnd("apps/d");
    TestClient client = new TestClient("02:00:00:00:00:0a");

    a.inject(broadcast(client.discover()));
    DhcpFrame offer = reply(a);

    assertThat(type(offer)).isEqualTo(DhcpMessageType.OFFER);
    assertThat(offer.vlan()).as("the access port pops the tag").isEmpty();
    assertThat(offer.sourceMac()).isEqualTo(node.engine.serverMac());
    assertThat(offer.sourceIp()).isEqualTo(Ipv4Address.parse("10.0.10.1"));
    assertThat(offer.destinationMac()).isEqualTo(client.mac);
    Ipv4Address offered = offer.message().yiaddr();
    assertThat(offered.toString()).startsWith("10.0.10.1");
    assertThat(offered.value())
        .isBetween(
            Ipv4Address.parse("10.0.10.100").value(), Ipv4Address.parse("10.0.10.199").value());

    a.inject(broadcast(client.select(offered, Ipv4Address.parse("10.0.10.1"))));
    DhcpFrame ack = reply(a);
    assertThat(type(ack)).isEqualTo(DhcpMessageType.ACK);
    assertThat(ack.message().yiaddr()).isEqualTo(offered);
    assertThat(stores.store("apps", "web").byAddress(offered).orElseThrow().value().state())
        .isEqualTo(LeaseState.BOUND);

    // The switch handed the broadcast DISCOVER and REQUEST to the DHCP port alone, the replies
    // were unicast to the client's MAC and went to its port only: no other port saw anything.
    assertThat(d.sentCount()).isZero();
    assertThat(node.hostEnd("apps/b").sentCount()).isZero();
    assertThat(node.hostEnd("apps/c").sentCount()).isZero();
  }

  @Test
  void eachDhcpVlanHasItsOwnServerAndAVlanWithoutDhcpGetsNoAnswer() {
    DhcpNode node = node("node-a");
    assertThat(node.apply(1, state()).succeeded()).isTrue();

    DhcpFrame ack = lease(node.hostEnd("apps/b"), new TestClient("02:00:00:00:00:0b"));
    assertThat(ack.message().yiaddr().toString()).startsWith("10.0.20.");
    assertThat(ack.sourceIp()).isEqualTo(Ipv4Address.parse("10.0.20.1"));

    InMemoryPort c = node.hostEnd("apps/c");
    c.inject(broadcast(new TestClient("02:00:00:00:00:0c").discover()));
    SwitchDhcpPort port = node.engine.port().orElseThrow();
    // The DHCP port is a trunk of VLANs 10 and 20 only, so VLAN 30's flood has nowhere to go.
    await()
        .atMost(WAIT)
        .until(
            () ->
                node.bridge
                        .portStats(node.bridge.portIndex(HostInterfaces.forPort("apps/c")))
                        .drops()
                        .getOrDefault(DropReason.NO_EGRESS_PORT, 0L)
                    == 1);
    assertThat(port.servedVlans()).isEqualTo(VlanSet.of(10, 20));
    assertThat(c.sentCount()).isZero();
  }

  @Test
  void theLeasedAddressIsRecordedOnThePortOnceAndClearedWhenTheLeaseEnds() {
    DhcpNode node = node("node-a");
    SwitchNodeStateSpec spec = state();
    assertThat(node.apply(1, spec).succeeded()).isTrue();
    List<String> written = new ArrayList<>();
    PortAddresses addresses =
        (namespace, name, ip) -> written.add(namespace + "/" + name + "=" + ip);
    InMemoryPort a = node.hostEnd("apps/a");
    TestClient client = new TestClient("02:00:00:00:00:0a");
    Ipv4Address bound = lease(a, client).message().yiaddr();

    node.engine.publishAddresses(addresses);
    node.engine.publishAddresses(addresses);

    assertThat(written)
        .as("one write per change; ports without a lease or in a VLAN without DHCP get none")
        .containsExactly("apps/a=" + bound);
    assertThat(node.engine.leasedAddresses())
        .containsEntry("apps/a", bound.toString())
        .containsEntry("apps/d", null)
        .containsEntry("apps/b", null)
        .doesNotContainKey("apps/c");

    // The operator compiles the recorded address into the port: nothing more to write.
    spec.getPorts().stream()
        .filter(p -> p.getName().equals("apps/a"))
        .forEach(p -> p.setIp(bound.toString()));
    assertThat(node.apply(2, spec).succeeded()).isTrue();
    node.engine.publishAddresses(addresses);
    assertThat(written).hasSize(1);

    Ipv4Address server = Ipv4Address.parse("10.0.10.1");
    a.inject(
        frame(client.release(bound, server), client.mac, bound, node.engine.serverMac(), server));
    await()
        .atMost(WAIT)
        .until(
            () ->
                stores.store("apps", "web").byAddress(bound).orElseThrow().value().state()
                    == LeaseState.RELEASED);
    node.engine.publishAddresses(addresses);
    assertThat(written).containsExactly("apps/a=" + bound, "apps/a=null");
  }

  @Test
  void renewalUnicastToTheServersMacIsAnsweredAndReleaseEndsTheLease() {
    DhcpNode node = node("node-a");
    assertThat(node.apply(1, state()).succeeded()).isTrue();
    InMemoryPort a = node.hostEnd("apps/a");
    TestClient client = new TestClient("02:00:00:00:00:0a");
    Ipv4Address bound = lease(a, client).message().yiaddr();
    Ipv4Address server = Ipv4Address.parse("10.0.10.1");

    // RENEWING: unicast to the server's MAC, which the switch learned on the DHCP port.
    a.inject(frame(client.renew(bound), client.mac, bound, node.engine.serverMac(), server));
    DhcpFrame renewed = reply(a);
    assertThat(type(renewed)).isEqualTo(DhcpMessageType.ACK);
    assertThat(renewed.message().yiaddr()).isEqualTo(bound);
    assertThat(renewed.destinationIp()).isEqualTo(bound);
    assertThat(node.hostEnd("apps/d").sentCount())
        .as("the renewal went to the DHCP port alone")
        .isZero();

    a.inject(
        frame(client.release(bound, server), client.mac, bound, node.engine.serverMac(), server));
    await()
        .atMost(WAIT)
        .until(
            () ->
                stores.store("apps", "web").byAddress(bound).orElseThrow().value().state()
                    == LeaseState.RELEASED);
  }

  @Test
  void renewalAndReleaseUnicastToTheGatewaysMacReachTheServerAndNeverTheRouter() {
    DhcpNode node = node("node-a");
    SwitchNodeStateSpec spec = state();
    spec.getPorts().add(port("apps/router", 10, "02:00:00:00:00:01"));
    assertThat(node.apply(1, spec).succeeded()).isTrue();
    InMemoryPort a = node.hostEnd("apps/a");
    InMemoryPort router = node.hostEnd("apps/router");
    MacAddress routerMac = MacAddress.parse("02:00:00:00:00:01");
    TestClient client = new TestClient("02:00:00:00:00:0a");
    Ipv4Address bound = lease(a, client).message().yiaddr();
    Ipv4Address gateway = Ipv4Address.parse("10.0.10.1");
    // The router owns the gateway address, the server identifier: it answered the client's ARP,
    // so the switch knows its MAC, and the client sends its renewal there.
    router.inject(TestFrames.untagged("02:00:00:00:00:0a", "02:00:00:00:00:01", 46));
    await().atMost(WAIT).until(() -> a.takeSent().size() == 1);
    assertThat(router.sentCount()).isZero();

    a.inject(frame(client.renew(bound), client.mac, bound, routerMac, gateway));
    DhcpFrame renewed = reply(a);

    assertThat(type(renewed)).isEqualTo(DhcpMessageType.ACK);
    assertThat(renewed.message().yiaddr()).isEqualTo(bound);
    assertThat(renewed.sourceIp()).isEqualTo(gateway);
    assertThat(renewed.destinationIp()).isEqualTo(bound);

    a.inject(frame(client.release(bound, gateway), client.mac, bound, routerMac, gateway));
    await()
        .atMost(WAIT)
        .until(
            () ->
                stores.store("apps", "web").byAddress(bound).orElseThrow().value().state()
                    == LeaseState.RELEASED);

    // Ordinary unicast to the router still goes there, and went nowhere else.
    byte[] plain = TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:0a", 46);
    a.inject(plain);
    await().atMost(WAIT).until(() -> router.sentCount() == 1);
    assertThat(router.takeSent()).containsExactly(plain);
    assertThat(node.hostEnd("apps/d").sentCount()).isZero();
    assertThat(a.takeSent()).as("no reply to a RELEASE").isEmpty();
  }

  @Test
  void theCountersAddUpOverVlansAndOverServersThatWereReplaced() {
    DhcpNode node = node("node-a");
    SwitchNodeStateSpec spec = state();
    spec.getVlans().get(1).getDhcp().setRangeStart("10.0.20.150");
    spec.getVlans().get(1).getDhcp().setRangeEnd("10.0.20.150");
    assertThat(node.apply(1, spec).succeeded()).isTrue();
    assertThat(node.engine.dhcpCounters().servedVlans()).isEqualTo(2);
    InMemoryPort a = node.hostEnd("apps/a");
    TestClient client = new TestClient("02:00:00:00:00:0a");
    Ipv4Address bound = lease(a, client).message().yiaddr();
    a.inject(broadcast(client.release(bound, Ipv4Address.parse("10.0.10.1"))));
    // VLAN 20 has one address: the first client takes it, the second finds none.
    lease(node.hostEnd("apps/b"), new TestClient("02:00:00:00:00:0b"));
    node.hostEnd("apps/b").inject(broadcast(new TestClient("02:00:00:00:00:bb").discover()));
    await().atMost(WAIT).until(() -> node.engine.dhcpCounters().drops().get("pool_exhausted") == 1);
    await().atMost(WAIT).until(() -> node.engine.dhcpCounters().received().get("release") == 1);

    DhcpCounters counters = node.engine.dhcpCounters();
    assertThat(counters.requests()).isEqualTo(6);
    assertThat(counters.replies()).isEqualTo(4);
    assertThat(counters.received())
        .containsEntry("discover", 3L)
        .containsEntry("request", 2L)
        .containsEntry("release", 1L);
    assertThat(counters.sent()).containsEntry("offer", 2L).containsEntry("ack", 2L);
    assertThat(counters.dropped()).isEqualTo(1);
    assertThat(counters.exhaustedNetworks()).containsExactly("apps/db");
    assertThat(counters.leaseStore())
        .as("stores in memory send nothing anywhere")
        .isEqualTo(LeaseStoreCounters.NONE);
    assertThat(node.engine.counters().dhcp()).isEqualTo(counters);

    // A new range for VLAN 10 is a new server; what the old one counted stays in the totals. VLAN
    // 20 stops being served and leaves the exhausted list.
    SwitchNodeStateSpec changed = state();
    changed.getVlans().getFirst().getDhcp().setRangeStart("10.0.10.150");
    changed.getVlans().remove(1);
    changed.getPorts().removeIf(p -> p.getVlanId() == 20);
    assertThat(node.apply(2, changed).succeeded()).isTrue();
    DhcpCounters after = node.engine.dhcpCounters();
    assertThat(after.servedVlans()).isEqualTo(1);
    assertThat(after.received()).isEqualTo(counters.received());
    assertThat(after.sent()).isEqualTo(counters.sent());
    assertThat(after.drops()).isEqualTo(counters.drops());
    assertThat(after.exhaustedNetworks()).isEmpty();
    assertThat(after.leaseStore()).isEqualTo(LeaseStoreCounters.NONE);
  }

  @Test
  void aNetworkDeletedAndCreatedAgainGetsItsLeaseStoreOpenedAnew() {
    try (LeaseStoresInMockApi api =
            new LeaseStoresInMockApi().network("apps", "web", 10, "10.0.10.0/24");
        DhcpNode node = new DhcpNode("fabric", "node-a", api.storesOf("node-a"))) {
      SwitchNodeStateSpec spec = spec("fabric", "node-a");
      spec.getVlans().add(dhcpVlan(10, "apps/web"));
      spec.getPorts().add(port("apps/a", 10, "02:00:00:00:00:0a"));
      spec.getPorts().add(port("apps/d", 10, "02:00:00:00:00:0d"));
      assertThat(node.apply(1, spec).succeeded()).isTrue();
      lease(node.hostEnd("apps/a"), new TestClient("02:00:00:00:00:0a"));
      DhcpServer before = node.engine.server(10).orElseThrow();

      node.engine.reclaimExpired();
      assertThat(node.engine.server(10)).as("the same network: nothing reopened").contains(before);

      // Deleted and created again under the same name; the node state does not change.
      api.recreate("apps", "web", 10, "10.0.10.0/24");
      String uid = api.uidOf("apps", "web");
      node.engine.reclaimExpired();
      await().atMost(WAIT).until(() -> node.engine.server(10).filter(s -> s != before).isPresent());

      // The garbage collector deletes the old network's block (the mock server has none); the new
      // store then writes blocks owned by the new network.
      api.collectGarbage("apps");
      lease(node.hostEnd("apps/d"), new TestClient("02:00:00:00:00:0d"));
      assertThat(api.leaseBlocks("apps"))
          .singleElement()
          .satisfies(
              block ->
                  assertThat(block.getMetadata().getOwnerReferences())
                      .singleElement()
                      .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(uid)));
    }
  }

  @Test
  void theLeaseStoresInTheApiServerAreCountedAndTheirCountsOutliveReplacedServers() {
    // One projection write, then none for hours: the second lease's object stays pending.
    LeaseProjector.Settings oneWrite = new LeaseProjector.Settings(1e-4, 1, Duration.ofMillis(200));
    try (LeaseStoresInMockApi api =
            new LeaseStoresInMockApi().network("apps", "web", 10, "10.0.10.0/24");
        DhcpNode node = new DhcpNode("fabric", "node-a", api.storesOf("node-a", oneWrite))) {
      SwitchNodeStateSpec spec = spec("fabric", "node-a");
      spec.getVlans().add(dhcpVlan(10, "apps/web"));
      spec.getPorts().add(port("apps/a", 10, "02:00:00:00:00:0a"));
      spec.getPorts().add(port("apps/d", 10, "02:00:00:00:00:0d"));
      assertThat(node.apply(1, spec).succeeded()).isTrue();
      assertThat(node.engine.dhcpCounters().leaseStore()).isEqualTo(LeaseStoreCounters.NONE);

      Ipv4Address first =
          lease(node.hostEnd("apps/a"), new TestClient("02:00:00:00:00:0a")).message().yiaddr();
      // Acknowledged after its record was written: the block's object created, then updated.
      assertThat(node.engine.dhcpCounters().leaseStore().apiRequests()).isEqualTo(2);
      Ipv4Address second =
          lease(node.hostEnd("apps/d"), new TestClient("02:00:00:00:00:0d")).message().yiaddr();
      // The same block again: one update.
      assertThat(node.engine.dhcpCounters().leaseStore().apiRequests()).isEqualTo(3);
      assertThat(api.leaseBlocks("apps"))
          .singleElement()
          .satisfies(
              block ->
                  assertThat(block.getSpec().getRecords())
                      .containsOnlyKeys(first.toString(), second.toString()));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(node.engine.dhcpCounters().leaseStore())
                      .isEqualTo(new LeaseStoreCounters(3, 0, 0, 0, 0, 1, 0, 0, 1)));
      assertThat(api.leaseObjects("apps")).hasSize(1);
      assertThat(node.engine.dhcpCounters().isEmpty()).isFalse();

      // A new range: a new server with a new store. The closed store's counts stay. The new
      // store's projection takes the old one's diff over (the old records now lie outside the
      // range; such addresses go with block 0, which this node looks after): it writes the object
      // that was left pending with its one write, and nothing is pending any more.
      SwitchNodeStateSpec moved = spec("fabric", "node-a");
      moved.getVlans().add(dhcpVlan(10, "apps/web"));
      moved.getVlans().getFirst().getDhcp().setRangeStart("10.0.10.150");
      moved.getPorts().addAll(spec.getPorts());
      assertThat(node.apply(2, moved).succeeded()).isTrue();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(node.engine.dhcpCounters().leaseStore())
                      .isEqualTo(new LeaseStoreCounters(3, 0, 0, 0, 0, 2, 0, 0, 0)));
      assertThat(api.leaseObjects("apps")).hasSize(2);

      // A lease from the new store: a new block object (create, update); its projection has no
      // write left, so the new lease's object is pending.
      Ipv4Address third =
          lease(node.hostEnd("apps/d"), new TestClient("02:00:00:00:00:1d")).message().yiaddr();
      assertThat(third).isEqualTo(Ipv4Address.parse("10.0.10.150"));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(node.engine.dhcpCounters().leaseStore())
                      .isEqualTo(new LeaseStoreCounters(5, 0, 0, 0, 0, 2, 0, 0, 1)));

      // DHCP off: no server and nothing pending; the totals stay.
      SwitchNodeStateSpec off = spec("fabric", "node-a");
      off.getVlans().add(vlan(10, "apps/web"));
      off.getPorts().addAll(spec.getPorts());
      assertThat(node.apply(3, off).succeeded()).isTrue();
      DhcpCounters stopped = node.engine.dhcpCounters();
      assertThat(stopped.servedVlans()).isZero();
      assertThat(stopped.leaseStore()).isEqualTo(new LeaseStoreCounters(5, 0, 0, 0, 0, 2, 0, 0, 0));
    }
  }

  @Test
  void otherFramesAreIgnoredAndGarbageIsCountedWhileTheServerKeepsAnswering() {
    DhcpNode node = node("node-a");
    assertThat(node.apply(1, state()).succeeded()).isTrue();
    InMemoryPort a = node.hostEnd("apps/a");
    SwitchDhcpPort port = node.engine.port().orElseThrow();

    a.inject(TestFrames.untagged("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", 46));
    a.inject(
        frame(
            new TestClient("02:00:00:00:00:0a").discover(),
            MacAddress.parse("02:00:00:00:00:0a"),
            ANY,
            BROADCAST,
            ALL));
    // Same DISCOVER with its UDP checksum broken, then one whose DHCP payload is cut short.
    byte[] badChecksum = broadcast(new TestClient("02:00:00:00:00:0a").discover());
    badChecksum[badChecksum.length - 1] ^= 0x5a;
    byte[] truncated = broadcast(new TestClient("02:00:00:00:00:0a").discover());
    byte[] cut = new byte[14 + 20 + 8 + 40];
    System.arraycopy(truncated, 0, cut, 0, cut.length);
    fixLengths(cut);
    a.inject(badChecksum);
    a.inject(cut);
    await()
        .atMost(WAIT)
        .until(() -> node.engine.responder(10).orElseThrow().malformedFrames() == 2);
    assertThat(port.counters().ignoredFrames()).isEqualTo(1);
    assertThat(type(reply(a))).isEqualTo(DhcpMessageType.OFFER);

    DhcpFrame ack = lease(a, new TestClient("02:00:00:00:00:0a"));
    assertThat(ack.message().yiaddr().toString()).startsWith("10.0.10.");
    assertThat(node.bridge.portStats(node.bridge.portIndex(SwitchDhcpPort.NAME)).drops())
        .as("the DHCP port refuses nothing the switch hands it")
        .isEmpty();
    assertThat(node.engine.responder(10).orElseThrow().failedRequests()).isZero();
  }

  /** Sets the IPv4 and UDP lengths of a cut frame to what is left, with a fresh IPv4 checksum. */
  private static void fixLengths(byte[] frame) {
    int ipLength = frame.length - 14;
    frame[16] = (byte) (ipLength >>> 8);
    frame[17] = (byte) ipLength;
    int udpLength = ipLength - 20;
    frame[38] = (byte) (udpLength >>> 8);
    frame[39] = (byte) udpLength;
    frame[40] = 0;
    frame[41] = 0; // no UDP checksum
    frame[24] = 0;
    frame[25] = 0;
    long sum = 0;
    for (int i = 14; i < 34; i += 2) {
      sum += ((frame[i] & 0xff) << 8) | (frame[i + 1] & 0xff);
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    int checksum = (int) (~sum & 0xffff);
    frame[24] = (byte) (checksum >>> 8);
    frame[25] = (byte) checksum;
  }

  @Test
  void aDiscoverFromATrunkIsNotALocalClientsAndGetsNoAnswer() {
    DhcpNode node = node("node-a");
    assertThat(node.apply(1, state()).succeeded()).isTrue();
    InMemoryPort uplink = new InMemoryPort("uplink");
    node.bridge.addPort(
        uplink, PortVlanConfig.trunk(VlanSet.of(10), 0), StormControlSettings.UNLIMITED);
    SwitchDhcpPort port = node.engine.port().orElseThrow();

    byte[] untagged = broadcast(new TestClient("02:00:00:00:00:ee").discover());
    uplink.inject(withTag(untagged, 10));

    await().atMost(WAIT).until(() -> port.counters().notLocalClients() == 1);
    assertThat(port.counters().requestsHandled()).isZero();
    assertThat(uplink.sentCount()).isZero();
  }

  private static byte[] withTag(byte[] untagged, int vlan) {
    byte[] tagged = new byte[untagged.length + 4];
    System.arraycopy(untagged, 0, tagged, 0, 12);
    tagged[12] = (byte) 0x81;
    tagged[14] = (byte) (vlan >>> 8);
    tagged[15] = (byte) vlan;
    System.arraycopy(untagged, 12, tagged, 16, untagged.length - 12);
    return tagged;
  }

  @Test
  void aReservedMacGetsItsAddress() {
    DhcpNode node = node("node-a");
    SwitchNodeStateSpec spec = state();
    DhcpReservation reservation = new DhcpReservation();
    reservation.setMac("02:00:00:00:00:0d");
    reservation.setIp("10.0.10.42");
    spec.getVlans().getFirst().getDhcp().getReservations().add(reservation);
    assertThat(node.apply(1, spec).succeeded()).isTrue();

    DhcpFrame ack = lease(node.hostEnd("apps/d"), new TestClient("02:00:00:00:00:0d"));

    assertThat(ack.message().yiaddr()).isEqualTo(Ipv4Address.parse("10.0.10.42"));
  }

  @Test
  void dhcpChangesAtRunTimeStartReplaceAndStopServers() {
    DhcpNode node = node("node-a");
    SwitchNodeStateSpec spec = state();
    assertThat(node.apply(1, spec).succeeded()).isTrue();
    var first = node.engine.server(10).orElseThrow();

    // Same configuration again: the server stays.
    assertThat(node.apply(2, state()).succeeded()).isTrue();
    assertThat(node.engine.server(10).orElseThrow()).isSameAs(first);

    // A new range: a new server, which hands out from it.
    SwitchNodeStateSpec narrowed = state();
    narrowed.getVlans().getFirst().getDhcp().setRangeStart("10.0.10.150");
    narrowed.getVlans().getFirst().getDhcp().setRangeEnd("10.0.10.150");
    assertThat(node.apply(3, narrowed).succeeded()).isTrue();
    assertThat(node.engine.server(10).orElseThrow()).isNotSameAs(first);
    DhcpFrame ack = lease(node.hostEnd("apps/a"), new TestClient("02:00:00:00:00:0a"));
    assertThat(ack.message().yiaddr()).isEqualTo(Ipv4Address.parse("10.0.10.150"));

    // DHCP switched off for VLAN 10, and VLAN 20 removed: no server, and the DHCP port no longer
    // carries them.
    SwitchNodeStateSpec off = state();
    off.getVlans().getFirst().getDhcp().setEnabled(false);
    off.getVlans().remove(1);
    off.getPorts().removeIf(p -> p.getVlanId() == 20);
    assertThat(node.apply(4, off).succeeded()).isTrue();
    assertThat(node.engine.server(10)).isEmpty();
    assertThat(node.engine.server(20)).isEmpty();
    assertThat(node.engine.port().orElseThrow().servedVlans()).isEqualTo(VlanSet.of());
  }

  @Test
  void aClientMovedToAnotherNodeKeepsItsAddress() {
    DhcpNode a = node("node-a");
    DhcpNode b = node("node-b");
    assertThat(a.apply(1, state()).succeeded()).isTrue();
    SwitchNodeStateSpec onB = state();
    onB.setNodeName("node-b");
    onB.getPorts().removeIf(p -> p.getName().equals("apps/a"));
    onB.getPorts().add(port("apps/a-target", 10, "02:00:00:00:00:0a"));
    assertThat(b.apply(1, onB).succeeded()).isTrue();
    TestClient vm = new TestClient("02:00:00:00:00:0a");
    Ipv4Address before = lease(a.hostEnd("apps/a"), vm).message().yiaddr();

    // Live migration: the same MAC starts over on the other node, which has its own server MAC.
    DhcpFrame ack = lease(b.hostEnd("apps/a-target"), vm);

    assertThat(ack.message().yiaddr()).isEqualTo(before);
    assertThat(ack.sourceMac()).isEqualTo(b.engine.serverMac()).isNotEqualTo(a.engine.serverMac());
  }

  @Test
  void serverMacIsStableLocallyAdministeredUnicastAndDiffersPerNode() {
    MacAddress mac = DhcpAttachment.serverMac("fabric", "node-a");
    assertThat(DhcpAttachment.serverMac("fabric", "node-a")).isEqualTo(mac);
    assertThat(DhcpAttachment.serverMac("fabric", "node-b")).isNotEqualTo(mac);
    assertThat(mac.value() >>> 40 & 0x02).as("locally administered").isEqualTo(2);
    assertThat(mac.isMulticast()).isFalse();
  }

  private static byte[] arpRequest(String senderMac, String senderIp, String targetIp) {
    ByteBuffer frame = ByteBuffer.allocate(42);
    frame.put(BROADCAST.toBytes()).put(MacAddress.parse(senderMac).toBytes());
    frame.putShort((short) 0x0806).putShort((short) 1).putShort((short) 0x0800);
    frame.put((byte) 6).put((byte) 4).putShort((short) 1);
    frame.put(MacAddress.parse(senderMac).toBytes()).putInt(Ipv4Address.parse(senderIp).value());
    frame.put(new byte[6]).putInt(Ipv4Address.parse(targetIp).value());
    return frame.array();
  }

  @Test
  void withoutAGatewayTheServerAnswersArpForItsOwnAddressOnly() {
    DhcpNode node = node("node-a");
    SwitchNodeStateSpec spec = state();
    spec.getVlans().getFirst().setGateway(null);
    assertThat(node.apply(1, spec).succeeded()).isTrue();
    InMemoryPort a = node.hostEnd("apps/a");
    DhcpFrame ack = lease(a, new TestClient("02:00:00:00:00:0a"));
    assertThat(ack.sourceIp()).isEqualTo(Ipv4Address.parse("10.0.10.254"));
    String bound = ack.message().yiaddr().toString();

    a.inject(arpRequest("02:00:00:00:00:0a", bound, "10.0.10.254"));
    List<byte[]> sent = new ArrayList<>();
    await().atMost(WAIT).until(() -> sent.addAll(a.takeSent()));
    ByteBuffer reply = ByteBuffer.wrap(sent.getFirst());
    assertThat(sent).hasSize(1);
    assertThat(reply.getShort(12)).isEqualTo((short) 0x0806);
    assertThat(reply.getShort(20)).as("ARP reply").isEqualTo((short) 2);
    assertThat(MacAddress.of(sent.getFirst(), 22)).isEqualTo(node.engine.serverMac());
    assertThat(reply.getInt(28)).isEqualTo(Ipv4Address.parse("10.0.10.254").value());
    assertThat(MacAddress.of(sent.getFirst(), 0)).isEqualTo(MacAddress.parse("02:00:00:00:00:0a"));

    // ARP for anyone else is not the server's business, and VLAN 20 has a gateway: no answer.
    SwitchDhcpPort port = node.engine.port().orElseThrow();
    long ignored = port.counters().ignoredFrames();
    a.inject(arpRequest("02:00:00:00:00:0a", bound, "10.0.10.7"));
    node.hostEnd("apps/b").inject(arpRequest("02:00:00:00:00:0b", "10.0.20.9", "10.0.20.1"));
    await().atMost(WAIT).until(() -> port.counters().ignoredFrames() == ignored + 2);
    assertThat(port.counters().arpReplies()).isEqualTo(1);
    assertThat(a.takeSent()).isEmpty();
  }

  @Test
  void whileTheLeaseStoreCannotBeOpenedPortsForwardAndTheServerStartsOnceItOpens() {
    AtomicInteger refusals = new AtomicInteger(1);
    NetworkLeaseStores apiAway =
        (namespace, network, range, blockSize) -> {
          if (refusals.getAndDecrement() > 0) {
            throw new LeaseStoreUnavailableException("the API server is away");
          }
          return stores.open(namespace, network, range, blockSize);
        };
    DhcpNode node = new DhcpNode("fabric", "node-a", apiAway);
    nodes.add(node);
    SwitchNodeStateSpec spec = state();
    spec.getVlans().remove(1);
    spec.getPorts().removeIf(p -> p.getVlanId() == 20);

    ApplyResult result = node.applier.apply(DesiredState.of(1, spec));

    assertThat(result.succeeded()).as("the VLAN and its ports are realized").isTrue();
    assertThat(node.engine.server(10)).as("no store yet, no server").isEmpty();
    InMemoryPort a = node.hostEnd("apps/a");
    a.inject(TestFrames.untagged("02:00:00:00:00:0d", "02:00:00:00:00:0a", 46));
    await().atMost(WAIT).until(() -> node.hostEnd("apps/d").sentCount() == 1);

    DhcpNode.awaitServing(node.engine, spec);
    assertThat(lease(a, new TestClient("02:00:00:00:00:0a")).message().yiaddr().toString())
        .startsWith("10.0.10.");
  }
}

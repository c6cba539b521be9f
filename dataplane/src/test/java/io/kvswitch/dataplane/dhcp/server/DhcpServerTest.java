package io.kvswitch.dataplane.dhcp.server;

import static io.kvswitch.dataplane.dhcp.net.Ipv4Address.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.codec.ClasslessRoute;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.codec.DhcpOptions;
import io.kvswitch.dataplane.dhcp.codec.DhcpWireFormat;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.Ipv4Subnet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class DhcpServerTest {

  private static final Ipv4Address SERVER_ID = parse("10.0.0.1");

  private final ServerFixture f =
      new ServerFixture(
          ServerFixture.network()
              .mtu(1450)
              .routes(
                  List.of(
                      new ClasslessRoute(Ipv4Subnet.parse("172.16.0.0/12"), parse("10.0.0.254"))))
              .build());

  private final TestClient alice =
      new TestClient("02:00:00:00:00:0a")
          .withOptions(
              o ->
                  o.clientId(new byte[] {1, 2, 0, 0, 0, 0, 0x0a})
                      .hostname("alice")
                      .parameterRequestList(List.of(1, 3, 6, 15, 26, 121)));

  private Lease storedLease(Ipv4Address address) {
    return f.store.byAddress(address).orElseThrow().value();
  }

  @Test
  void discoverGetsAnOfferWithEveryRequestedOption() {
    DhcpMessage offer = f.expect(alice.discover(), DhcpMessageType.OFFER);

    DhcpOptions o = offer.options();
    assertThat(offer.op()).isEqualTo(DhcpMessage.BOOTREPLY);
    assertThat(offer.yiaddr()).isEqualTo(parse("10.0.0.10"));
    assertThat(offer.chaddr()).isEqualTo(alice.discover().chaddr());
    assertThat(o.serverId()).contains(SERVER_ID);
    assertThat(o.leaseTime()).hasValue(3600);
    assertThat(o.renewalTime()).hasValue(1800);
    assertThat(o.rebindingTime()).hasValue(3150);
    assertThat(o.subnetMask()).contains(parse("255.255.255.0"));
    assertThat(o.routers()).containsExactly(SERVER_ID);
    assertThat(o.dnsServers()).containsExactly(parse("10.0.0.53"), parse("1.1.1.1"));
    assertThat(o.domainName()).contains("blue.example");
    assertThat(o.interfaceMtu()).hasValue(1450);
    assertThat(o.classlessStaticRoutes())
        .containsExactly(
            new ClasslessRoute(Ipv4Subnet.parse("172.16.0.0/12"), parse("10.0.0.254")),
            new ClasslessRoute(Ipv4Subnet.parse("0.0.0.0/0"), SERVER_ID));
    assertThat(o.hostname()).contains("alice");
    assertThat(o.clientId())
        .hasValueSatisfying(id -> assertThat(id).containsExactly(1, 2, 0, 0, 0, 0, 0x0a));
    assertThat(f.store.all()).as("offers are not written").isEmpty();
  }

  @Test
  void aReservedClientIsToldTheHostNameOfItsReservation() {
    ServerFixture reserved =
        new ServerFixture(
            ServerFixture.network()
                .reserve("02:00:00:00:00:0a", "10.0.0.200", "db-0")
                .reserve("02:00:00:00:00:0b", "10.0.0.201")
                .build());
    TestClient unnamedReservation =
        new TestClient("02:00:00:00:00:0b").withOptions(o -> o.hostname("bob"));

    DhcpMessage offer = reserved.expect(alice.discover(), DhcpMessageType.OFFER);
    DhcpMessage ack = reserved.expect(alice.select(offer.yiaddr(), SERVER_ID), DhcpMessageType.ACK);
    DhcpMessage bobOffer = reserved.expect(unnamedReservation.discover(), DhcpMessageType.OFFER);

    assertThat(offer.yiaddr()).isEqualTo(parse("10.0.0.200"));
    assertThat(offer.options().hostname()).as("not the client's own 'alice'").contains("db-0");
    assertThat(ack.options().hostname()).contains("db-0");
    assertThat(bobOffer.yiaddr()).isEqualTo(parse("10.0.0.201"));
    assertThat(bobOffer.options().hostname()).as("echoed without a reserved name").contains("bob");
  }

  @Test
  void unknownOptionsInRequestsAreIgnored() {
    TestClient odd =
        new TestClient("02:00:00:00:00:0e")
            .withOptions(o -> o.raw(224, new byte[] {1, 2, 3}).raw(77, new byte[] {'x'}));

    DhcpMessage offer = f.expect(odd.discover(), DhcpMessageType.OFFER);
    DhcpMessage ack = f.expect(odd.select(offer.yiaddr(), SERVER_ID), DhcpMessageType.ACK);

    assertThat(ack.options().contains(224)).isFalse();
    assertThat(ack.options().contains(77)).isFalse();
  }

  @Test
  void onlyRequestedParametersAreSent() {
    TestClient bob =
        new TestClient("02:00:00:00:00:0b").withOptions(o -> o.parameterRequestList(List.of(1, 3)));

    DhcpMessage offer = f.expect(bob.discover(), DhcpMessageType.OFFER);

    assertThat(offer.options().codes()).containsExactly(53, 54, 51, 58, 59, 1, 3);
  }

  @Test
  void requestAfterOfferIsAcknowledgedAndTheLeaseStored() {
    DhcpMessage offer = f.expect(alice.discover(), DhcpMessageType.OFFER);

    DhcpMessage ack = f.expect(alice.select(offer.yiaddr(), SERVER_ID), DhcpMessageType.ACK);

    assertThat(ack.yiaddr()).isEqualTo(offer.yiaddr());
    assertThat(ack.options().leaseTime()).hasValue(3600);
    Lease lease = storedLease(ack.yiaddr());
    assertThat(lease.client()).isEqualTo(new ClientKey("id-0102000000000a"));
    assertThat(lease.mac()).isEqualTo(alice.mac);
    assertThat(lease.hostname()).isEqualTo("alice");
    assertThat(lease.node()).isEqualTo("node-a");
    assertThat(lease.state()).isEqualTo(LeaseState.BOUND);
    assertThat(lease.expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofHours(1)));
  }

  @Test
  void ackIsSentOnlyAfterTheLeaseWriteIsDurable() {
    ConcurrentLinkedQueue<Runnable> writer = new ConcurrentLinkedQueue<>();
    ServerFixture slow =
        new ServerFixture(ServerFixture.network().build(), RateLimits.UNLIMITED, writer::add);
    DhcpMessage offer = slow.expect(alice.discover(), DhcpMessageType.OFFER);

    CompletableFuture<Optional<DhcpMessage>> ack =
        slow.server.handle(alice.select(offer.yiaddr(), SERVER_ID), "port-1");

    assertThat(ack).isNotDone();
    assertThat(slow.store.all()).isEmpty();
    writer.poll().run();
    assertThat(ack).isDone();
    assertThat(ack.join().orElseThrow().messageType()).contains(DhcpMessageType.ACK);
    assertThat(slow.store.byAddress(offer.yiaddr())).isPresent();
  }

  @Test
  void requestNamingAnotherServerIsIgnoredAndFreesTheOffer() {
    DhcpMessage offer = f.expect(alice.discover(), DhcpMessageType.OFFER);

    f.expectSilence(alice.select(offer.yiaddr(), parse("10.0.0.2")));

    assertThat(f.server.counters().dropped(DropReason.OTHER_SERVER)).isEqualTo(1);
    TestClient bob = new TestClient("02:00:00:00:00:0b");
    assertThat(f.expect(bob.discover(), DhcpMessageType.OFFER).yiaddr()).isEqualTo(offer.yiaddr());
  }

  @Test
  void offeredAddressIsHeldForItsClientOnly() {
    DhcpMessage offer = f.expect(alice.discover(), DhcpMessageType.OFFER);
    TestClient bob = new TestClient("02:00:00:00:00:0b");

    DhcpMessage bobsOffer = f.expect(bob.discover(), DhcpMessageType.OFFER);
    DhcpMessage nak = f.expect(bob.select(offer.yiaddr(), SERVER_ID), DhcpMessageType.NAK);

    assertThat(bobsOffer.yiaddr()).isNotEqualTo(offer.yiaddr());
    assertThat(nak.yiaddr()).isEqualTo(Ipv4Address.ANY);
    assertThat(nak.ciaddr()).isEqualTo(Ipv4Address.ANY);
    assertThat(nak.options().message()).contains("address 10.0.0.10 is not available");
    assertThat(nak.options().codes()).containsExactly(53, 54, 56);
    f.clock.advance(Duration.ofSeconds(31));
    assertThat(f.expect(bob.select(offer.yiaddr(), SERVER_ID), DhcpMessageType.ACK).yiaddr())
        .as("the hold lapses after offerHold")
        .isEqualTo(offer.yiaddr());
  }

  @Test
  void initRebootConfirmsTheClientsOwnAddress() {
    Ipv4Address bound = f.lease(alice);
    f.clock.advance(Duration.ofMinutes(10));

    DhcpMessage ack = f.expect(alice.reboot(bound), DhcpMessageType.ACK);

    assertThat(ack.yiaddr()).isEqualTo(bound);
    assertThat(storedLease(bound).expiresAt())
        .isEqualTo(f.clock.instant().plus(Duration.ofHours(1)));
  }

  @Test
  void initRebootWithSomeoneElsesOrAForeignAddressIsNaked() {
    Ipv4Address bound = f.lease(alice);
    TestClient bob = new TestClient("02:00:00:00:00:0b");
    f.lease(bob);

    assertThat(f.expect(bob.reboot(bound), DhcpMessageType.NAK).options().message())
        .contains("address " + bound + " is not yours");
    assertThat(
            f.expect(alice.reboot(parse("192.168.1.5")), DhcpMessageType.NAK).options().message())
        .contains("address 192.168.1.5 is not on this network");
  }

  @Test
  void initRebootFromAnUnknownClientGetsSilence() {
    f.expectSilence(new TestClient("02:00:00:00:00:0c").reboot(parse("10.0.0.77")));

    assertThat(f.server.counters().dropped(DropReason.UNKNOWN_CLIENT)).isEqualTo(1);
  }

  @Test
  void renewingExtendsTheLeaseAndEchoesCiaddr() {
    Ipv4Address bound = f.lease(alice);
    f.clock.advance(Duration.ofMinutes(30));

    DhcpMessage ack = f.expect(alice.renew(bound), DhcpMessageType.ACK);

    assertThat(ack.ciaddr()).isEqualTo(bound);
    assertThat(ack.yiaddr()).isEqualTo(bound);
    assertThat(ack.options().leaseTime()).hasValue(3600);
    assertThat(storedLease(bound).expiresAt())
        .isEqualTo(f.clock.instant().plus(Duration.ofHours(1)));
  }

  @Test
  void renewingAnotherClientsAddressIsNakedAndAnUnknownOneIgnored() {
    Ipv4Address bound = f.lease(alice);
    TestClient bob = new TestClient("02:00:00:00:00:0b");

    f.expect(bob.renew(bound), DhcpMessageType.NAK);
    f.expectSilence(bob.renew(parse("10.0.0.99")));
    f.expect(bob.renew(parse("192.168.0.9")), DhcpMessageType.NAK);
  }

  @Test
  void releaseFreesTheAddressButKeepsItForTheSameClient() {
    Ipv4Address bound = f.lease(alice);

    f.expectSilence(alice.release(bound, SERVER_ID));

    assertThat(storedLease(bound).state()).isEqualTo(LeaseState.RELEASED);
    TestClient bob = new TestClient("02:00:00:00:00:0b");
    assertThat(f.lease(bob)).as("a never-used address is preferred").isNotEqualTo(bound);
    assertThat(f.lease(alice)).as("the same client gets its address back").isEqualTo(bound);
  }

  @Test
  void releaseOfSomeoneElsesAddressIsIgnored() {
    Ipv4Address bound = f.lease(alice);

    f.expectSilence(new TestClient("02:00:00:00:00:0b").release(bound, SERVER_ID));

    assertThat(storedLease(bound).state()).isEqualTo(LeaseState.BOUND);
    assertThat(f.server.counters().dropped(DropReason.NOT_CLIENTS_ADDRESS)).isEqualTo(1);
  }

  @Test
  void declinedAddressIsQuarantinedForTheConfiguredTime() {
    ServerFixture small =
        new ServerFixture(
            ServerFixture.network()
                .range("10.0.0.10", "10.0.0.11")
                .declineQuarantine(Duration.ofMinutes(5))
                .build());
    Ipv4Address declined = small.lease(alice);

    small.expectSilence(alice.decline(declined, SERVER_ID));

    assertThat(small.store.byAddress(declined).orElseThrow().value().state())
        .isEqualTo(LeaseState.DECLINED);
    TestClient bob = new TestClient("02:00:00:00:00:0b");
    TestClient carol = new TestClient("02:00:00:00:00:0c");
    assertThat(small.lease(bob)).isEqualTo(parse("10.0.0.11"));
    small.expectSilence(carol.discover());
    small.clock.advance(Duration.ofMinutes(5));
    assertThat(small.lease(carol)).isEqualTo(declined);
  }

  @Test
  void informGetsConfigurationWithoutALease() {
    DhcpMessage ack = f.expect(alice.inform(parse("10.0.0.150")), DhcpMessageType.ACK);

    assertThat(ack.yiaddr()).isEqualTo(Ipv4Address.ANY);
    assertThat(ack.ciaddr()).isEqualTo(parse("10.0.0.150"));
    assertThat(ack.options().leaseTime()).isEmpty();
    assertThat(ack.options().renewalTime()).isEmpty();
    assertThat(ack.options().dnsServers()).hasSize(2);
    assertThat(f.store.all()).isEmpty();
  }

  @Test
  void clientIdentifierIsTheLeaseKeyNotTheMac() {
    TestClient vmA =
        new TestClient("02:00:00:00:00:0d").withOptions(o -> o.clientId(new byte[] {0, 'a'}));
    TestClient vmB =
        new TestClient("02:00:00:00:00:0d").withOptions(o -> o.clientId(new byte[] {0, 'b'}));
    TestClient vmAWithNewMac =
        new TestClient("02:00:00:00:00:0e").withOptions(o -> o.clientId(new byte[] {0, 'a'}));

    Ipv4Address a = f.lease(vmA);
    Ipv4Address b = f.lease(vmB);

    assertThat(a).isNotEqualTo(b);
    assertThat(f.lease(vmAWithNewMac)).isEqualTo(a);
  }

  @Test
  void withoutClientIdentifierTheMacIsTheKey() {
    TestClient plain = new TestClient("02:00:00:00:00:0f");
    Ipv4Address first = f.lease(plain);

    assertThat(storedLease(first).client()).isEqualTo(new ClientKey("hw-1-02000000000f"));
    assertThat(f.lease(new TestClient("02:00:00:00:00:0f"))).isEqualTo(first);
  }

  @Test
  void expiredLeaseIsReclaimedForAnotherClient() {
    ServerFixture one =
        new ServerFixture(ServerFixture.network().range("10.0.0.10", "10.0.0.10").build());
    Ipv4Address address = one.lease(alice);
    TestClient bob = new TestClient("02:00:00:00:00:0b");

    one.expectSilence(bob.discover());
    one.clock.advance(Duration.ofHours(1));

    assertThat(one.lease(bob)).isEqualTo(address);
    assertThat(one.store.byAddress(address).orElseThrow().value().client())
        .isEqualTo(ClientKey.of(bob.discover()));
  }

  @Test
  void exhaustedPoolIsReportedOnceAndTheServerKeepsAnswering() {
    ServerFixture tiny =
        new ServerFixture(ServerFixture.network().range("10.0.0.10", "10.0.0.12").build());
    List<TestClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      TestClient c = new TestClient("02:00:00:00:01:0" + i);
      clients.add(c);
      tiny.lease(c);
    }
    TestClient late = new TestClient("02:00:00:00:01:09");

    tiny.expectSilence(late.discover());
    tiny.expectSilence(late.discover());

    assertThat(tiny.server.poolExhausted()).isTrue();
    assertThat(tiny.poolEvents).containsExactly("exhausted blue");
    assertThat(tiny.server.counters().dropped(DropReason.POOL_EXHAUSTED)).isEqualTo(2);
    Ipv4Address first = parse("10.0.0.10");
    tiny.expect(clients.get(0).renew(first), DhcpMessageType.ACK);
    tiny.expectSilence(clients.get(0).release(first, SERVER_ID));
    assertThat(tiny.lease(late)).isEqualTo(first);
    assertThat(tiny.server.poolExhausted()).isFalse();
    assertThat(tiny.poolEvents).containsExactly("exhausted blue", "available blue");
  }

  @Test
  void renewalWhileTheStoreIsDownGetsTheDurableRemainderAndNewClientsGetNothing() {
    Ipv4Address bound = f.lease(alice);
    f.clock.advance(Duration.ofMinutes(40));
    f.store.setAvailable(false);

    DhcpMessage ack = f.expect(alice.renew(bound), DhcpMessageType.ACK);
    TestClient bob = new TestClient("02:00:00:00:00:0b");
    DhcpMessage offer = f.expect(bob.discover(), DhcpMessageType.OFFER);
    f.expectSilence(bob.select(offer.yiaddr(), SERVER_ID));

    assertThat(ack.options().leaseTime()).hasValue(20 * 60);
    assertThat(ack.options().renewalTime()).hasValue(10 * 60);
    assertThat(f.server.counters().acksFromDurableLease()).isEqualTo(1);
    assertThat(f.server.counters().dropped(DropReason.STORE_UNAVAILABLE)).isEqualTo(1);
    f.store.setAvailable(true);
    assertThat(f.expect(bob.select(offer.yiaddr(), SERVER_ID), DhcpMessageType.ACK).yiaddr())
        .isEqualTo(offer.yiaddr());
  }

  @Test
  void unreachableBlockLedgerMeansNoNewBlockButNoFalseExhaustion() {
    ServerFixture small =
        new ServerFixture(ServerFixture.network().range("10.0.0.10", "10.0.0.41").build());
    for (int i = 0; i < 16; i++) {
      small.lease(new TestClient(String.format("02:00:00:00:02:%02x", i)));
    }
    small.ledger.setAvailable(false);
    TestClient seventeenth = new TestClient("02:00:00:00:02:99");

    small.expectSilence(seventeenth.discover());

    assertThat(small.server.counters().dropped(DropReason.STORE_UNAVAILABLE)).isEqualTo(1);
    assertThat(small.server.poolExhausted()).isFalse();
    assertThat(small.poolEvents).isEmpty();
    small.ledger.setAvailable(true);
    assertThat(small.lease(seventeenth)).isEqualTo(parse("10.0.0.26"));
  }

  @Test
  void oneConflictIsRetriedTwoAreNaked() {
    DhcpMessage offer = f.expect(alice.discover(), DhcpMessageType.OFFER);
    f.store.simulateConflicts(1);

    f.expect(alice.select(offer.yiaddr(), SERVER_ID), DhcpMessageType.ACK);
    f.store.simulateConflicts(2);
    DhcpMessage nak = f.expect(alice.renew(offer.yiaddr()), DhcpMessageType.NAK);

    assertThat(nak.options().message().orElseThrow()).endsWith("was just given to another client");
    assertThat(f.server.counters().conflicts()).isEqualTo(3);
  }

  @Test
  void replyIsTrimmedToTheClientsMaximumMessageSize() {
    List<ClasslessRoute> manyRoutes = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      manyRoutes.add(
          new ClasslessRoute(Ipv4Subnet.parse("172.16." + i + ".0/24"), parse("10.0.0.254")));
    }
    ServerFixture big = new ServerFixture(ServerFixture.network().routes(manyRoutes).build());

    DhcpMessage offer = big.expect(alice.discover(), DhcpMessageType.OFFER);

    assertThat(DhcpWireFormat.encodedLength(offer)).isLessThanOrEqualTo(576 - 28);
    assertThat(offer.options().contains(121)).isFalse();
    assertThat(offer.options().subnetMask()).isPresent();
    assertThat(offer.options().leaseTime()).isPresent();
  }

  @Test
  void relayedRequestsKeepGiaddrAndRelayInformation() {
    byte[] circuit = {1, 3, 'p', '1', '7'};
    DhcpMessage relayed =
        alice.discover().toBuilder()
            .giaddr(parse("10.0.0.254"))
            .options(alice.discover().options().toBuilder().raw(82, circuit).build())
            .build();

    DhcpMessage offer = f.expect(relayed, DhcpMessageType.OFFER);
    DhcpMessage nak =
        f.expect(
            alice.renew(parse("192.168.9.9")).toBuilder().giaddr(parse("10.0.0.254")).build(),
            DhcpMessageType.NAK);

    assertThat(offer.giaddr()).isEqualTo(parse("10.0.0.254"));
    assertThat(offer.options().relayAgentInfo())
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(circuit));
    assertThat(nak.broadcastFlag()).isTrue();
  }

  @Test
  void messagesThatAreNotClientRequestsAreDropped() {
    DhcpMessage offerFromElsewhere = alice.discover().toBuilder().op(DhcpMessage.BOOTREPLY).build();
    DhcpMessage noType = alice.discover().toBuilder().options(DhcpOptions.empty()).build();
    DhcpMessage ackFromClient =
        alice.discover().toBuilder()
            .options(DhcpOptions.builder().messageType(DhcpMessageType.ACK).build())
            .build();
    DhcpMessage tokenRing = alice.discover().toBuilder().htype(6).build();

    f.expectSilence(offerFromElsewhere);
    f.expectSilence(noType);
    f.expectSilence(ackFromClient);
    f.expectSilence(tokenRing);

    assertThat(f.server.counters().dropped(DropReason.NOT_A_REQUEST)).isEqualTo(1);
    assertThat(f.server.counters().dropped(DropReason.UNEXPECTED_MESSAGE_TYPE)).isEqualTo(2);
    assertThat(f.server.counters().dropped(DropReason.NOT_ETHERNET)).isEqualTo(1);
  }

  @Test
  void clientMovingToANewAddressReleasesItsOldOne() {
    Ipv4Address first = f.lease(alice);
    Ipv4Address wanted = parse("10.0.0.123");

    f.expect(alice.select(wanted, SERVER_ID), DhcpMessageType.ACK);

    assertThat(storedLease(wanted).state()).isEqualTo(LeaseState.BOUND);
    assertThat(storedLease(first).state()).isEqualTo(LeaseState.RELEASED);
  }
}

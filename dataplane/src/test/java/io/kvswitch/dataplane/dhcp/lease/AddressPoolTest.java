package io.kvswitch.dataplane.dhcp.lease;

import static io.kvswitch.dataplane.dhcp.net.Ipv4Address.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.dhcp.FakeClock;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressPoolTest {

  private final FakeClock clock = new FakeClock();
  private final InMemoryLeaseStore store = new InMemoryLeaseStore();
  private final InMemoryBlockLedger ledger = new InMemoryBlockLedger();

  private AddressPool pool(DhcpNetworkConfig config) {
    return new AddressPool(
        config,
        store,
        new BlockAllocator(config.range(), 4, ledger, "node-a"),
        clock,
        PoolStatusListener.NONE);
  }

  private static DhcpNetworkConfig.Builder net() {
    return DhcpNetworkConfig.builder("blue", "10.0.0.0/24").gateway("10.0.0.1");
  }

  private static ClientKey key(String name) {
    return new ClientKey("id-" + name);
  }

  private static MacAddress mac(int n) {
    return new MacAddress(0x0200_0000_0000L + n);
  }

  private void bind(Ipv4Address address, String client, int mac, Duration remaining) {
    Lease lease =
        new Lease(
            address,
            key(client),
            mac(mac),
            "",
            "node-a",
            clock.instant().plus(remaining),
            LeaseState.BOUND);
    long expected = store.byAddress(address).map(Versioned::version).orElse(LeaseWrite.CREATE);
    assertThat(store.write(List.of(new LeaseWrite(lease, expected))).getFirst())
        .isInstanceOf(WriteOutcome.Committed.class);
  }

  @Test
  void reservationComesFirstEvenOverARequestedAddress() {
    AddressPool pool =
        pool(
            net()
                .range("10.0.0.10", "10.0.0.50")
                .reserve("02:00:00:00:00:07", "10.0.0.200")
                .build());

    assertThat(pool.choose(key("r"), mac(7), Optional.of(parse("10.0.0.20"))))
        .contains(parse("10.0.0.200"));
  }

  @Test
  void reservedAddressIsNeverGivenToAnotherClient() {
    AddressPool pool =
        pool(
            net()
                .range("10.0.0.10", "10.0.0.11")
                .reserve("02:00:00:00:00:07", "10.0.0.10")
                .build());

    assertThat(pool.choose(key("x"), mac(1), Optional.of(parse("10.0.0.10"))))
        .contains(parse("10.0.0.11"));
    pool.holdOffer(parse("10.0.0.11"), key("x"));
    assertThat(pool.choose(key("y"), mac(2), Optional.empty())).isEmpty();
  }

  @Test
  void currentLeaseComesBeforeTheRequestedAddress() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.50").build());
    bind(parse("10.0.0.33"), "c", 3, Duration.ofMinutes(5));

    assertThat(pool.choose(key("c"), mac(3), Optional.of(parse("10.0.0.20"))))
        .contains(parse("10.0.0.33"));
  }

  @Test
  void previousExpiredLeaseComesBackWhenNobodyTookIt() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.50").build());
    bind(parse("10.0.0.33"), "c", 3, Duration.ofMinutes(5));
    clock.advance(Duration.ofHours(3));

    assertThat(pool.choose(key("c"), mac(3), Optional.of(parse("10.0.0.20"))))
        .contains(parse("10.0.0.33"));
  }

  @Test
  void requestedAddressIsGivenWhenFreeAndInRange() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.50").build());

    assertThat(pool.choose(key("c"), mac(3), Optional.of(parse("10.0.0.44"))))
        .contains(parse("10.0.0.44"));
  }

  @Test
  void requestedAddressOutsideTheRangeTakenOrExcludedIsNotGiven() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.50").exclude("10.0.0.12").build());
    bind(parse("10.0.0.11"), "other", 9, Duration.ofMinutes(5));

    assertThat(pool.choose(key("a"), mac(1), Optional.of(parse("10.0.0.99"))))
        .contains(parse("10.0.0.10"));
    assertThat(pool.choose(key("b"), mac(2), Optional.of(parse("10.0.0.11"))))
        .contains(parse("10.0.0.10"));
    assertThat(pool.choose(key("b"), mac(2), Optional.of(parse("10.0.0.12"))))
        .contains(parse("10.0.0.10"));
    assertThat(pool.choose(key("b"), mac(2), Optional.of(parse("10.0.0.1"))))
        .contains(parse("10.0.0.10"));
  }

  @Test
  void drainingTheWholeSubnetNeverYieldsGatewayExcludedNetworkOrBroadcast() {
    DhcpNetworkConfig config =
        DhcpNetworkConfig.builder("blue", "10.0.0.0/28")
            .gateway("10.0.0.1")
            .serverId("10.0.0.2")
            .exclude("10.0.0.5", "10.0.0.9")
            .reserve("02:00:00:00:00:ff", "10.0.0.14")
            .build();
    AddressPool pool = pool(config);
    Set<Ipv4Address> handedOut = new HashSet<>();

    for (int i = 0; i < 20; i++) {
      Optional<Ipv4Address> chosen = pool.choose(key("c" + i), mac(i), Optional.empty());
      chosen.ifPresent(a -> pool.holdOffer(a, key("c" + handedOut.size())));
      chosen.ifPresent(handedOut::add);
      if (chosen.isEmpty()) {
        break;
      }
    }

    assertThat(handedOut)
        .containsExactlyInAnyOrder(
            parse("10.0.0.3"),
            parse("10.0.0.4"),
            parse("10.0.0.6"),
            parse("10.0.0.7"),
            parse("10.0.0.8"),
            parse("10.0.0.10"),
            parse("10.0.0.11"),
            parse("10.0.0.12"),
            parse("10.0.0.13"));
    assertThat(pool.exhausted()).isTrue();
  }

  @Test
  void addressesComeFromThisNodesBlockFirstAndNewBlocksAreClaimedWhenItIsFull() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.21").build());
    // Blocks of 4: [10-13] [14-17] [18-21].

    Ipv4Address first = pool.choose(key("a"), mac(1), Optional.empty()).orElseThrow();
    pool.holdOffer(first, key("a"));
    assertThat(ledger.read().value()).containsOnlyKeys(0);
    for (int i = 0; i < 4; i++) {
      pool.holdOffer(
          pool.choose(key("h" + i), mac(10 + i), Optional.empty()).orElseThrow(), key("h" + i));
    }

    assertThat(first).isEqualTo(parse("10.0.0.10"));
    assertThat(ledger.read().value()).containsOnlyKeys(0, 1).containsValues("node-a");
  }

  @Test
  void whenEveryBlockIsOwnedAddressesAreBorrowedFromOtherNodes() throws Exception {
    ledger.claim(0, "node-b", 1);
    ledger.claim(1, "node-b", 2);
    ledger.claim(2, "node-b", 3);
    DhcpNetworkConfig config = net().range("10.0.0.10", "10.0.0.21").build();
    AddressPool onA = pool(config);
    AddressPool onC =
        new AddressPool(
            config,
            store,
            new BlockAllocator(config.range(), 4, ledger, "node-c"),
            clock,
            PoolStatusListener.NONE);

    // Each borrowing node starts at a block of its own ("node-a": block 2, "node-c": block 1),
    // so two nodes borrowing at once do not write the same block.
    assertThat(onA.choose(key("a"), mac(1), Optional.empty())).contains(parse("10.0.0.18"));
    assertThat(onC.choose(key("c"), mac(3), Optional.empty())).contains(parse("10.0.0.14"));
    for (int i = 0; i < 4; i++) {
      bind(parse("10.0.0." + (18 + i)), "full" + i, 20 + i, Duration.ofHours(1));
    }
    assertThat(onA.choose(key("a"), mac(1), Optional.empty()))
        .as("its block full, node-a goes on round the range")
        .contains(parse("10.0.0.10"));
  }

  @Test
  void neverLeasedAddressesArePreferredToReleasedOnes() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.13").build());
    bind(parse("10.0.0.10"), "gone", 9, Duration.ofMinutes(1));
    clock.advance(Duration.ofMinutes(2));

    assertThat(pool.choose(key("new"), mac(1), Optional.empty())).contains(parse("10.0.0.11"));
  }

  @Test
  void aLapsedOfferGivesItsAddressBackAfterLaterAddressesWereLeased() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.13").build());
    Ipv4Address offered = pool.choose(key("a"), mac(1), Optional.empty()).orElseThrow();
    pool.holdOffer(offered, key("a"));
    Ipv4Address next = pool.choose(key("b"), mac(2), Optional.empty()).orElseThrow();
    bind(next, "b", 2, Duration.ofHours(1));

    clock.advance(Duration.ofMinutes(1));
    pool.expireHolds();

    assertThat(offered).isEqualTo(parse("10.0.0.10"));
    assertThat(next).isEqualTo(parse("10.0.0.11"));
    assertThat(pool.choose(key("c"), mac(3), Optional.empty())).contains(offered);
  }

  @Test
  void anAddressWhoseWriteFailedIsChosenAgain() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.13").build());
    Ipv4Address first = pool.choose(key("a"), mac(1), Optional.empty()).orElseThrow();
    assertThat(pool.beginCommit(first, key("a"))).isTrue();
    bind(
        pool.choose(key("b"), mac(2), Optional.empty()).orElseThrow(), "b", 2, Duration.ofHours(1));

    pool.endCommit(first, key("a"));

    assertThat(pool.choose(key("c"), mac(3), Optional.empty())).contains(first);
  }

  @Test
  void anAddressWhoseRecordWasRemovedIsFoundAgainInAFullBlock() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.13").build());
    for (int i = 0; i < 4; i++) {
      bind(
          pool.choose(key("c" + i), mac(i), Optional.empty()).orElseThrow(),
          "c" + i,
          i,
          Duration.ofHours(1));
    }
    assertThat(pool.choose(key("late"), mac(9), Optional.empty())).isEmpty();

    store.forget(parse("10.0.0.11"));
    // A block found full is looked at again after ten seconds at the latest.
    assertThat(pool.choose(key("late"), mac(9), Optional.empty())).isEmpty();
    clock.advance(Duration.ofSeconds(10));

    assertThat(pool.choose(key("late"), mac(9), Optional.empty())).contains(parse("10.0.0.11"));
  }

  @Test
  void aFullBlockIsSearchedAgainWhenOneOfItsLeasesRunsOut() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.13").build());
    for (int i = 0; i < 4; i++) {
      bind(
          pool.choose(key("c" + i), mac(i), Optional.empty()).orElseThrow(),
          "c" + i,
          i,
          Duration.ofSeconds(i == 2 ? 3 : 3600));
    }
    assertThat(pool.choose(key("late"), mac(9), Optional.empty())).isEmpty();
    clock.advance(Duration.ofSeconds(2));
    assertThat(pool.choose(key("late"), mac(9), Optional.empty())).isEmpty();

    clock.advance(Duration.ofSeconds(1));

    assertThat(pool.choose(key("late"), mac(9), Optional.empty())).contains(parse("10.0.0.12"));
  }

  @Test
  void claimingANewBlockDoesNotSearchTheFullOnesAgain() {
    CountingStore counting = new CountingStore(store);
    AddressPool pool = filledPool(net().range("10.0.0.10", "10.0.0.49").build(), 4, counting, 32);
    counting.lookups = 0;
    Optional<Ipv4Address> chosen = pool.choose(key("new"), mac(500), Optional.empty());

    assertThat(chosen).contains(parse("10.0.0.42"));
    // The last block: the one address after its prefix, then all four to find it full; then the
    // first address of the newly claimed block. The seven blocks found full before are not
    // searched again (the client's own record is looked up by client, not counted here).
    assertThat(counting.lookups).isEqualTo(1 + 4 + 1);
  }

  @Test
  void choosingInAFillingBlockLooksAtTheNextAddressesOnlyNotTheWholeBlock() {
    CountingStore counting = new CountingStore(store);
    AddressPool pool =
        filledPool(net().range("10.0.0.2", "10.0.0.254").build(), 256, counting, 200);
    counting.lookups = 0;
    Optional<Ipv4Address> chosen = pool.choose(key("new"), mac(500), Optional.empty());

    assertThat(chosen).contains(parse("10.0.0.202"));
    // The last address leased (which joins the prefix now), then the first one after it.
    assertThat(counting.lookups).isEqualTo(2);
  }

  /**
   * A pool on {@code store} with blocks of {@code blockSize}, after {@code leases} clients bound.
   */
  private AddressPool filledPool(
      DhcpNetworkConfig config, int blockSize, LeaseStore store, int leases) {
    AddressPool pool =
        new AddressPool(
            config,
            store,
            new BlockAllocator(config.range(), blockSize, ledger, "node-a"),
            clock,
            PoolStatusListener.NONE);
    for (int i = 0; i < leases; i++) {
      bind(
          pool.choose(key("c" + i), mac(i), Optional.empty()).orElseThrow(),
          "c" + i,
          i,
          Duration.ofHours(1));
    }
    return pool;
  }

  /** Counts the address lookups the pool makes, which is what a choice costs. */
  private static final class CountingStore implements LeaseStore {
    private final LeaseStore store;
    private int lookups;

    CountingStore(LeaseStore store) {
      this.store = store;
    }

    @Override
    public Optional<Versioned<Lease>> byAddress(Ipv4Address address) {
      lookups++;
      return store.byAddress(address);
    }

    @Override
    public Optional<Versioned<Lease>> byClient(ClientKey client) {
      return store.byClient(client);
    }

    @Override
    public List<Versioned<Lease>> byMac(MacAddress mac) {
      return store.byMac(mac);
    }

    @Override
    public List<WriteOutcome> write(List<LeaseWrite> writes) {
      return store.write(writes);
    }
  }

  @Test
  void addressBeingCommittedIsNotOfferedToAnotherClient() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.11").build());

    assertThat(pool.beginCommit(parse("10.0.0.10"), key("a"))).isTrue();

    assertThat(pool.beginCommit(parse("10.0.0.10"), key("b"))).isFalse();
    assertThat(pool.choose(key("b"), mac(2), Optional.of(parse("10.0.0.10"))))
        .contains(parse("10.0.0.11"));
    clock.advance(Duration.ofDays(1));
    assertThat(pool.isAvailable(parse("10.0.0.10"), key("b"), mac(2))).isFalse();
    pool.endCommit(parse("10.0.0.10"), key("a"));
    assertThat(pool.isAvailable(parse("10.0.0.10"), key("b"), mac(2))).isTrue();
  }

  @Test
  void expiredOfferHoldsAreForgotten() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.10").build());
    pool.holdOffer(parse("10.0.0.10"), key("a"));
    assertThat(pool.isAvailable(parse("10.0.0.10"), key("b"), mac(2))).isFalse();

    clock.advance(Duration.ofSeconds(30));
    pool.expireHolds();

    assertThat(pool.isAvailable(parse("10.0.0.10"), key("b"), mac(2))).isTrue();
    assertThat(pool.choose(key("a"), mac(1), Optional.empty())).contains(parse("10.0.0.10"));
  }

  @Test
  void aFloodOfDiscoveringClientsHoldsAtMostOneEntryPerAddress() {
    AddressPool pool = pool(net().range("10.0.0.10", "10.0.0.13").build());

    for (int i = 0; i < 5_000; i++) {
      clock.advance(Duration.ofSeconds(31));
      ClientKey spoofed = key("spoofed-" + i);
      pool.choose(spoofed, mac(i), Optional.empty())
          .ifPresent(address -> pool.holdOffer(address, spoofed));
    }

    assertThat(pool.heldAddresses()).isLessThanOrEqualTo(4);
  }
}

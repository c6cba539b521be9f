package io.kvswitch.dataplane.dhcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitTest {

  @Test
  void portBurstIsServedThenDiscoversAreDroppedUntilTokensFlowBack() {
    ServerFixture f =
        new ServerFixture(
            ServerFixture.network().build(),
            new RateLimits(5, 10, 1000, 1000, 100, 100),
            Runnable::run);

    for (int i = 0; i < 10; i++) {
      f.expect(
          new TestClient(String.format("02:00:00:00:00:%02x", i)).discover(),
          DhcpMessageType.OFFER);
    }
    f.expectSilence(new TestClient("02:00:00:00:00:aa").discover());
    f.clock.advance(Duration.ofMillis(400));
    f.expect(new TestClient("02:00:00:00:00:ab").discover(), DhcpMessageType.OFFER);
    f.expect(new TestClient("02:00:00:00:00:ac").discover(), DhcpMessageType.OFFER);
    f.expectSilence(new TestClient("02:00:00:00:00:ad").discover());

    assertThat(f.server.counters().dropped(DropReason.RATE_LIMITED)).isEqualTo(2);
    assertThat(f.server.counters().sent(DhcpMessageType.OFFER)).isEqualTo(12);
  }

  @Test
  void portsHaveSeparateBuckets() {
    ServerFixture f =
        new ServerFixture(
            ServerFixture.network().build(),
            new RateLimits(1, 1, 1000, 1000, 100, 100),
            Runnable::run);

    assertThat(f.server.handle(new TestClient("02:00:00:00:00:01").discover(), "p1").join())
        .isPresent();
    assertThat(f.server.handle(new TestClient("02:00:00:00:00:02").discover(), "p1").join())
        .isEmpty();
    assertThat(f.server.handle(new TestClient("02:00:00:00:00:03").discover(), "p2").join())
        .isPresent();
  }

  @Test
  void oneMacCannotDrainThePoolByChangingItsClientIdentifier() {
    ServerFixture f =
        new ServerFixture(
            ServerFixture.network().build(),
            new RateLimits(1000, 1000, 1, 4, 100, 100),
            Runnable::run);

    int leased = 0;
    for (int i = 1; i <= 20; i++) {
      byte[] clientId = {0, (byte) i};
      TestClient impostor =
          new TestClient("02:00:00:00:00:66").withOptions(o -> o.clientId(clientId));
      Optional<DhcpMessage> offer = f.send(impostor.discover());
      if (offer.isPresent()) {
        f.expect(impostor.select(offer.get().yiaddr(), f.config.serverId()), DhcpMessageType.ACK);
        leased++;
      }
    }

    assertThat(leased).as("a burst of 4 covers two DISCOVER+REQUEST exchanges").isEqualTo(2);
    assertThat(f.server.counters().dropped(DropReason.RATE_LIMITED)).isEqualTo(18);
    f.clock.advance(Duration.ofSeconds(2));
    assertThat(f.send(new TestClient("02:00:00:00:00:66").discover())).isPresent();
  }

  @Test
  void oneMacHoldsAtMostItsShareOfLiveLeases() {
    ServerFixture f =
        new ServerFixture(
            ServerFixture.network().build(),
            new RateLimits(1000, 1000, 1000, 1000, 100, 2),
            Runnable::run);
    List<TestClient> identities = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      byte[] clientId = {0, (byte) i};
      identities.add(new TestClient("02:00:00:00:00:77").withOptions(o -> o.clientId(clientId)));
    }
    var first = f.lease(identities.get(0));
    f.lease(identities.get(1));

    f.expectSilence(identities.get(2).discover());
    f.expectSilence(identities.get(2).select(f.config.range().last(), f.config.serverId()));
    f.expect(identities.get(0).renew(first), DhcpMessageType.ACK);
    f.expectSilence(identities.get(0).release(first, f.config.serverId()));

    assertThat(f.server.counters().dropped(DropReason.LEASE_LIMIT)).isEqualTo(2);
    assertThat(f.config.isDynamic(f.lease(identities.get(2)))).isTrue();
  }

  @Test
  void renewalsAreNotRateLimited() {
    ServerFixture f =
        new ServerFixture(
            ServerFixture.network().build(),
            new RateLimits(1000, 1000, 1, 2, 100, 100),
            Runnable::run);
    TestClient client = new TestClient("02:00:00:00:00:01");
    var bound = f.lease(client);

    for (int i = 0; i < 5; i++) {
      f.expect(client.renew(bound), DhcpMessageType.ACK);
    }
  }

  @Test
  void trackedKeysAreCappedSoASpoofedMacFloodCannotGrowMemory() {
    KeyedRateLimiter<Integer> limiter =
        new KeyedRateLimiter<>(1, 1, 3, new io.kvswitch.dataplane.dhcp.FakeClock());

    assertThat(limiter.tryAcquire(1)).isTrue();
    assertThat(limiter.tryAcquire(1)).isFalse();
    limiter.tryAcquire(2);
    limiter.tryAcquire(3);
    limiter.tryAcquire(4);

    assertThat(limiter.trackedKeys()).isEqualTo(3);
    assertThat(limiter.tryAcquire(1)).as("key 1 was forgotten, so it starts full").isTrue();
  }
}

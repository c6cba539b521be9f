package io.kvswitch.dataplane.bond;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.EthernetFrame;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BalanceSlbBondTest {

  private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
  private static final int STATIONS = 200;

  private final InMemoryPort host = new InMemoryPort("h1");
  private final InMemoryPort first = new InMemoryPort("eth0");
  private final InMemoryPort second = new InMemoryPort("eth1");
  private final BalanceSlbBond bond = new BalanceSlbBond("bond0", List.of(first, second));
  private final Bridge bridge =
      Bridge.builder()
          .threads(1)
          .addPort(host, PortVlanConfig.access(10))
          .addPort(bond, PortVlanConfig.trunk(VlanSet.of(10), 0))
          .build();

  @AfterEach
  void close() {
    bridge.close();
  }

  private static String station(int i) {
    return MacAddress.format(0x0200_0000_0000L + i * 7919L);
  }

  private void sendFromEveryStationTwice() {
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < STATIONS; i++) {
        host.inject(TestFrames.untagged(BROADCAST, station(i), 46));
      }
      while (bridge.pollOnce() > 0) {
        // drain the host port batch by batch
      }
    }
  }

  /** Source MAC to the member index each of its frames left on. */
  private Map<Long, Integer> memberBySource() {
    Map<Long, Integer> members = new HashMap<>();
    List<List<byte[]>> sent = List.of(first.takeSent(), second.takeSent());
    for (int member = 0; member < 2; member++) {
      for (byte[] frame : sent.get(member)) {
        long source = EthernetFrame.source(MemorySegment.ofArray(frame), 0);
        Integer previous = members.put(source, member);
        assertThat(previous).as("one station, one member").isIn(null, member);
      }
    }
    return members;
  }

  @Test
  void spreadsStationsOverTheMembersAndKeepsEachOnOne() {
    sendFromEveryStationTwice();
    Map<Long, Integer> members = memberBySource();

    assertThat(members).hasSize(STATIONS);
    long onFirst = members.values().stream().filter(m -> m == 0).count();
    assertThat(onFirst).as("stations on the first member").isBetween(60L, 140L);
    for (int i = 0; i < STATIONS; i++) {
      long mac = MacAddress.parse(station(i));
      assertThat(members.get(mac)).isEqualTo(bond.memberFor(mac, 10));
    }
  }

  @Test
  void movesEveryStationToTheSurvivorWhenAMemberGoesDown() {
    second.setLinkUp(false);
    sendFromEveryStationTwice();

    assertThat(first.takeSent()).hasSize(2 * STATIONS);
    assertThat(second.takeSent()).isEmpty();
  }

  @Test
  void acceptsFloodsOnlyOnThePrimaryMemberButUnicastOnAll() {
    String remote = "02:00:00:00:00:99";
    host.inject(TestFrames.untagged(BROADCAST, "02:00:00:00:00:01", 46));
    bridge.pollOnce();
    host.takeSent();

    first.inject(TestFrames.tagged(BROADCAST, remote, 10, 46));
    second.inject(TestFrames.tagged(BROADCAST, remote, 10, 46));
    second.inject(TestFrames.tagged("02:00:00:00:00:01", remote, 10, 46));
    bridge.pollOnce();

    assertThat(host.takeSent()).hasSize(2);
    assertThat(bond.discardedGroupFrames()).isEqualTo(1);
  }
}

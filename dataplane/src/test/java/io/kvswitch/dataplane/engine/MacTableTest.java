package io.kvswitch.dataplane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MacTableTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long MAC_A = 0x0200_0000_000aL;
  private static final long MAC_B = 0x0200_0000_000bL;

  private static MacTable table(int max, int perPort, int agingSeconds) {
    return new MacTable(new MacTableSettings(max, perPort, Duration.ofSeconds(agingSeconds)), 8);
  }

  @Test
  void learnsPerVlan() {
    MacTable table = table(16, 16, 300);
    table.learn(10, MAC_A, 1, 0);

    assertThat(table.lookup(10, MAC_A, 0)).isEqualTo(1);
    assertThat(table.lookup(20, MAC_A, 0)).isEqualTo(-1);
    assertThat(table.lookup(10, MAC_B, 0)).isEqualTo(-1);
    assertThat(table.stats().learned()).isEqualTo(1);
  }

  @Test
  void entriesAgeOutAfterTheAgingTimeAndTrafficKeepsThemAlive() {
    MacTable table = table(16, 16, 300);
    table.learn(10, MAC_A, 1, 0);
    table.learn(10, MAC_B, 2, 0);
    table.learn(10, MAC_B, 2, 200 * SECOND);

    assertThat(table.lookup(10, MAC_A, 300 * SECOND)).isEqualTo(1);
    assertThat(table.lookup(10, MAC_A, 301 * SECOND)).isEqualTo(-1);
    assertThat(table.expire(301 * SECOND)).isEqualTo(1);
    assertThat(table.lookup(10, MAC_B, 301 * SECOND)).isEqualTo(2);
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.stats().aged()).isEqualTo(1);
  }

  @Test
  void aFullTableEvictsFromThePortHoldingTheMostEntries() {
    MacTable table = table(6, 100, 300);
    for (int i = 0; i < 4; i++) {
      table.learn(1, 0x0200_0000_0100L + i, 3, i);
    }
    table.learn(1, MAC_A, 1, 10);
    table.learn(1, MAC_B, 2, 11);

    table.learn(1, 0x0200_0000_0200L, 4, 12);

    assertThat(table.size()).isEqualTo(6);
    assertThat(table.sizeOfPort(3)).isEqualTo(3);
    assertThat(table.lookup(1, 0x0200_0000_0100L, 12)).as("oldest of port 3").isEqualTo(-1);
    assertThat(table.lookup(1, MAC_A, 12)).isEqualTo(1);
    assertThat(table.lookup(1, MAC_B, 12)).isEqualTo(2);
    assertThat(table.lookup(1, 0x0200_0000_0200L, 12)).isEqualTo(4);
    assertThat(table.stats().evictedTableFull()).isEqualTo(1);
  }

  @Test
  void aPortAtItsLimitReplacesItsOwnOldestEntry() {
    MacTable table = table(100, 2, 300);
    table.learn(1, MAC_A, 5, 0);
    table.learn(1, 0x0200_0000_0001L, 5, 1);
    table.learn(1, 0x0200_0000_0002L, 5, 2);
    table.learn(1, MAC_B, 6, 3);

    assertThat(table.sizeOfPort(5)).isEqualTo(2);
    assertThat(table.lookup(1, MAC_A, 3)).isEqualTo(-1);
    assertThat(table.lookup(1, 0x0200_0000_0001L, 3)).isEqualTo(5);
    assertThat(table.lookup(1, 0x0200_0000_0002L, 3)).isEqualTo(5);
    assertThat(table.lookup(1, MAC_B, 3)).isEqualTo(6);
    assertThat(table.stats().evictedPortLimit()).isEqualTo(1);
  }

  @Test
  void aMacSeenOnAnotherPortMovesAtOnce() {
    MacTable table = table(16, 16, 300);
    table.learn(7, MAC_A, 1, 0);
    table.learn(7, MAC_A, 2, 1);

    assertThat(table.lookup(7, MAC_A, 1)).isEqualTo(2);
    assertThat(table.sizeOfPort(1)).isZero();
    assertThat(table.sizeOfPort(2)).isEqualTo(1);
    assertThat(table.stats().moved()).isEqualTo(1);
  }

  @Test
  void staticEntriesNeverAgeMoveOrGetEvicted() {
    MacTable table = table(3, 100, 300);
    table.addStatic(1, MAC_A, 4);
    table.learn(1, MAC_A, 2, 0);
    table.learn(1, 0x0200_0000_0001L, 2, 0);
    table.learn(1, 0x0200_0000_0002L, 2, 0);
    table.learn(1, 0x0200_0000_0003L, 2, 0);

    assertThat(table.expire(10_000 * SECOND)).isEqualTo(2);
    assertThat(table.lookup(1, MAC_A, 10_000 * SECOND)).isEqualTo(4);
    MacTableStats stats = table.stats();
    assertThat(stats.entries()).isEqualTo(1);
    assertThat(stats.staticEntries()).isEqualTo(1);
    assertThat(stats.staticMoveRejected()).isEqualTo(1);
    assertThat(stats.evictedTableFull()).isEqualTo(1);
  }

  @Test
  void aTableFullOfStaticEntriesRefusesToLearn() {
    MacTable table = table(2, 100, 300);
    table.addStatic(1, MAC_A, 0);
    table.addStatic(1, MAC_B, 0);
    table.learn(1, 0x0200_0000_0001L, 1, 0);

    assertThat(table.lookup(1, 0x0200_0000_0001L, 0)).isEqualTo(-1);
    assertThat(table.stats().learnRejected()).isEqualTo(1);
    assertThatThrownBy(() -> table.addStatic(1, 0x0200_0000_0002L, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("MAC table full of static entries (2), cannot add another");
  }

  @Test
  void flushingAPortForgetsItsDynamicEntriesOnly() {
    MacTable table = table(16, 16, 300);
    table.addStatic(1, MAC_A, 3);
    table.learn(1, MAC_B, 3, 0);
    table.learn(2, MAC_B, 3, 0);

    assertThat(table.flushPort(3)).isEqualTo(2);
    assertThat(table.lookup(1, MAC_A, 0)).isEqualTo(3);
    assertThat(table.lookup(1, MAC_B, 0)).isEqualTo(-1);
  }

  @Test
  void agreesWithAPlainMapUnderRandomChurn() {
    MacTable table = table(1024, 1024, 300);
    Map<Long, Integer> model = new HashMap<>();
    Random random = new Random(42);
    for (int step = 0; step < 50_000; step++) {
      int vlan = 1 + random.nextInt(3);
      long mac = 0x0200_0000_0000L + random.nextInt(300);
      long key = MacTable.key(vlan, mac);
      if (random.nextInt(3) == 0) {
        assertThat(table.remove(vlan, mac)).isEqualTo(model.remove(key) != null);
      } else {
        int port = random.nextInt(8);
        table.learn(vlan, mac, port, step);
        model.put(key, port);
      }
    }
    assertThat(table.size()).isEqualTo(model.size());
    model.forEach(
        (key, port) ->
            assertThat(table.lookup((int) (key >>> 48), key & 0xFFFF_FFFF_FFFFL, 50_000))
                .isEqualTo(port));
  }
}

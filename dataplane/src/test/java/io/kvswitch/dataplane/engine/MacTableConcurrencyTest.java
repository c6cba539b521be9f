package io.kvswitch.dataplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Forwarding threads share the table: learners, lookups and aging run at the same time. */
class MacTableConcurrencyTest {

  private static final int STATIONS_PER_PORT = 2_000;

  @Test
  void concurrentLearnersEndWithEveryStationOnItsOwnPort() throws Exception {
    MacTable table = new MacTable(new MacTableSettings(16_384, 4_096, Duration.ofSeconds(300)), 4);
    AtomicBoolean learning = new AtomicBoolean(true);
    AtomicLong wrongPorts = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> learners = new ArrayList<>();
      for (int port = 0; port < 3; port++) {
        int learnerPort = port;
        learners.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 20; round++) {
                    for (int i = 0; i < STATIONS_PER_PORT; i++) {
                      table.learn(1 + i % 3, station(learnerPort, i), learnerPort, round);
                    }
                  }
                }));
      }
      Future<?> reader =
          pool.submit(
              () -> {
                while (learning.get()) {
                  for (int port = 0; port < 3; port++) {
                    for (int i = 0; i < STATIONS_PER_PORT; i += 7) {
                      int found = table.lookup(1 + i % 3, station(port, i), 0);
                      if (found != -1 && found != port) {
                        wrongPorts.incrementAndGet();
                      }
                    }
                  }
                }
              });
      for (Future<?> learner : learners) {
        learner.get(60, TimeUnit.SECONDS);
      }
      learning.set(false);
      reader.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    assertThat(wrongPorts.get()).as("lookups that saw a station on another port").isZero();
    assertThat(table.size()).isEqualTo(3 * STATIONS_PER_PORT);
    for (int port = 0; port < 3; port++) {
      assertThat(table.sizeOfPort(port)).isEqualTo(STATIONS_PER_PORT);
      for (int i = 0; i < STATIONS_PER_PORT; i++) {
        assertThat(table.lookup(1 + i % 3, station(port, i), 0)).isEqualTo(port);
      }
    }
  }

  @Test
  void churnAgainstTheCapsKeepsTheTableWithinBounds() throws Exception {
    MacTable table = new MacTable(new MacTableSettings(1_000, 400, Duration.ofSeconds(1)), 4);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int port = 0; port < 2; port++) {
        int learnerPort = port;
        workers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 100_000; i++) {
                    table.learn(1, station(learnerPort, i), learnerPort, i * 10_000L);
                  }
                }));
      }
      workers.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 200; i++) {
                  table.expire(i * 5_000_000L);
                }
              }));
      for (Future<?> worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    MacTableStats stats = table.stats();
    assertThat(stats.entries()).isBetween(1, 800);
    assertThat(table.sizeOfPort(0) + table.sizeOfPort(1)).isEqualTo(stats.entries());
    assertThat(stats.learned())
        .isEqualTo(
            stats.entries() + stats.aged() + stats.evictedPortLimit() + stats.evictedTableFull());
  }

  private static long station(int port, int i) {
    return 0x0200_0000_0000L | ((long) port << 24) | i;
  }
}

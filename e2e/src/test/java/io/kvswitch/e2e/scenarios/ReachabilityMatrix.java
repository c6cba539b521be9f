package io.kvswitch.e2e.scenarios;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expected and seen reachability between every ordered pair of workloads. When any cell differs it
 * fails with the whole table, so one look shows which pairs broke.
 */
final class ReachabilityMatrix {

  private final List<String> workloads;
  private final Map<String, Boolean> expected = new LinkedHashMap<>();
  private final Map<String, Boolean> seen = new LinkedHashMap<>();

  ReachabilityMatrix(List<String> workloads) {
    this.workloads = List.copyOf(workloads);
  }

  void expect(String from, String to, boolean reachable) {
    expected.put(from + ">" + to, reachable);
  }

  boolean expected(String from, String to) {
    return expected.getOrDefault(from + ">" + to, false);
  }

  void saw(String from, String to, boolean reachable) {
    seen.put(from + ">" + to, reachable);
  }

  /** Rows are sources, columns destinations; a cell is {@code ok} or {@code expected/seen}. */
  String table() {
    int width = Math.max(20, workloads.stream().mapToInt(String::length).max().orElse(0) + 2);
    StringBuilder table = new StringBuilder(String.format("%-" + width + "s", "from\\to"));
    workloads.forEach(w -> table.append(String.format("%-" + width + "s", w)));
    table.append('\n');
    for (String from : workloads) {
      table.append(String.format("%-" + width + "s", from));
      for (String to : workloads) {
        String cell;
        if (from.equals(to)) {
          cell = "-";
        } else {
          boolean want = expected(from, to);
          Boolean got = seen.get(from + ">" + to);
          String wantText = want ? "reach" : "block";
          cell =
              got == null
                  ? "?"
                  : got == want
                      ? "ok " + wantText
                      : "FAIL " + wantText + "/" + (got ? "reach" : "block");
        }
        table.append(String.format("%-" + width + "s", cell));
      }
      table.append('\n');
    }
    return table.toString();
  }

  void assertAsExpected() {
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Boolean> cell : seen.entrySet()) {
      if (!cell.getValue().equals(expected.getOrDefault(cell.getKey(), false))) {
        wrong.add(cell.getKey());
      }
    }
    System.out.println("reachability (cell: expected, FAIL expected/seen):\n" + table());
    if (!wrong.isEmpty()) {
      fail("reachability differs from what is expected for " + wrong + ":\n" + table());
    }
  }
}

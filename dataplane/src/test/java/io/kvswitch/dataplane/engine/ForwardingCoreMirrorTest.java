package io.kvswitch.dataplane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvswitch.dataplane.FakeClock;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.frame.TagEdit;
import io.kvswitch.dataplane.mirror.MirrorRule;
import io.kvswitch.dataplane.mirror.MirrorStats;
import io.kvswitch.dataplane.mirror.TrafficFilter;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingCoreMirrorTest {

  private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
  private static final String A = "02:00:00:00:00:0a";
  private static final String B = "02:00:00:00:00:0b";
  private static final String TAP = "02:00:00:00:00:7a";
  private static final String X = "02:00:00:00:00:0f";

  // 0, 1, 2: access VLAN 10 (2 is the analyser); 3: access VLAN 20; 4: trunk 10,20.
  private static final int PORT_A = 0;
  private static final int PORT_B = 1;
  private static final int ANALYSER = 2;
  private static final int OTHER_VLAN = 3;
  private static final int TRUNK = 4;

  private final FakeClock clock = new FakeClock();
  private final ForwardingCore core = new ForwardingCore(8, MacTableSettings.DEFAULTS);
  private final ForwardingResult result = new ForwardingResult(8);
  private final MirrorStats stats = new MirrorStats("apps/span");

  ForwardingCoreMirrorTest() {
    core.setPort(PORT_A, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
    core.setPort(PORT_B, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
    core.setPort(ANALYSER, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
    core.setPort(OTHER_VLAN, PortVlanConfig.access(20), StormControlSettings.UNLIMITED);
    core.setPort(
        TRUNK, PortVlanConfig.trunk(VlanSet.parse("10,20"), 0), StormControlSettings.UNLIMITED);
  }

  private ForwardingResult process(int ingress, byte[] frame) {
    MemorySegment segment = TestFrames.inNativeMemory(frame, 3);
    core.process(ingress, segment, 3, frame.length, clock.getAsLong(), result);
    return result;
  }

  private MirrorRule rule(int[] receivedOn, int[] sentOn) {
    return new MirrorRule(ANALYSER, receivedOn, sentOn, TrafficFilter.ANY, 0, 1, stats);
  }

  private static List<String> outputs(ForwardingResult result) {
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < result.outputCount(); i++) {
      outputs.add(result.port(i) + " " + result.tagEdit(i));
    }
    return outputs;
  }

  private static List<String> copies(ForwardingResult result) {
    List<String> copies = new ArrayList<>();
    for (int i = 0; i < result.copyCount(); i++) {
      TagEdit edit = result.copyTagEdit(i);
      String vid =
          edit == TagEdit.PUSH || edit == TagEdit.REWRITE ? " " + result.copyEgressVid(i) : "";
      copies.add(result.copyRule(i).destination() + " " + edit + vid);
    }
    return copies;
  }

  /** Both stations have sent once, so unicast between them is not flooded. */
  private void learnAAndB() {
    process(PORT_A, TestFrames.untagged(BROADCAST, A, 46));
    process(PORT_B, TestFrames.untagged(BROADCAST, B, 46));
  }

  @Test
  void receivedFramesAreCopiedOnlyFromTheSourcePortAsTheyCameIn() {
    core.setMirrors(List.of(rule(new int[] {PORT_A}, new int[0])));
    learnAAndB();

    assertThat(outputs(process(PORT_A, TestFrames.untagged(B, A, 46)))).containsExactly("1 KEEP");
    assertThat(copies(result)).containsExactly("2 KEEP");
    assertThat(outputs(process(PORT_B, TestFrames.untagged(A, B, 46)))).containsExactly("0 KEEP");
    assertThat(copies(result)).as("what port A is sent is another direction").isEmpty();
  }

  @Test
  void sentFramesAreCopiedAsTheyWentOutWithTheSourcePortsTagEdit() {
    core.setMirrors(List.of(rule(new int[0], new int[] {PORT_A, TRUNK})));
    learnAAndB();

    assertThat(outputs(process(PORT_B, TestFrames.untagged(A, B, 46)))).containsExactly("0 KEEP");
    assertThat(copies(result)).containsExactly("2 KEEP");
    assertThat(outputs(process(PORT_A, TestFrames.untagged(B, A, 46)))).containsExactly("1 KEEP");
    assertThat(copies(result)).isEmpty();

    process(TRUNK, TestFrames.tagged(BROADCAST, X, 10, 46));
    assertThat(outputs(process(PORT_B, TestFrames.untagged(X, B, 46)))).containsExactly("4 PUSH");
    assertThat(copies(result))
        .as("the copy carries the tag the trunk sent")
        .containsExactly("2 PUSH 10");
  }

  @Test
  void bothDirectionsAndAFloodGiveOneCopyPerSessionPerFrame() {
    core.setMirrors(List.of(rule(new int[] {PORT_A, PORT_B}, new int[] {PORT_A, PORT_B, TRUNK})));

    assertThat(outputs(process(PORT_A, TestFrames.untagged(BROADCAST, A, 46))))
        .containsExactly("1 KEEP", "4 PUSH");
    assertThat(copies(result)).containsExactly("2 KEEP");

    MirrorStats second = new MirrorStats("apps/second");
    core.setMirrors(
        List.of(
            rule(new int[0], new int[] {PORT_B}),
            new MirrorRule(
                ANALYSER, new int[0], new int[] {TRUNK}, TrafficFilter.ANY, 0, 1, second)));
    process(PORT_A, TestFrames.untagged(BROADCAST, A, 46));
    assertThat(copies(result))
        .as("two sessions, one copy each")
        .containsExactly("2 KEEP", "2 PUSH 10");
    assertThat(result.copyRule(1).stats()).isSameAs(second);
  }

  @Test
  void theDestinationTakesNoNormalTrafficAndWhatItSendsIsDropped() {
    process(ANALYSER, TestFrames.untagged(BROADCAST, TAP, 46));
    core.setMirrors(List.of(rule(new int[] {PORT_A}, new int[] {PORT_A})));

    assertThat(outputs(process(PORT_A, TestFrames.untagged(BROADCAST, A, 46))))
        .as("a flood skips the destination")
        .containsExactly("1 KEEP", "4 PUSH");
    assertThat(outputs(process(PORT_A, TestFrames.untagged(TAP, A, 46))))
        .as("the MAC learned there before is forgotten, so unicast to it is flooded elsewhere")
        .containsExactly("1 KEEP", "4 PUSH");
    assertThat(result.flooded()).isTrue();

    assertThat(process(ANALYSER, TestFrames.untagged(A, TAP, 46)).dropReason())
        .isEqualTo(DropReason.MIRROR_DESTINATION);
    assertThat(result.copyCount()).isZero();
    assertThat(core.macTable().lookup(10, MacAddress.parse(TAP), clock.getAsLong()))
        .as("nothing is learned on the destination")
        .isNegative();

    core.setMirrors(List.of());
    assertThat(outputs(process(PORT_A, TestFrames.untagged(BROADCAST, A, 46))))
        .as("once no session uses it, the port is an ordinary port again")
        .containsExactly("1 KEEP", "2 KEEP", "4 PUSH");
    assertThat(result.copyCount()).isZero();
  }

  @Test
  void aDestinationNeverMirrorsIntoItself() {
    MirrorRule rule = rule(new int[] {ANALYSER, PORT_A}, new int[] {ANALYSER});
    assertThat(rule.receivedOn()).containsExactly(PORT_A);
    assertThat(rule.sentOn()).isEmpty();
    core.setMirrors(List.of(rule));

    process(ANALYSER, TestFrames.untagged(BROADCAST, TAP, 46));
    assertThat(result.copyCount()).isZero();
  }

  @Test
  void framesTheSwitchDropsAreNotCopied() {
    core.setMirrors(List.of(rule(new int[] {PORT_A}, new int[0])));
    assertThat(process(PORT_A, TestFrames.tagged(BROADCAST, A, 10, 46)).dropReason())
        .isEqualTo(DropReason.TAGGED_ON_ACCESS_PORT);
    assertThat(result.copyCount()).isZero();
  }

  @Test
  void mirroringLeavesVlanIsolationOfNormalTrafficAlone() {
    String[] destinations = {BROADCAST, A, B, X, "02:00:00:00:00:99"};
    List<String> without = new ArrayList<>();
    List<String> with = new ArrayList<>();
    for (List<String> seen : List.of(without, with)) {
      ForwardingCore fresh = new ForwardingCore(8, MacTableSettings.DEFAULTS);
      for (int port = 0; port <= TRUNK; port++) {
        fresh.setPort(
            port,
            port == OTHER_VLAN
                ? PortVlanConfig.access(20)
                : port == TRUNK
                    ? PortVlanConfig.trunk(VlanSet.parse("10,20"), 0)
                    : PortVlanConfig.access(10),
            StormControlSettings.UNLIMITED);
      }
      if (seen == with) {
        fresh.setMirrors(
            List.of(
                new MirrorRule(
                    5,
                    new int[] {0, 1, 3, 4},
                    new int[] {0, 1, 3, 4},
                    TrafficFilter.ANY,
                    0,
                    1,
                    stats)));
      }
      for (String destination : destinations) {
        for (int ingress : new int[] {PORT_A, OTHER_VLAN}) {
          byte[] frame = TestFrames.untagged(destination, ingress == PORT_A ? A : X, 46);
          fresh.process(ingress, TestFrames.inNativeMemory(frame, 0), 0, frame.length, 0, result);
          List<String> outputs = outputs(result);
          seen.add(ingress + "->" + destination + " " + outputs);
          if (ingress == OTHER_VLAN) {
            assertThat(outputs).doesNotContain("0 KEEP", "1 KEEP", "2 KEEP");
          }
        }
      }
    }
    assertThat(with).isEqualTo(without);
  }

  @Test
  void theFilterSelectsByProtocolAddressBlockAndPort() {
    TrafficFilter web =
        new TrafficFilter(TrafficFilter.TCP, ipv4("10.0.1.0"), 24, new int[] {80, 443});
    core.setMirrors(
        List.of(new MirrorRule(ANALYSER, new int[] {PORT_A}, new int[0], web, 0, 1, stats)));
    learnAAndB();

    record Case(byte[] frame, boolean copied, String why) {}
    List<Case> cases =
        List.of(
            new Case(tcp("10.0.1.5", "10.0.2.9", 40000, 80), true, "source in block, to port 80"),
            new Case(
                tcp("10.0.2.9", "10.0.1.5", 443, 40000), true, "destination in block, from 443"),
            new Case(tcp("10.0.1.5", "10.0.2.9", 40000, 22), false, "another port"),
            new Case(tcp("10.0.3.5", "10.0.2.9", 40000, 80), false, "neither address in the block"),
            new Case(
                TestFrames.ipv4(B, A, TrafficFilter.UDP, "10.0.1.5", "10.0.2.9", 40000, 80, 10),
                false,
                "UDP, not TCP"),
            new Case(TestFrames.untagged(B, A, 46), false, "not a valid IPv4 header"));
    for (Case c : cases) {
      process(PORT_A, c.frame());
      assertThat(result.copyCount()).as(c.why()).isEqualTo(c.copied() ? 1 : 0);
    }

    core.setMirrors(
        List.of(
            new MirrorRule(
                ANALYSER,
                new int[] {PORT_A},
                new int[0],
                new TrafficFilter(TrafficFilter.ICMP, 0, 0, new int[0]),
                0,
                1,
                stats)));
    process(
        PORT_A, TestFrames.ipv4(B, A, TrafficFilter.ICMP, "10.0.1.5", "10.0.2.9", 0x0800, 0, 8));
    assertThat(result.copyCount()).as("ICMP").isOne();
    process(PORT_A, tcp("10.0.1.5", "10.0.2.9", 1, 2));
    assertThat(result.copyCount()).isZero();
  }

  @Test
  void samplingCopiesOneCandidateInN() {
    learnAAndB();
    core.setMirrors(
        List.of(
            new MirrorRule(
                ANALYSER, new int[] {PORT_A}, new int[0], TrafficFilter.ANY, 0, 3, stats)));
    List<Integer> copied = new ArrayList<>();
    for (int frame = 0; frame < 9; frame++) {
      process(PORT_A, TestFrames.untagged(B, A, 46));
      copied.add(result.copyCount());
    }
    assertThat(copied).containsExactly(1, 0, 0, 1, 0, 0, 1, 0, 0);
    assertThat(Collections.frequency(copied, 1)).isEqualTo(3);
  }

  @Test
  void moreThan64SessionsOrAPortOutOfRangeAreRefused() {
    List<MirrorRule> many = new ArrayList<>();
    for (int i = 0; i < 65; i++) {
      many.add(rule(new int[] {PORT_A}, new int[0]));
    }
    assertThatThrownBy(() -> core.setMirrors(many)).hasMessageContaining("at most 64");
    assertThatThrownBy(
            () ->
                core.setMirrors(
                    List.of(
                        new MirrorRule(
                            9, new int[] {0}, new int[0], TrafficFilter.ANY, 0, 1, stats))))
        .hasMessageContaining("out of range");
    assertThat(core.mirrors()).isEmpty();
  }

  private static byte[] tcp(
      String sourceIp, String destinationIp, int sourcePort, int destinationPort) {
    return TestFrames.ipv4(
        B, A, TrafficFilter.TCP, sourceIp, destinationIp, sourcePort, destinationPort, 10);
  }

  private static int ipv4(String address) {
    int value = 0;
    for (String part : address.split("\\.")) {
      value = value << 8 | Integer.parseInt(part);
    }
    return value;
  }
}

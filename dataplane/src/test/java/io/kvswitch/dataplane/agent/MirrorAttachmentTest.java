package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.spec;
import static io.kvswitch.dataplane.agent.States.vlan;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.api.v1alpha1.ErspanDestination;
import io.kvswitch.api.v1alpha1.MirrorCounters;
import io.kvswitch.api.v1alpha1.MirrorDirection;
import io.kvswitch.api.v1alpha1.MirrorFilter;
import io.kvswitch.api.v1alpha1.MirrorPortSource;
import io.kvswitch.api.v1alpha1.MirrorPortTarget;
import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodeMirrorDestination;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeStateStatus;
import io.kvswitch.api.v1alpha1.TrafficProtocol;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.mirror.TrafficFilter;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Mirror sessions applied through the agent's engine to a real bridge with in-memory ports. */
class MirrorAttachmentTest {

  private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
  private static final String MAC_A = "02:00:00:00:00:01";
  private static final String MAC_B = "02:00:00:00:00:02";

  private final Bridge bridge = Bridge.builder().threads(1).build();
  private final Map<String, InMemoryPort> interfaces = new HashMap<>();
  private final List<InMemoryPort> erspanPorts = new ArrayList<>();
  private final List<ErspanDestination> erspanOpened = new ArrayList<>();
  private final BridgeSwitchEngine engine =
      new BridgeSwitchEngine(
          bridge,
          name ->
              interfaces.compute(
                  name, (n, old) -> old == null || old.isClosed() ? new InMemoryPort(n) : old),
          new OverlayAttachment(bridge, 0),
          (name, destination, mtu) -> {
            InMemoryPort port = new InMemoryPort(name);
            erspanPorts.add(port);
            erspanOpened.add(destination);
            return port;
          });
  private final StateApplier applier = new StateApplier(engine);

  @AfterEach
  void close() {
    bridge.close();
  }

  static SwitchNodeMirror toPort(SwitchNodeMirror mirror, String port, String node) {
    MirrorPortTarget target = new MirrorPortTarget();
    target.setPort(port);
    target.setNode(node);
    target.setVlanId(10);
    SwitchNodeMirrorDestination destination = new SwitchNodeMirrorDestination();
    destination.setPort(target);
    mirror.setDestination(destination);
    return mirror;
  }

  private static SwitchNodeMirror session(MirrorDirection direction, int snapLength) {
    SwitchNodeMirror mirror = new SwitchNodeMirror();
    mirror.setSession("apps/span");
    MirrorPortSource source = new MirrorPortSource();
    source.setPort("apps/a");
    source.setDirection(direction);
    mirror.setSources(List.of(source));
    mirror.setSnapLength(snapLength);
    mirror.setSamplingRate(1);
    return toPort(mirror, "apps/tap", "node-a");
  }

  private static SwitchNodeStateSpec pods(SwitchNodeMirror... mirrors) {
    SwitchNodeStateSpec spec = spec("fabric", "node-a");
    spec.getVlans().add(vlan(10, "apps/web"));
    spec.getPorts().add(port("apps/a", 10, MAC_A));
    spec.getPorts().add(port("apps/b", 10, MAC_B));
    spec.getPorts().add(port("apps/tap", 10, "02:00:00:00:00:7a"));
    spec.getMirrors().addAll(List.of(mirrors));
    return spec;
  }

  private InMemoryPort hostEnd(String portName) {
    return interfaces.get(HostInterfaces.forPort(portName));
  }

  /** a and b each send one frame to the other; both have been learned before. */
  private void exchange(byte[] fromA, byte[] fromB) {
    hostEnd("apps/a").inject(fromA);
    hostEnd("apps/b").inject(fromB);
    bridge.pollOnce();
  }

  private void learn() {
    exchange(TestFrames.untagged(BROADCAST, MAC_A, 46), TestFrames.untagged(BROADCAST, MAC_B, 46));
    interfaces.values().forEach(InMemoryPort::takeSent);
    erspanPorts.forEach(InMemoryPort::takeSent);
  }

  @Test
  void eachDirectionIsCopiedToTheLocalDestinationCutToTheSnapLength() {
    assertThat(
            applier
                .apply(DesiredState.of(1, pods(session(MirrorDirection.Egress, 64))))
                .succeeded())
        .isTrue();
    learn();
    byte[] fromA = TestFrames.untagged(MAC_B, MAC_A, 200);
    byte[] fromB = TestFrames.untagged(MAC_A, MAC_B, 100);
    exchange(fromA, fromB);
    assertThat(hostEnd("apps/tap").takeSent())
        .as("egress of the workload: what a sends")
        .containsExactly(Arrays.copyOf(fromA, 64));

    assertThat(
            applier
                .apply(DesiredState.of(2, pods(session(MirrorDirection.Ingress, 0))))
                .succeeded())
        .isTrue();
    exchange(fromA, fromB);
    assertThat(hostEnd("apps/tap").takeSent())
        .as("ingress of the workload: what a is sent, whole")
        .containsExactly(fromB);

    applier.apply(DesiredState.of(3, pods(session(MirrorDirection.Both, 0))));
    exchange(fromA, fromB);
    assertThat(hostEnd("apps/tap").takeSent()).containsExactly(fromA, fromB);
    hostEnd("apps/a").takeSent();
    hostEnd("apps/b").takeSent();
    exchange(fromA, fromB);
    assertThat(hostEnd("apps/tap").takeSent()).containsExactly(fromA, fromB);
    assertThat(hostEnd("apps/a").takeSent()).containsExactly(fromB);
    assertThat(hostEnd("apps/b").takeSent()).containsExactly(fromA);

    assertThat(engine.counters().mirrors())
        .as("counting went on through the changes, the broadcast a sent first included")
        .containsExactly(new MirrorSessionCounters("apps/span", 7, 0));
    SwitchNodeStateStatus status =
        NodeStatus.of(null, 3, new ApplyResult(3, 1, List.of()), engine.counters(), Instant.EPOCH);
    MirrorCounters reported = status.getCounters().getMirrors().getFirst();
    assertThat(reported.getSession()).isEqualTo("apps/span");
    assertThat(reported.getMirroredPackets()).isEqualTo(7);

    applier.apply(DesiredState.of(4, pods()));
    exchange(fromA, fromB);
    assertThat(hostEnd("apps/tap").takeSent()).as("removed: no more copies").isEmpty();
    assertThat(engine.counters().mirrors()).isEmpty();
    assertThat(bridge.core().mirrors()).isEmpty();
  }

  @Test
  void theFilterOfTheApiIsApplied() {
    SwitchNodeMirror web = session(MirrorDirection.Egress, 0);
    MirrorFilter filter = new MirrorFilter();
    filter.setProtocol(TrafficProtocol.TCP);
    filter.setCidr("10.0.1.0/24");
    filter.setPorts(List.of(80));
    web.setFilter(filter);
    applier.apply(DesiredState.of(1, pods(web)));
    learn();

    byte[] http =
        TestFrames.ipv4(MAC_B, MAC_A, TrafficFilter.TCP, "10.0.1.5", "10.0.1.6", 40000, 80, 20);
    byte[] ssh =
        TestFrames.ipv4(MAC_B, MAC_A, TrafficFilter.TCP, "10.0.1.5", "10.0.1.6", 40000, 22, 20);
    hostEnd("apps/a").inject(http);
    hostEnd("apps/a").inject(ssh);
    bridge.pollOnce();
    assertThat(hostEnd("apps/tap").takeSent()).containsExactly(http);
  }

  @Test
  void aSourcePortThatIsReplugsStaysMirroredAndTheDestinationTakesNoTraffic() {
    applier.apply(DesiredState.of(1, pods(session(MirrorDirection.Egress, 0))));
    SwitchNodeStateSpec standby = pods(session(MirrorDirection.Egress, 0));
    standby.getPorts().getFirst().setState(PortState.Standby);
    applier.apply(DesiredState.of(2, standby));
    assertThat(
            applier.apply(DesiredState.of(3, pods(session(MirrorDirection.Egress, 0)))).succeeded())
        .isTrue();
    learn();

    byte[] fromA = TestFrames.untagged(BROADCAST, MAC_A, 60);
    hostEnd("apps/a").inject(fromA);
    hostEnd("apps/tap").inject(TestFrames.untagged(BROADCAST, "02:00:00:00:00:7a", 60));
    bridge.pollOnce();
    assertThat(hostEnd("apps/tap").takeSent())
        .as("the copy only; not the flood, which skips a destination")
        .containsExactly(fromA);
    assertThat(hostEnd("apps/b").takeSent())
        .as("the analyser's own frame went nowhere")
        .containsExactly(fromA);
  }

  @Test
  void aRefusedSessionIsNamedInTheReasonAndTheOthersStay() {
    SwitchNodeMirror bad = session(MirrorDirection.Both, 0);
    bad.setSession("apps/bad");
    MirrorFilter filter = new MirrorFilter();
    filter.setProtocol(TrafficProtocol.ICMP);
    filter.setPorts(List.of(80));
    bad.setFilter(filter);
    SwitchNodeMirror noDestination = session(MirrorDirection.Both, 0);
    noDestination.setSession("apps/nowhere");
    noDestination.setDestination(new SwitchNodeMirrorDestination());

    ApplyResult result =
        applier.apply(
            DesiredState.of(1, pods(bad, noDestination, session(MirrorDirection.Both, 0))));

    assertThat(result.failures())
        .extracting(f -> f.message())
        .containsExactly(
            "mirror apps/bad: filter: filter ports need protocol TCP, UDP or SCTP",
            "mirror apps/nowhere: needs exactly one destination, a port or ERSPAN");
    assertThat(bridge.core().mirrors()).hasSize(1);
    assertThat(engine.counters().mirrors())
        .extracting(MirrorSessionCounters::session)
        .containsExactly("apps/span");
  }

  @Test
  void anUnpluggedDestinationIsRefusedUntilItIsThere() {
    SwitchNodeStateSpec spec = pods(session(MirrorDirection.Both, 0));
    spec.getPorts().removeLast();
    ApplyResult result = applier.apply(DesiredState.of(1, spec));
    assertThat(result.failures())
        .extracting(f -> f.message())
        .containsExactly("mirror apps/span: destination port apps/tap is not plugged here");

    assertThat(
            applier.apply(DesiredState.of(2, pods(session(MirrorDirection.Both, 0)))).succeeded())
        .isTrue();
    assertThat(bridge.core().mirrors()).hasSize(1);
  }

  @Test
  void anErspanDestinationGetsItsOwnPortWhichFollowsTheSession() {
    SwitchNodeMirror mirror = session(MirrorDirection.Egress, 0);
    mirror.setDestination(erspan("198.51.100.7", 12));
    applier.apply(DesiredState.of(1, pods(mirror)));
    learn();
    byte[] fromA = TestFrames.untagged(MAC_B, MAC_A, 60);
    hostEnd("apps/a").inject(fromA);
    bridge.pollOnce();
    assertThat(erspanPorts.getFirst().takeSent()).containsExactly(fromA);
    assertThat(bridge.portCount()).isEqualTo(4);

    hostEnd("apps/tap").inject(TestFrames.untagged(BROADCAST, "02:00:00:00:00:7a", 60));
    bridge.pollOnce();
    assertThat(hostEnd("apps/a").takeSent())
        .as("with an ERSPAN destination the tap port is an ordinary port")
        .hasSize(1);
    assertThat(erspanPorts.getFirst().takeSent()).as("the ERSPAN port is in no VLAN").isEmpty();

    SwitchNodeMirror moved = session(MirrorDirection.Egress, 0);
    moved.setDestination(erspan("198.51.100.8", 12));
    assertThat(applier.apply(DesiredState.of(2, pods(moved))).failures()).isEmpty();
    assertThat(erspanOpened)
        .extracting(ErspanDestination::getRemoteIp)
        .containsExactly("198.51.100.7", "198.51.100.8");
    assertThat(erspanPorts.getFirst().isClosed()).isTrue();
    hostEnd("apps/a").inject(fromA);
    bridge.pollOnce();
    assertThat(erspanPorts.getLast().takeSent()).containsExactly(fromA);

    applier.apply(DesiredState.of(3, pods()));
    assertThat(erspanPorts.getLast().isClosed()).isTrue();
    assertThat(bridge.portCount()).isEqualTo(3);
  }

  private static SwitchNodeMirrorDestination erspan(String remoteIp, int sessionId) {
    ErspanDestination erspan = new ErspanDestination();
    erspan.setRemoteIp(remoteIp);
    erspan.setSessionId(sessionId);
    erspan.setVersion(1);
    SwitchNodeMirrorDestination destination = new SwitchNodeMirrorDestination();
    destination.setErspan(erspan);
    return destination;
  }
}

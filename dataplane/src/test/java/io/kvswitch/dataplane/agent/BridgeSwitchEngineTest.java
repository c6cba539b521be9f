package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.mirror;
import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.remoteMac;
import static io.kvswitch.dataplane.agent.States.spec;
import static io.kvswitch.dataplane.agent.States.vlan;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.UplinkSpec;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Node states applied to a real bridge, driven step by step, with in-memory ports. */
class BridgeSwitchEngineTest {

  private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";

  private final Bridge bridge = Bridge.builder().threads(1).build();
  private final Map<String, InMemoryPort> interfaces = new HashMap<>();
  private final BridgeSwitchEngine engine =
      new BridgeSwitchEngine(
          bridge, name -> interfaces.computeIfAbsent(name, n -> new InMemoryPort(n)));
  private final StateApplier applier = new StateApplier(engine);

  @AfterEach
  void close() {
    bridge.close();
  }

  private InMemoryPort hostEnd(String portName) {
    return interfaces.get(HostInterfaces.forPort(portName));
  }

  private static SwitchNodeStateSpec threePorts() {
    SwitchNodeStateSpec spec = spec("fabric", "node-a");
    spec.getVlans().add(vlan(10, "apps/web"));
    spec.getVlans().add(vlan(20, "apps/db"));
    spec.getPorts().add(port("apps/a", 10, "02:00:00:00:00:01"));
    spec.getPorts().add(port("apps/b", 10, "02:00:00:00:00:02"));
    spec.getPorts().add(port("apps/c", 20, "02:00:00:00:00:03"));
    return spec;
  }

  @Test
  void portsArePluggedIntoTheirVlansByTheirHostInterfaceName() {
    assertThat(applier.apply(DesiredState.of(1, threePorts())).succeeded()).isTrue();

    hostEnd("apps/a").inject(TestFrames.untagged(BROADCAST, "02:00:00:00:00:01", 46));
    bridge.pollOnce();

    assertThat(hostEnd("apps/b").sentCount()).isEqualTo(1);
    assertThat(hostEnd("apps/c").sentCount()).isZero();
    assertThat(engine.counters().ports()).isEqualTo(3);
    assertThat(engine.counters().rxPackets()).isEqualTo(1);
    assertThat(engine.counters().txPackets()).isEqualTo(1);
  }

  @Test
  void aPortMovedToAnotherVlanForwardsThereWithoutBeingReopened() {
    applier.apply(DesiredState.of(1, threePorts()));
    InMemoryPort before = hostEnd("apps/b");
    SwitchNodeStateSpec next = threePorts();
    next.getPorts().get(1).setVlanId(20);

    applier.apply(DesiredState.of(2, next));
    hostEnd("apps/a").inject(TestFrames.untagged(BROADCAST, "02:00:00:00:00:01", 46));
    hostEnd("apps/c").inject(TestFrames.untagged(BROADCAST, "02:00:00:00:00:03", 46));
    bridge.pollOnce();

    assertThat(hostEnd("apps/b")).isSameAs(before);
    assertThat(before.isClosed()).isFalse();
    assertThat(before.sentCount()).isEqualTo(1);
    assertThat(hostEnd("apps/c").sentCount()).isEqualTo(0);
  }

  @Test
  void standbyAndRemovedPortsForwardNothing() {
    applier.apply(DesiredState.of(1, threePorts()));
    SwitchNodeStateSpec next = threePorts();
    next.getPorts().get(1).setState(PortState.Standby);
    next.getPorts().remove(2);

    applier.apply(DesiredState.of(2, next));

    assertThat(engine.isPlugged("apps/a")).isTrue();
    assertThat(engine.isPlugged("apps/b")).isFalse();
    assertThat(engine.isPlugged("apps/c")).isFalse();
    assertThat(bridge.portCount()).isEqualTo(1);
  }

  @Test
  void aMissingInterfaceAndMirrorsAreRefusedWithAReasonWhileARemoteMacWithoutPeerWaits() {
    BridgeSwitchEngine noInterfaces =
        new BridgeSwitchEngine(
            bridge,
            name -> {
              throw new IllegalStateException("if_nametoindex(" + name + ") failed");
            });
    SwitchNodeStateSpec spec = threePorts();
    spec.getRemoteMacs().add(remoteMac(10, "02:00:00:00:09:09", "node-b"));
    spec.getMirrors().add(MirrorAttachmentTest.toPort(mirror("apps/span"), "apps/tap", "node-b"));

    ApplyResult result = new StateApplier(noInterfaces).apply(DesiredState.of(1, spec));

    assertThat(result.failures())
        .extracting(f -> f.change().describe() + ": " + f.message())
        .containsExactly(
            "put port apps/a: if_nametoindex(" + HostInterfaces.forPort("apps/a") + ") failed",
            "put port apps/b: if_nametoindex(" + HostInterfaces.forPort("apps/b") + ") failed",
            "put port apps/c: if_nametoindex(" + HostInterfaces.forPort("apps/c") + ") failed",
            "put mirror apps/span: mirror apps/span: destination port apps/tap is on node node-b;"
                + " copies to a port on another node are not supported, use an ERSPAN destination");
    assertThat(noInterfaces.overlay().pendingRemoteMacs())
        .containsExactly(new DesiredState.RemoteMacKey(10, "02:00:00:00:09:09"));
    assertThat(noInterfaces.overlay().tunnel()).isNull();
  }

  @Test
  void anUplinkIsPluggedBesideThePortsAsATrunk() {
    SwitchNodeStateSpec spec = threePorts();
    UplinkSpec uplink = new UplinkSpec();
    uplink.setName("data");
    uplink.setInterfaces(List.of("eth1"));
    uplink.setAllowedVlans(List.of("10"));
    spec.getUplinks().add(uplink);

    ApplyResult result = applier.apply(DesiredState.of(1, spec));

    assertThat(result.failures()).isEmpty();
    assertThat(applier.realizedGeneration()).isEqualTo(1);
    hostEnd("apps/a").inject(TestFrames.untagged(BROADCAST, "02:00:00:00:00:01", 46));
    bridge.pollOnce();
    assertThat(hostEnd("apps/b").sentCount()).isEqualTo(1);
    assertThat(interfaces.get("eth1").takeSent())
        .singleElement()
        .satisfies(frame -> assertThat(frame).hasSize(14 + 4 + 46));
  }

  @Test
  void hostInterfaceNamesFitLinuxAndDifferPerPort() {
    assertThat(HostInterfaces.forPort("apps/a")).hasSize(15).startsWith("kvs");
    assertThat(HostInterfaces.forPort("apps/a")).isEqualTo(HostInterfaces.forPort("apps/a"));
    assertThat(HostInterfaces.forPort("apps/a")).isNotEqualTo(HostInterfaces.forPort("apps/b"));
  }
}

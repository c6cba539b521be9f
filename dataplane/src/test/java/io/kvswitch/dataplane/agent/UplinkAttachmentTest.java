package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.spec;
import static io.kvswitch.dataplane.agent.States.vlan;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.api.v1alpha1.BondMode;
import io.kvswitch.api.v1alpha1.BondSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.UplinkSpec;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.port.InMemoryPort;
import io.kvswitch.dataplane.port.Port;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Uplinks from node states, applied through the engine to a real bridge with in-memory NICs: what
 * leaves them tagged or untagged, what never leaves, bond failover, and changes at run time.
 */
class UplinkAttachmentTest {

  private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
  private static final String POD_A = "02:00:00:00:00:01";
  private static final String POD_C = "02:00:00:00:00:03";
  private static final String OUTSIDE = "02:00:00:00:0a:01";

  private final Bridge bridge = Bridge.builder().threads(1).build();
  private final Map<String, InMemoryPort> interfaces = new HashMap<>();
  private final Set<String> absent = new HashSet<>(Set.of("missing0", "missing1"));
  private final Function<String, Port> opener =
      name -> {
        if (absent.contains(name)) {
          throw new IllegalStateException("if_nametoindex(" + name + ") failed");
        }
        InMemoryPort port = new InMemoryPort(name);
        interfaces.put(name, port);
        return port;
      };
  private final BridgeSwitchEngine engine = new BridgeSwitchEngine(bridge, opener);
  private final StateApplier applier = new StateApplier(engine);

  @AfterEach
  void close() {
    bridge.close();
  }

  private InMemoryPort nic(String name) {
    return interfaces.get(name);
  }

  private InMemoryPort pod(String portName) {
    return interfaces.get(HostInterfaces.forPort(portName));
  }

  /** Pods a and b on VLAN 10, c on VLAN 20, and the given uplinks. */
  private static SwitchNodeStateSpec withUplinks(UplinkSpec... uplinks) {
    SwitchNodeStateSpec spec = spec("fabric", "node-a");
    spec.getVlans().add(vlan(10, "apps/web"));
    spec.getVlans().add(vlan(20, "apps/db"));
    spec.getPorts().add(port("apps/a", 10, POD_A));
    spec.getPorts().add(port("apps/b", 10, "02:00:00:00:00:02"));
    spec.getPorts().add(port("apps/c", 20, POD_C));
    spec.getUplinks().addAll(List.of(uplinks));
    return spec;
  }

  private static UplinkSpec uplink(String name, List<String> nics, String... allowed) {
    UplinkSpec uplink = new UplinkSpec();
    uplink.setName(name);
    uplink.setInterfaces(nics);
    uplink.setAllowedVlans(List.of(allowed));
    return uplink;
  }

  private static UplinkSpec bonded(BondMode mode, List<String> nics, String... allowed) {
    UplinkSpec uplink = uplink("data", nics, allowed);
    BondSpec bond = new BondSpec();
    bond.setMode(mode);
    uplink.setBond(bond);
    return uplink;
  }

  private void apply(long generation, SwitchNodeStateSpec spec) {
    ApplyResult result = applier.apply(DesiredState.of(generation, spec));
    assertThat(result.failures()).isEmpty();
  }

  private void broadcastFrom(String pod, String mac) {
    pod(pod).inject(TestFrames.untagged(BROADCAST, mac, 46));
    bridge.pollOnce();
  }

  /** The frame's 802.1Q VLAN id, or 0 when it is untagged. */
  private static int vlanOf(byte[] frame) {
    boolean tagged = (frame[12] & 0xff) == 0x81 && frame[13] == 0x00;
    return tagged ? ((frame[14] & 0x0f) << 8) | (frame[15] & 0xff) : 0;
  }

  private static List<Integer> vlansOf(List<byte[]> frames) {
    return frames.stream().map(UplinkAttachmentTest::vlanOf).toList();
  }

  @Test
  void aPodsFramesLeaveTheUplinkTaggedWithItsVlanAndTaggedFramesReachThePods() {
    apply(1, withUplinks(uplink("data", List.of("eth1"), "10-20")));

    broadcastFrom("apps/a", POD_A);
    broadcastFrom("apps/c", POD_C);

    assertThat(vlansOf(nic("eth1").takeSent())).containsExactly(10, 20);
    pod("apps/b").takeSent();
    assertThat(bridge.port(engine.uplinks().portIndex("data")).name()).isEqualTo("data");

    nic("eth1").inject(TestFrames.tagged(BROADCAST, OUTSIDE, 10, 46));
    bridge.pollOnce();

    List<byte[]> toB = pod("apps/b").takeSent();
    assertThat(vlansOf(toB)).containsExactly(0);
    assertThat(pod("apps/c").takeSent()).isEmpty();
  }

  @Test
  void framesOfAVlanTheUplinkDoesNotAllowNeverLeaveNorEnter() {
    apply(1, withUplinks(uplink("data", List.of("eth1"), "20")));

    broadcastFrom("apps/a", POD_A);
    nic("eth1").inject(TestFrames.tagged(BROADCAST, OUTSIDE, 10, 46));
    bridge.pollOnce();

    assertThat(nic("eth1").takeSent()).isEmpty();
    assertThat(pod("apps/b").takeSent()).hasSize(1); // pod a's broadcast only
    broadcastFrom("apps/c", POD_C);
    assertThat(vlansOf(nic("eth1").takeSent())).containsExactly(20);
  }

  @Test
  void theNativeVlanCrossesUntaggedAndAnUplinkWithoutAllowedVlansCarriesEveryOther() {
    UplinkSpec uplink = uplink("data", List.of("eth1"));
    uplink.setNativeVlan(20);
    apply(1, withUplinks(uplink));

    broadcastFrom("apps/a", POD_A);
    broadcastFrom("apps/c", POD_C);
    nic("eth1").inject(TestFrames.untagged(BROADCAST, OUTSIDE, 46));
    bridge.pollOnce();

    assertThat(vlansOf(nic("eth1").takeSent())).containsExactly(10, 0);
    assertThat(pod("apps/c").takeSent()).hasSize(1);
    assertThat(pod("apps/b").takeSent()).hasSize(1); // pod a's broadcast only
  }

  @Test
  void anActiveBackupBondMovesTrafficToTheBackupWhenTheActiveLinkGoesDown() {
    apply(1, withUplinks(bonded(BondMode.ActiveBackup, List.of("eth1", "eth2"), "10")));

    broadcastFrom("apps/a", POD_A);
    assertThat(vlansOf(nic("eth1").takeSent())).containsExactly(10);
    assertThat(nic("eth2").takeSent()).isEmpty();

    nic("eth1").setLinkUp(false);
    broadcastFrom("apps/a", POD_A);

    assertThat(nic("eth1").takeSent()).isEmpty();
    assertThat(vlansOf(nic("eth2").takeSent())).containsExactly(10);
    // Frames on the backup's peer side are heard now; the old active member is ignored.
    nic("eth2").inject(TestFrames.tagged(BROADCAST, OUTSIDE, 10, 46));
    bridge.pollOnce();
    assertThat(pod("apps/a").takeSent()).hasSize(1);
  }

  @Test
  void aBalanceSlbBondSendsEachFrameOutOfExactlyOneMember() {
    apply(1, withUplinks(bonded(BondMode.BalanceSLB, List.of("eth1", "eth2"), "10-20")));

    broadcastFrom("apps/a", POD_A);
    broadcastFrom("apps/c", POD_C);

    assertThat(nic("eth1").sentCount() + nic("eth2").sentCount()).isEqualTo(2);
  }

  @Test
  void changedVlansAreAppliedInPlaceWithTheNicKeptOpen() {
    apply(1, withUplinks(uplink("data", List.of("eth1"), "10")));
    InMemoryPort before = nic("eth1");
    int index = engine.uplinks().portIndex("data");

    apply(2, withUplinks(uplink("data", List.of("eth1"), "20")));
    broadcastFrom("apps/a", POD_A);
    broadcastFrom("apps/c", POD_C);

    assertThat(nic("eth1")).isSameAs(before);
    assertThat(before.isClosed()).isFalse();
    assertThat(engine.uplinks().portIndex("data")).isEqualTo(index);
    assertThat(vlansOf(before.takeSent())).containsExactly(20);
  }

  @Test
  void changedInterfacesReplaceTheUplinkAndARemovedOneIsUnpluggedAndClosed() {
    apply(1, withUplinks(uplink("data", List.of("eth1"), "10")));
    InMemoryPort first = nic("eth1");

    apply(2, withUplinks(bonded(BondMode.ActiveBackup, List.of("eth2", "eth3"), "10")));
    broadcastFrom("apps/a", POD_A);

    assertThat(first.isClosed()).isTrue();
    assertThat(first.takeSent()).isEmpty();
    assertThat(vlansOf(nic("eth2").takeSent())).containsExactly(10);
    assertThat(bridge.portCount()).isEqualTo(4);

    apply(3, withUplinks());

    assertThat(engine.uplinks().pluggedUplinks()).isEmpty();
    assertThat(nic("eth2").isClosed()).isTrue();
    assertThat(nic("eth3").isClosed()).isTrue();
    assertThat(bridge.portCount()).isEqualTo(3);
  }

  @Test
  void anUnchangedUplinkIsLeftAloneWhenOtherSettingsChange() {
    apply(1, withUplinks(uplink("data", List.of("eth1"), "10")));
    InMemoryPort before = nic("eth1");
    SwitchNodeStateSpec next = withUplinks(uplink("data", List.of("eth1"), "10"));
    next.setMtu(9000);

    apply(2, next);

    assertThat(nic("eth1")).isSameAs(before);
    assertThat(before.isClosed()).isFalse();
  }

  @Test
  void aNicThatCannotBeOpenedIsReportedAfterTheRestIsApplied() {
    SwitchNodeStateSpec spec =
        withUplinks(
            bonded(BondMode.ActiveBackup, List.of("missing0", "eth2"), "10"),
            uplink("backup", List.of("missing1"), "20"));

    ApplyResult result = applier.apply(DesiredState.of(1, spec));

    assertThat(result.failures())
        .extracting(f -> f.message())
        .containsExactly(
            "uplink data: interface missing0 cannot be opened: if_nametoindex(missing0) failed;"
                + " uplink backup: interface missing1 cannot be opened:"
                + " if_nametoindex(missing1) failed");
    assertThat(applier.realizedGeneration()).isZero();
    // The bond runs on the member that opened, and the pods forward.
    broadcastFrom("apps/a", POD_A);
    assertThat(vlansOf(nic("eth2").takeSent())).containsExactly(10);
    assertThat(pod("apps/b").takeSent()).hasSize(1);
    assertThat(engine.uplinks().pluggedUplinks()).containsExactly("data");
  }

  @Test
  void aNicThatAppearsLaterJoinsItsBondWhenTheStateIsAppliedAgain() {
    SwitchNodeStateSpec spec =
        withUplinks(bonded(BondMode.ActiveBackup, List.of("missing0", "eth2"), "10"));
    assertThat(applier.apply(DesiredState.of(1, spec)).failures()).hasSize(1);
    InMemoryPort degraded = nic("eth2");

    absent.clear();
    ApplyResult result = applier.apply(DesiredState.of(1, spec));

    assertThat(result.failures()).isEmpty();
    assertThat(applier.realizedGeneration()).isEqualTo(1);
    assertThat(degraded.isClosed()).isTrue();
    broadcastFrom("apps/a", POD_A);
    // missing0 is the first member, so it is the active one.
    assertThat(vlansOf(nic("missing0").takeSent())).containsExactly(10);
    assertThat(nic("eth2").takeSent()).isEmpty();
  }

  @Test
  void lacpIsRefusedWithAReason() {
    ApplyResult result =
        applier.apply(
            DesiredState.of(1, withUplinks(bonded(BondMode.LACP, List.of("eth1", "eth2")))));

    assertThat(result.failures())
        .extracting(f -> f.message())
        .containsExactly(
            "uplink data: bond mode LACP is not supported by the switch engine; use ActiveBackup"
                + " or BalanceSLB");
    assertThat(interfaces).doesNotContainKey("eth1");
  }
}

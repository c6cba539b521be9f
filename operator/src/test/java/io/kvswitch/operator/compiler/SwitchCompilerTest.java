package io.kvswitch.operator.compiler;

import static io.kvswitch.operator.compiler.Fixtures.network;
import static io.kvswitch.operator.compiler.Fixtures.node;
import static io.kvswitch.operator.compiler.Fixtures.podMirror;
import static io.kvswitch.operator.compiler.Fixtures.port;
import static io.kvswitch.operator.compiler.Fixtures.vswitch;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kvswitch.api.v1alpha1.ConditionTypes;
import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.ErspanDestination;
import io.kvswitch.api.v1alpha1.IpBlock;
import io.kvswitch.api.v1alpha1.MirrorDestination;
import io.kvswitch.api.v1alpha1.MirrorDirection;
import io.kvswitch.api.v1alpha1.MirrorSession;
import io.kvswitch.api.v1alpha1.MirrorSource;
import io.kvswitch.api.v1alpha1.OverlaySpec;
import io.kvswitch.api.v1alpha1.PolicyAction;
import io.kvswitch.api.v1alpha1.PolicyDirection;
import io.kvswitch.api.v1alpha1.PolicyPeer;
import io.kvswitch.api.v1alpha1.PolicyRule;
import io.kvswitch.api.v1alpha1.PortSecuritySpec;
import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.RemoteMac;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodeRule;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.TunnelPeer;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SwitchCompilerTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final String T1 = "2026-01-01T00:00:00Z";
  private static final String T2 = "2026-01-02T00:00:00Z";

  private static Compilation compile(
      List<VirtualSwitch> switches,
      List<VlanNetwork> networks,
      List<MirrorSession> sessions,
      List<Node> nodes,
      List<SwitchPort> ports) {
    return SwitchCompiler.compile(new CompilerInput(switches, networks, sessions, nodes, ports));
  }

  private static SwitchNodeStateSpec state(Compilation c, String switchName, String node) {
    return c.states().get(new SwitchNodeKey(switchName, node));
  }

  @Test
  void everyNodeTheSelectorMatchesGetsOneStateWithTheSwitchSettings() {
    VirtualSwitch fabric = vswitch("fabric", Map.of("kvswitch.io/fabric", "yes"));
    fabric.getSpec().setMtu(9000);
    List<Node> nodes =
        List.of(
            node("n1", "192.168.0.1", Map.of("kvswitch.io/fabric", "yes")),
            node("n2", "192.168.0.2", Map.of()),
            node("n3", "192.168.0.3", Map.of("kvswitch.io/fabric", "yes")));

    Compilation c =
        compile(List.of(fabric, vswitch("edge")), List.of(), List.of(), nodes, List.of());

    assertThat(c.states().keySet())
        .containsExactly(
            new SwitchNodeKey("edge", "n1"),
            new SwitchNodeKey("edge", "n2"),
            new SwitchNodeKey("edge", "n3"),
            new SwitchNodeKey("fabric", "n1"),
            new SwitchNodeKey("fabric", "n3"));
    SwitchNodeStateSpec n3 = state(c, "fabric", "n3");
    assertThat(n3.getSwitchName()).isEqualTo("fabric");
    assertThat(n3.getNodeName()).isEqualTo("n3");
    assertThat(n3.getMtu()).isEqualTo(9000);
    assertThat(n3.getUnderlayIp()).isEqualTo("192.168.0.3");
    assertThat(n3.getSwitchGeneration()).isEqualTo(1L);
  }

  @Test
  void nodeSelectorExpressionsSelectAsTheApiServerWould() {
    VirtualSwitch vsw = vswitch("fabric");
    vsw.getSpec()
        .setNodeSelector(
            new LabelSelectorBuilder()
                .withMatchExpressions(
                    new LabelSelectorRequirementBuilder()
                        .withKey("zone")
                        .withOperator("In")
                        .withValues("a", "b")
                        .build(),
                    new LabelSelectorRequirementBuilder()
                        .withKey("maintenance")
                        .withOperator("DoesNotExist")
                        .build())
                .build());
    List<Node> nodes =
        List.of(
            node("n1", "192.168.0.1", Map.of("zone", "a")),
            node("n2", "192.168.0.2", Map.of("zone", "c")),
            node("n3", "192.168.0.3", Map.of("zone", "b", "maintenance", "true")),
            node("n4", "192.168.0.4", Map.of("zone", "b")));

    Compilation c = compile(List.of(vsw), List.of(), List.of(), nodes, List.of());

    assertThat(c.states().keySet()).extracting(SwitchNodeKey::nodeName).containsExactly("n1", "n4");
  }

  @Test
  void theOlderNetworkKeepsAVlanIdAndTheNewerGetsVlanConflict() {
    VlanNetwork older = network("team-b", "web", "fabric", 100, T1);
    VlanNetwork newer = network("team-a", "web", "fabric", 100, T2);
    VlanNetwork elsewhere = network("team-a", "other", "edge", 100, T2);

    Compilation c =
        compile(
            List.of(vswitch("fabric"), vswitch("edge")),
            List.of(newer, older, elsewhere),
            List.of(),
            List.of(node("n1", "192.168.0.1")),
            List.of());

    assertThat(c.problems())
        .containsOnlyKeys(new ObjectKey("team-a", "web"))
        .containsValue(
            new NetworkProblem(
                new ObjectKey("team-a", "web"),
                ConditionTypes.VLAN_CONFLICT,
                "VlanIdInUse",
                "VLAN 100 on switch fabric is already used by VlanNetwork team-b/web"));
    assertThat(c.assignment().networksOn("fabric"))
        .extracting(ObjectKey::of)
        .containsExactly(new ObjectKey("team-b", "web"));
    assertThat(c.assignment().networksOn("edge"))
        .extracting(ObjectKey::of)
        .containsExactly(new ObjectKey("team-a", "other"));
  }

  @Test
  void networksCreatedAtTheSameMomentAreOrderedByNamespaceAndName() {
    VlanNetwork a = network("ns", "alpha", "fabric", 7, T1);
    VlanNetwork b = network("ns", "beta", "fabric", 7, T1);

    Compilation forward =
        compile(List.of(vswitch("fabric")), List.of(a, b), List.of(), List.of(), List.of());
    Compilation backward =
        compile(List.of(vswitch("fabric")), List.of(b, a), List.of(), List.of(), List.of());

    assertThat(forward.problems()).containsOnlyKeys(new ObjectKey("ns", "beta"));
    assertThat(backward.problems()).isEqualTo(forward.problems());
  }

  @Test
  void aNetworkOnAMissingSwitchGetsSwitchNotFound() {
    Compilation c =
        compile(
            List.of(vswitch("fabric")),
            List.of(network("apps", "web", "nope", 100, T1)),
            List.of(),
            List.of(node("n1", "192.168.0.1")),
            List.of(port("apps", "web-0", "web", "n1", "02:00:00:00:00:01", "10.100.0.10")));

    assertThat(c.problems().get(new ObjectKey("apps", "web")))
        .isEqualTo(
            new NetworkProblem(
                new ObjectKey("apps", "web"),
                ConditionTypes.SWITCH_NOT_FOUND,
                "SwitchMissing",
                "VirtualSwitch nope does not exist"));
    assertThat(state(c, "fabric", "n1").getVlans()).isEmpty();
    assertThat(state(c, "fabric", "n1").getPorts()).isEmpty();
  }

  @Test
  void vlanCarriesVniDhcpWithTheSwitchMtuAndIsolation() {
    VirtualSwitch vsw = vswitch("fabric");
    vsw.getSpec().setMtu(1450);
    OverlaySpec overlay = new OverlaySpec();
    overlay.setVniBase(5000);
    vsw.getSpec().setOverlay(overlay);
    VlanNetwork web = network("apps", "web", "fabric", 100, T1);
    web.getSpec().setGateway("10.100.0.1");
    web.getSpec().setExcludeIps(List.of("10.100.0.9", "10.100.0.5"));
    web.getSpec().setDhcp(new DhcpSpec());
    VlanNetwork db = network("apps", "db", "fabric", 20, T1);
    DhcpSpec dbDhcp = new DhcpSpec();
    dbDhcp.setMtu(1400);
    db.getSpec().setDhcp(dbDhcp);

    Compilation c =
        compile(
            List.of(vsw),
            List.of(web, db),
            List.of(),
            List.of(node("n1", "1.1.1.1"), node("n2", "1.1.1.2")),
            List.of(
                port("apps", "w", "web", "n1", "02:00:00:00:00:01", "10.100.0.10"),
                port("apps", "d", "db", "n1", "02:00:00:00:00:02", "10.20.0.10")));

    assertThat(state(c, "fabric", "n2").getVlans()).as("n2 has no ports").isEmpty();
    List<SwitchNodeVlan> vlans = state(c, "fabric", "n1").getVlans();
    assertThat(vlans).extracting(SwitchNodeVlan::getVlanId).containsExactly(20, 100);
    assertThat(vlans).extracting(SwitchNodeVlan::getVni).containsExactly(5020, 5100);
    assertThat(vlans.get(1).getDhcp().getMtu()).isEqualTo(1450);
    assertThat(vlans.get(0).getDhcp().getMtu()).isEqualTo(1400);
    assertThat(vlans.get(1).getGateway()).isEqualTo("10.100.0.1");
    assertThat(vlans.get(1).getExcludeIps()).containsExactly("10.100.0.5", "10.100.0.9");
    assertThat(vlans.get(1).getNetworkGeneration()).isEqualTo(1L);
    assertThat(web.getSpec().getDhcp().getMtu()).as("input is not modified").isNull();
  }

  @Test
  void portsLandOnTheirNodeWithTheNetworksVlanAndPortSecurity() {
    VlanNetwork web = network("apps", "web", "fabric", 100, T1);
    PortSecuritySpec security = new PortSecuritySpec();
    security.setIpSpoofCheck(true);
    web.getSpec().setPortSecurity(security);
    SwitchPort p = port("apps", "web-0", "web", "n1", "02:00:00:00:00:AA", "10.100.0.10");
    p.getSpec().setVlanId(999);

    Compilation c =
        compile(
            List.of(vswitch("fabric")),
            List.of(web),
            List.of(),
            List.of(node("n1", "192.168.0.1"), node("n2", "192.168.0.2")),
            List.of(p));

    assertThat(state(c, "fabric", "n2").getPorts()).isEmpty();
    var ports = state(c, "fabric", "n1").getPorts();
    assertThat(ports).hasSize(1);
    assertThat(ports.getFirst().getName()).isEqualTo("apps/web-0-net1");
    assertThat(ports.getFirst().getVlanId()).as("the network decides the VLAN").isEqualTo(100);
    assertThat(ports.getFirst().getMac()).isEqualTo("02:00:00:00:00:aa");
    assertThat(ports.getFirst().getIp()).isEqualTo("10.100.0.10");
    assertThat(ports.getFirst().getNetwork()).isEqualTo("apps/web");
    assertThat(ports.getFirst().getInterfaceName()).isEqualTo("net1");
    assertThat(ports.getFirst().getPortSecurity().getIpSpoofCheck()).isTrue();
  }

  @Test
  void portsOfConflictingNetworksOrOnUnselectedNodesAreNotProgrammed() {
    VirtualSwitch vsw = vswitch("fabric", Map.of("fabric", "yes"));
    Compilation c =
        compile(
            List.of(vsw),
            List.of(network("a", "old", "fabric", 10, T1), network("b", "new", "fabric", 10, T2)),
            List.of(),
            List.of(node("n1", "1.0.0.1", Map.of("fabric", "yes")), node("n2", "1.0.0.2")),
            List.of(
                port("a", "x", "old", "n1", "02:00:00:00:00:01", "10.10.0.1"),
                port("b", "y", "new", "n1", "02:00:00:00:00:02", "10.10.0.2"),
                port("a", "z", "old", "n2", "02:00:00:00:00:03", "10.10.0.3")));

    assertThat(c.states()).containsOnlyKeys(new SwitchNodeKey("fabric", "n1"));
    assertThat(state(c, "fabric", "n1").getPorts())
        .extracting(p -> p.getName())
        .containsExactly("a/x-net1");
  }

  @Test
  void tunnelPeersAndRemoteMacsCoverOnlyVlansWithLocalPorts() {
    VlanNetwork web = network("apps", "web", "fabric", 100, T1);
    VlanNetwork db = network("apps", "db", "fabric", 200, T1);
    List<Node> nodes =
        List.of(node("n1", "192.168.0.1"), node("n2", "192.168.0.2"), node("n3", "192.168.0.3"));
    List<SwitchPort> ports =
        List.of(
            port("apps", "web-1", "web", "n1", "02:00:00:00:01:01", "10.100.0.11"),
            port("apps", "web-2", "web", "n2", "02:00:00:00:01:02", "10.100.0.12"),
            port(
                "apps",
                "web-3",
                "web",
                "n3",
                "02:00:00:00:01:03",
                "10.100.0.13",
                PortState.Standby,
                Map.of()),
            port("apps", "db-1", "db", "n2", "02:00:00:00:02:01", "10.200.0.11"));

    Compilation c = compile(List.of(vswitch("fabric")), List.of(web, db), List.of(), nodes, ports);

    SwitchNodeStateSpec n1 = state(c, "fabric", "n1");
    assertThat(n1.getVlans().get(0).getTunnelPeers())
        .extracting(TunnelPeer::getNode, TunnelPeer::getUnderlayIp)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("n2", "192.168.0.2"),
            org.assertj.core.groups.Tuple.tuple("n3", "192.168.0.3"));
    assertThat(n1.getVlans())
        .extracting(SwitchNodeVlan::getVlanId)
        .as("n1 has no db port, so it does not carry db")
        .containsExactly(100);
    assertThat(n1.getRemoteMacs())
        .extracting(RemoteMac::getVlanId, RemoteMac::getMac, RemoteMac::getNode)
        .as("standby ports attract no traffic yet")
        .containsExactly(org.assertj.core.groups.Tuple.tuple(100, "02:00:00:00:01:02", "n2"));
    SwitchNodeStateSpec n2 = state(c, "fabric", "n2");
    assertThat(n2.getRemoteMacs())
        .extracting(RemoteMac::getMac)
        .containsExactly("02:00:00:00:01:01");
    assertThat(n2.getVlans().get(1).getTunnelPeers()).as("db lives only on n2").isEmpty();
    assertThat(n2.getPorts())
        .extracting(p -> p.getName())
        .containsExactly("apps/db-1-net1", "apps/web-2-net1");
  }

  @Test
  void policySelectorsResolveToTheAddressesOfMatchingPortsOnTheNetwork() {
    VlanNetwork web = network("apps", "web", "fabric", 100, T1);
    PolicyPeer frontends = new PolicyPeer();
    frontends.setPodSelector(
        new LabelSelectorBuilder().withMatchLabels(Map.of("tier", "front")).build());
    PolicyPeer monitoring = new PolicyPeer();
    monitoring.setNamespaceSelector(
        new LabelSelectorBuilder()
            .withMatchLabels(Map.of("kubernetes.io/metadata.name", "monitoring"))
            .build());
    PolicyPeer outside = new PolicyPeer();
    IpBlock block = new IpBlock();
    block.setCidr("172.16.0.0/16");
    block.setExcept(List.of("172.16.9.0/24", "172.16.1.0/24"));
    outside.setIpBlock(block);
    PolicyPeer nobody = new PolicyPeer();
    nobody.setPodSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("tier", "x")).build());
    web.getSpec()
        .setRules(
            List.of(
                rule("from-front", PolicyAction.Allow, frontends, monitoring, outside),
                rule("nobody", PolicyAction.Deny, nobody),
                rule("everyone", PolicyAction.Deny)));
    List<SwitchPort> ports =
        List.of(
            port(
                "apps",
                "f1",
                "web",
                "n1",
                "02:00:00:00:00:01",
                "10.100.0.21",
                PortState.Active,
                Map.of("tier", "front")),
            port(
                "apps",
                "b1",
                "web",
                "n1",
                "02:00:00:00:00:02",
                "10.100.0.22",
                PortState.Active,
                Map.of("tier", "back")),
            port(
                "other",
                "f2",
                "web",
                "n1",
                "02:00:00:00:00:03",
                "10.100.0.23",
                PortState.Active,
                Map.of("tier", "front")),
            port(
                "monitoring",
                "m1",
                "web",
                "n1",
                "02:00:00:00:00:04",
                "10.100.0.24",
                PortState.Active,
                Map.of()));
    ports.get(2).getSpec().setNetworkNamespace("apps");
    ports.get(3).getSpec().setNetworkNamespace("apps");

    Compilation c =
        compile(
            List.of(vswitch("fabric")),
            List.of(web),
            List.of(),
            List.of(node("n1", "1.1.1.1")),
            ports);

    List<SwitchNodeRule> rules = state(c, "fabric", "n1").getVlans().getFirst().getRules();
    assertThat(rules)
        .extracting(SwitchNodeRule::getName)
        .containsExactly("from-front", "nobody", "everyone");
    assertThat(rules.get(0).getPeers())
        .extracting(IpBlock::getCidr)
        .as("f2 is in another namespace and no namespaceSelector names it")
        .containsExactly("10.100.0.21/32", "10.100.0.24/32", "172.16.0.0/16");
    assertThat(rules.get(0).getPeers().get(2).getExcept())
        .containsExactly("172.16.1.0/24", "172.16.9.0/24");
    assertThat(rules.get(0).getAnyPeer()).isFalse();
    assertThat(rules.get(1).getPeers()).isEmpty();
    assertThat(rules.get(1).getAnyPeer())
        .as("a selector that selects nobody matches nothing")
        .isFalse();
    assertThat(rules.get(2).getAnyPeer()).isTrue();
  }

  @Test
  void mirrorSessionTapsMatchingPortsOnTheirNodesAndSendsToTheDestinationPort() {
    VlanNetwork web = network("apps", "web", "fabric", 100, T1);
    VlanNetwork tap = network("apps", "tap", "fabric", 900, T1);
    MirrorSession session =
        podMirror("apps", "span", Map.of("app", "web"), MirrorDirection.Ingress, "ids", "tap");
    MirrorSource all = new MirrorSource();
    all.setNetwork("web");
    all.setDirection(MirrorDirection.Egress);
    session.getSpec().getSources().add(all);
    List<SwitchPort> ports =
        List.of(
            port(
                "apps",
                "w1",
                "web",
                "n1",
                "02:00:00:00:00:01",
                "10.100.0.1",
                PortState.Active,
                Map.of("app", "web")),
            port(
                "apps",
                "w2",
                "web",
                "n2",
                "02:00:00:00:00:02",
                "10.100.0.2",
                PortState.Active,
                Map.of("app", "other")),
            port("apps", "ids", "tap", "n3", "02:00:00:00:00:09", "10.90.0.9"));

    Compilation c =
        compile(
            List.of(vswitch("fabric")),
            List.of(web, tap),
            List.of(session),
            List.of(
                node("n1", "192.168.0.1"), node("n2", "192.168.0.2"), node("n3", "192.168.0.3")),
            ports);

    assertThat(c.mirrors().get(new ObjectKey("apps", "span")))
        .isEqualTo(new MirrorPlacement(2, 2, true));
    SwitchNodeMirror onN1 = state(c, "fabric", "n1").getMirrors().getFirst();
    assertThat(onN1.getSession()).isEqualTo("apps/span");
    assertThat(onN1.getSources())
        .extracting(s -> s.getPort(), s -> s.getDirection())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("apps/w1-net1", MirrorDirection.Both));
    assertThat(onN1.getDestination().getPort().getNode()).isEqualTo("n3");
    assertThat(onN1.getDestination().getPort().getUnderlayIp()).isEqualTo("192.168.0.3");
    assertThat(onN1.getDestination().getPort().getVlanId()).isEqualTo(900);
    assertThat(onN1.getDestination().getPort().getMac()).isEqualTo("02:00:00:00:00:09");
    assertThat(state(c, "fabric", "n2").getMirrors().getFirst().getSources())
        .extracting(s -> s.getDirection())
        .containsExactly(MirrorDirection.Egress);
    assertThat(state(c, "fabric", "n3").getMirrors()).isEmpty();
  }

  @Test
  void mirrorWithoutItsDestinationPortIsProgrammedNowhere() {
    MirrorSession session = podMirror("apps", "span", Map.of(), MirrorDirection.Both, "ids", "tap");
    MirrorSession disabled = podMirror("apps", "off", Map.of(), MirrorDirection.Both, "ids", "tap");
    disabled.getSpec().setEnabled(false);
    MirrorSession erspan = podMirror("apps", "gre", Map.of(), MirrorDirection.Both, "x", "y");
    ErspanDestination gre = new ErspanDestination();
    gre.setRemoteIp("203.0.113.5");
    gre.setSessionId(7);
    MirrorDestination toGre = new MirrorDestination();
    toGre.setErspan(gre);
    erspan.getSpec().setDestination(toGre);

    Compilation c =
        compile(
            List.of(vswitch("fabric")),
            List.of(network("apps", "web", "fabric", 100, T1)),
            List.of(session, disabled, erspan),
            List.of(node("n1", "192.168.0.1")),
            List.of(port("apps", "w1", "web", "n1", "02:00:00:00:00:01", "10.100.0.1")));

    assertThat(c.mirrors().get(new ObjectKey("apps", "span")))
        .isEqualTo(new MirrorPlacement(1, 0, false));
    assertThat(c.mirrors().get(new ObjectKey("apps", "off")))
        .isEqualTo(new MirrorPlacement(0, 0, true));
    assertThat(c.mirrors().get(new ObjectKey("apps", "gre")))
        .isEqualTo(new MirrorPlacement(1, 1, true));
    assertThat(state(c, "fabric", "n1").getMirrors())
        .extracting(SwitchNodeMirror::getSession)
        .containsExactly("apps/gre");
    assertThat(
            state(c, "fabric", "n1")
                .getMirrors()
                .getFirst()
                .getDestination()
                .getErspan()
                .getRemoteIp())
        .isEqualTo("203.0.113.5");
  }

  @Test
  void theSameInputInAnyOrderCompilesToEqualState() {
    List<VirtualSwitch> switches = List.of(vswitch("fabric"), vswitch("edge"));
    List<VlanNetwork> networks = new ArrayList<>();
    List<Node> nodes = new ArrayList<>();
    List<SwitchPort> ports = new ArrayList<>();
    for (int n = 0; n < 8; n++) {
      nodes.add(node("n" + n, "192.168.0." + (n + 1)));
    }
    for (int v = 1; v <= 6; v++) {
      networks.add(network("ns" + (v % 2), "net" + v, v % 3 == 0 ? "edge" : "fabric", v, T1));
    }
    for (int p = 0; p < 60; p++) {
      int v = p % 6 + 1;
      ports.add(
          port(
              "ns" + (v % 2),
              "w" + p,
              "net" + v,
              "n" + (p % 8),
              String.format("02:00:00:00:%02x:%02x", p / 256, p % 256),
              "10.0.0." + p));
    }
    List<MirrorSession> sessions =
        List.of(podMirror("ns1", "span", Map.of(), MirrorDirection.Both, "w0", "net1"));

    Compilation first = compile(switches, networks, sessions, nodes, ports);
    Random random = new Random(42);
    for (int round = 0; round < 5; round++) {
      List<VlanNetwork> n = new ArrayList<>(networks);
      List<Node> no = new ArrayList<>(nodes);
      List<SwitchPort> p = new ArrayList<>(ports);
      Collections.shuffle(n, random);
      Collections.shuffle(no, random);
      Collections.shuffle(p, random);
      Compilation again = compile(switches.reversed(), n, sessions, no, p);
      assertThat(json(again)).isEqualTo(json(first));
    }
    assertThat(first.states()).hasSize(16);
    assertThat(first.mirrors().get(new ObjectKey("ns1", "span")).activeNodes()).isPositive();
  }

  @Test
  void compilingOneSwitchGivesExactlyItsPartOfAFullCompile() {
    VlanNetwork tap = network("apps", "tap", "edge", 900, T1);
    List<VlanNetwork> networks =
        List.of(network("apps", "web", "fabric", 100, T1), tap, network("b", "x", "edge", 900, T2));
    List<SwitchPort> ports =
        List.of(
            port("apps", "w1", "web", "n1", "02:00:00:00:00:01", "10.100.0.1"),
            port("apps", "ids", "tap", "n2", "02:00:00:00:00:09", "10.90.0.9"));
    List<MirrorSession> sessions =
        List.of(podMirror("apps", "span", Map.of(), MirrorDirection.Both, "ids", "tap"));
    CompilerInput input =
        new CompilerInput(
            List.of(vswitch("fabric"), vswitch("edge")),
            networks,
            sessions,
            List.of(node("n1", "192.168.0.1"), node("n2", "192.168.0.2")),
            ports);

    Compilation full = SwitchCompiler.compile(input);
    Compilation fabricOnly = SwitchCompiler.compile(input, "fabric");

    assertThat(fabricOnly.states().keySet())
        .containsExactly(new SwitchNodeKey("fabric", "n1"), new SwitchNodeKey("fabric", "n2"));
    for (SwitchNodeKey key : fabricOnly.states().keySet()) {
      assertThat(JSON.convertValue(fabricOnly.states().get(key), JsonNode.class))
          .isEqualTo(JSON.convertValue(full.states().get(key), JsonNode.class));
    }
    assertThat(fabricOnly.problems()).isEqualTo(full.problems());
    assertThat(SwitchCompiler.placeMirrors(input)).isEqualTo(full.mirrors());
    assertThat(full.mirrors().get(new ObjectKey("apps", "span")))
        .as("the destination is on another switch than the source")
        .isEqualTo(new MirrorPlacement(1, 1, true));
    assertThat(
            state(fabricOnly, "fabric", "n1")
                .getMirrors()
                .getFirst()
                .getDestination()
                .getPort()
                .getVlanId())
        .isEqualTo(900);
  }

  private static JsonNode json(Compilation c) {
    return JSON.convertValue(c.states().values().stream().toList(), JsonNode.class);
  }

  private static PolicyRule rule(String name, PolicyAction action, PolicyPeer... peers) {
    PolicyRule rule = new PolicyRule();
    rule.setName(name);
    rule.setAction(action);
    rule.setDirection(PolicyDirection.Ingress);
    rule.setPeers(List.of(peers));
    return rule;
  }
}

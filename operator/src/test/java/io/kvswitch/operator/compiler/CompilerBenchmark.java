package io.kvswitch.operator.compiler;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.MirrorDirection;
import io.kvswitch.api.v1alpha1.MirrorSession;
import io.kvswitch.api.v1alpha1.PolicyAction;
import io.kvswitch.api.v1alpha1.PolicyDirection;
import io.kvswitch.api.v1alpha1.PolicyPeer;
import io.kvswitch.api.v1alpha1.PolicyRule;
import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A full compile of a large cluster: one switch on every node, each network with DHCP and two
 * policy rules (one label selector), ports spread so every node has ports in 20 VLANs and every
 * VLAN spans 40 nodes, and a few mirror sessions. Run with {@code -Pjmh}; see operator/README.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 10)
@Fork(
    value = 1,
    jvmArgs = {"-Xms6g", "-Xmx6g"})
public class CompilerBenchmark {

  @Param("1000")
  int nodes;

  @Param("500")
  int networks;

  @Param("20000")
  int ports;

  private CompilerInput input;

  @Setup(Level.Trial)
  public void setUp() {
    List<Node> nodeList = new ArrayList<>(nodes);
    for (int n = 0; n < nodes; n++) {
      nodeList.add(Fixtures.node(nodeName(n), "10." + (n / 250) + "." + (n % 250) + ".1"));
    }
    List<VlanNetwork> networkList = new ArrayList<>(networks);
    for (int v = 0; v < networks; v++) {
      VlanNetwork network =
          Fixtures.network(
              "tenant-" + (v % 50), "net-" + v, "fabric", v + 1, "2026-01-01T00:00:00Z");
      network.getSpec().setGateway("10." + ((v + 1) % 250) + ".0.1");
      network.getSpec().setDhcp(new DhcpSpec());
      PolicyPeer frontends = new PolicyPeer();
      frontends.setPodSelector(
          new LabelSelectorBuilder().withMatchLabels(Map.of("tier", "front")).build());
      network.getSpec().setRules(List.of(rule("front", PolicyAction.Allow, frontends), deny()));
      networkList.add(network);
    }
    List<SwitchPort> portList = new ArrayList<>(ports);
    for (int p = 0; p < ports; p++) {
      int v = p % networks;
      portList.add(
          Fixtures.port(
              "tenant-" + (v % 50),
              "w-" + p,
              "net-" + v,
              nodeName((p / networks + p) % nodes),
              String.format(
                  "02:00:%02x:%02x:%02x:%02x",
                  p >>> 24, (p >>> 16) & 0xff, (p >>> 8) & 0xff, p & 0xff),
              "10." + ((v + 1) % 250) + "." + (p / 250 % 250) + "." + (p % 250 + 2),
              PortState.Active,
              Map.of("tier", p % 3 == 0 ? "front" : "back", "app", "app-" + (p % 100))));
    }
    List<MirrorSession> sessions = new ArrayList<>();
    for (int s = 0; s < 10; s++) {
      sessions.add(
          Fixtures.podMirror(
              "tenant-" + s,
              "span-" + s,
              Map.of("app", "app-" + s),
              MirrorDirection.Both,
              "w-" + s,
              "net-" + s));
    }
    input =
        new CompilerInput(
            List.of(Fixtures.vswitch("fabric")), networkList, sessions, nodeList, portList);
  }

  @Benchmark
  public Compilation compileWholeCluster() {
    return SwitchCompiler.compile(input);
  }

  private static String nodeName(int n) {
    return String.format("node-%04d", n);
  }

  private static PolicyRule rule(String name, PolicyAction action, PolicyPeer peer) {
    PolicyRule rule = new PolicyRule();
    rule.setName(name);
    rule.setAction(action);
    rule.setDirection(PolicyDirection.Ingress);
    rule.setPeers(List.of(peer));
    return rule;
  }

  private static PolicyRule deny() {
    PolicyRule rule = new PolicyRule();
    rule.setName("rest");
    rule.setAction(PolicyAction.Deny);
    rule.setDirection(PolicyDirection.Ingress);
    return rule;
  }
}

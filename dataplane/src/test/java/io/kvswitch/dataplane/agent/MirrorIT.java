package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.spec;
import static io.kvswitch.dataplane.agent.States.vlan;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.api.v1alpha1.ErspanDestination;
import io.kvswitch.api.v1alpha1.MirrorDirection;
import io.kvswitch.api.v1alpha1.MirrorPortSource;
import io.kvswitch.api.v1alpha1.MirrorPortTarget;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodeMirrorDestination;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.PacketCapture;
import io.kvswitch.dataplane.testing.Traffic;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Port mirroring on the agent's engine in a node namespace: pods a and b ping each other while a
 * third pod runs tcpdump on the session's destination port, or a collector namespace stands for an
 * ERSPAN analyser and the underlay is captured. Sessions are added, changed and removed at run
 * time.
 */
@ExtendWith(NetworkLabExtension.class)
class MirrorIT {

  private static final String SESSION = "apps/span";
  private static final String NODE_UNDERLAY = "198.51.100.1";
  private static final String COLLECTOR = "198.51.100.2";

  private NetNamespace node;
  private AgentNodes.Pod a;
  private AgentNodes.Pod b;
  private AgentNodes.Pod tap;
  private AgentNodes.Agent agent;

  private void start(NetworkLab lab, Path work) {
    node = lab.namespace("mn");
    node.execOk("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
    node.execOk("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
    a = AgentNodes.pod(lab, node, "ma", "02:00:00:0c:00:01", "10.0.0.1");
    b = AgentNodes.pod(lab, node, "mb", "02:00:00:0c:00:02", "10.0.0.2");
    tap = AgentNodes.pod(lab, node, "mt", "02:00:00:0c:00:7a", "10.0.0.99");
    agent = AgentNodes.Agent.start(lab, node, work);
  }

  private SwitchNodeStateSpec state(SwitchNodeMirror... mirrors) {
    SwitchNodeStateSpec spec = spec("fabric", "node-a");
    spec.getVlans().add(vlan(10, "apps/web"));
    spec.getPorts().add(port(a.portName(), 10, a.mac()));
    spec.getPorts().add(port(b.portName(), 10, b.mac()));
    spec.getPorts().add(port(tap.portName(), 10, tap.mac()));
    spec.getMirrors().addAll(List.of(mirrors));
    return spec;
  }

  private SwitchNodeMirror mirrorOfA(MirrorDirection direction, int snapLength) {
    SwitchNodeMirror mirror = new SwitchNodeMirror();
    mirror.setSession(SESSION);
    MirrorPortSource source = new MirrorPortSource();
    source.setPort(a.portName());
    source.setDirection(direction);
    mirror.setSources(List.of(source));
    mirror.setSnapLength(snapLength);
    mirror.setSamplingRate(1);
    MirrorPortTarget target = new MirrorPortTarget();
    target.setPort(tap.portName());
    target.setNode("node-a");
    target.setVlanId(10);
    target.setMac(tap.mac());
    SwitchNodeMirrorDestination destination = new SwitchNodeMirrorDestination();
    destination.setPort(target);
    mirror.setDestination(destination);
    return mirror;
  }

  /** ICMP lines tcpdump decoded at the tap during {@code count} pings from a to b. */
  private List<String> icmpAtTapDuring(NetworkLab lab, int count) {
    PacketCapture capture = lab.capture(tap.namespace(), tap.podDevice(), "icmp");
    Traffic.assertPingSucceeds(a.namespace(), b.address(), count);
    return capture.stop();
  }

  private static long count(List<String> lines, String text) {
    return lines.stream().filter(line -> line.contains(text)).count();
  }

  @Test
  void theTapSeesExactlyTheMirroredDirectionCutToTheSnapLengthUntilTheSessionIsRemoved(
      NetworkLab lab, @TempDir Path work) {
    start(lab, work);
    agent.apply(1, state(mirrorOfA(MirrorDirection.Egress, 64)));

    List<String> egress = icmpAtTapDuring(lab, 3);
    assertThat(count(egress, "echo request")).as(String.join("\n", egress)).isEqualTo(3);
    assertThat(count(egress, "echo reply")).as(String.join("\n", egress)).isZero();
    assertThat(egress)
        .as("98-byte echo requests cut to 64 bytes")
        .allSatisfy(line -> assertThat(line).contains("length 64"));

    agent.apply(2, state(mirrorOfA(MirrorDirection.Ingress, 0)));
    List<String> ingress = icmpAtTapDuring(lab, 2);
    assertThat(count(ingress, "echo reply")).as(String.join("\n", ingress)).isEqualTo(2);
    assertThat(count(ingress, "echo request")).as(String.join("\n", ingress)).isZero();
    assertThat(ingress)
        .as("whole frames without a snap length")
        .allSatisfy(line -> assertThat(line).contains("length 98"));

    agent.apply(3, state(mirrorOfA(MirrorDirection.Both, 0)));
    List<String> both = icmpAtTapDuring(lab, 2);
    assertThat(count(both, "echo request")).as(String.join("\n", both)).isEqualTo(2);
    assertThat(count(both, "echo reply")).as(String.join("\n", both)).isEqualTo(2);

    agent.apply(4, state());
    List<String> removed = icmpAtTapDuring(lab, 2);
    assertThat(removed).as("no session, no copies").isEmpty();
  }

  @Test
  void anErspanCollectorGetsGreCopiesWithTheSessionId(NetworkLab lab, @TempDir Path work) {
    start(lab, work);
    NetNamespace collector = lab.namespace("mc");
    var underlay = lab.vethBetween(node, "mu", collector, "mv");
    node.execOk("ip", "addr", "add", NODE_UNDERLAY + "/24", "dev", underlay.hostName());
    collector.execOk("ip", "addr", "add", COLLECTOR + "/24", "dev", underlay.peerName());

    for (int version : new int[] {1, 2}) {
      SwitchNodeMirror mirror = mirrorOfA(MirrorDirection.Egress, 0);
      ErspanDestination erspan = new ErspanDestination();
      erspan.setRemoteIp(COLLECTOR);
      erspan.setSessionId(12);
      erspan.setVersion(version);
      SwitchNodeMirrorDestination destination = new SwitchNodeMirrorDestination();
      destination.setErspan(erspan);
      mirror.setDestination(destination);
      agent.apply(version, state(mirror));

      PacketCapture gre = lab.capture(collector, underlay.peerName(), "proto gre");
      Traffic.assertPingSucceeds(a.namespace(), b.address(), 2);
      List<Erspan> copies = gre.stopFrames().stream().map(Erspan::parse).toList();
      String all = copies.toString();
      assertThat(copies)
          .as(
              "GRE from the node's underlay address, ERSPAN version %d, session 12: %s",
              version, all)
          .isNotEmpty()
          .allSatisfy(
              copy -> {
                assertThat(copy.source()).isEqualTo(NODE_UNDERLAY);
                assertThat(copy.destination()).isEqualTo(COLLECTOR);
                assertThat(copy.greProtocol()).isEqualTo(version == 1 ? 0x88BE : 0x22EB);
                assertThat(copy.version()).isEqualTo(version);
                assertThat(copy.sessionId()).isEqualTo(12);
                assertThat(copy.innerSource()).isEqualTo(a.mac());
              });
      assertThat(copies.stream().filter(c -> c.icmpType() == 8).count()).as(all).isEqualTo(2);
      assertThat(copies.stream().filter(c -> c.icmpType() == 0).count()).as(all).isZero();
      for (int i = 1; i < copies.size(); i++) {
        assertThat(copies.get(i).sequence()).as(all).isEqualTo(copies.get(i - 1).sequence() + 1);
      }
    }
  }

  /** The fields of one captured ERSPAN packet the test looks at. */
  private record Erspan(
      String source,
      String destination,
      int greProtocol,
      long sequence,
      int version,
      int sessionId,
      String innerSource,
      int icmpType) {

    static Erspan parse(byte[] frame) {
      ByteBuffer packet = ByteBuffer.wrap(frame);
      assertThat(packet.getShort(12) & 0xFFFF).as("IPv4").isEqualTo(0x0800);
      int ip = 14;
      int ipHeader = (packet.get(ip) & 0x0F) * 4;
      assertThat(packet.get(ip + 9) & 0xFF).as("GRE").isEqualTo(47);
      int gre = ip + ipHeader;
      assertThat(packet.getShort(gre) & 0xFFFF).as("GRE flags: sequence number").isEqualTo(0x1000);
      int protocol = packet.getShort(gre + 2) & 0xFFFF;
      int erspan = gre + 8;
      int version = (packet.getShort(erspan) & 0xFFFF) >>> 12;
      int sessionId = packet.getShort(erspan + 2) & 0x3FF;
      int inner = erspan + (version == 1 ? 8 : 12);
      boolean ipv4 = (packet.getShort(inner + 12) & 0xFFFF) == 0x0800;
      int icmpType =
          ipv4 && (packet.get(inner + 14 + 9) & 0xFF) == 1
              ? packet.get(inner + 14 + 20) & 0xFF
              : -1;
      return new Erspan(
          address(frame, ip + 12),
          address(frame, ip + 16),
          protocol,
          packet.getInt(gre + 4) & 0xFFFFFFFFL,
          version,
          sessionId,
          mac(frame, inner + 6),
          icmpType);
    }

    private static String address(byte[] frame, int at) {
      return (frame[at] & 0xFF)
          + "."
          + (frame[at + 1] & 0xFF)
          + "."
          + (frame[at + 2] & 0xFF)
          + "."
          + (frame[at + 3] & 0xFF);
    }

    private static String mac(byte[] frame, int at) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        text.append(i == 0 ? "" : ":").append(String.format("%02x", frame[at + i] & 0xFF));
      }
      return text.toString();
    }
  }
}

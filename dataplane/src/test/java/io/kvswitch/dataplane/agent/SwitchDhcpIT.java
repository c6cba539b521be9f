package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.spec;
import static io.kvswitch.dataplane.agent.States.vlan;
import static io.kvswitch.dataplane.testing.DhcpClientEvents.awaitEvent;
import static io.kvswitch.dataplane.testing.DhcpClientEvents.dhclientScript;
import static io.kvswitch.dataplane.testing.DhcpClientEvents.field;
import static io.kvswitch.dataplane.testing.DhcpClientEvents.udhcpcScript;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.api.v1alpha1.DhcpReservation;
import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.KubernetesNetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.NodeDirectory;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.RecordsInApi;
import io.kvswitch.dataplane.port.RenamedPort;
import io.kvswitch.dataplane.port.linux.AfPacketOptions;
import io.kvswitch.dataplane.port.linux.AfPacketPort;
import io.kvswitch.dataplane.testing.Commands;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.ProjectCrds;
import io.kvswitch.dataplane.testing.Veth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real DHCP clients (busybox udhcpc, ISC dhclient) in pod namespaces, attached by veth to the
 * agent's engine (a running bridge with AF_PACKET ports) with the DHCP attachment, configured from
 * a node state built here; leases in fabric8's mock API server. The node has no address on the
 * VLAN: every reply comes from the switch's DHCP port.
 */
@ExtendWith(NetworkLabExtension.class)
@EnableKubernetesMockClient(crud = true)
class SwitchDhcpIT {

  private static final String RESERVED_MAC = "02:00:00:d4:00:42";
  private static final String GATEWAY = "10.213.10.1";
  private static final String OWN_ADDRESS = "10.213.10.254";

  KubernetesClient client;

  @TempDir Path temp;

  private final List<AutoCloseable> nodes = new ArrayList<>();

  @BeforeEach
  void registerCrds() throws IOException {
    ProjectCrds.register(client);
    // The leases belong to their network: the agent reads it to name it as their owner.
    VlanNetwork web = new VlanNetwork();
    web.setMetadata(new ObjectMetaBuilder().withNamespace("apps").withName("web").build());
    VlanNetworkSpec spec = new VlanNetworkSpec();
    spec.setSwitchName("fabric");
    spec.setVlanId(10);
    spec.setSubnet("10.213.10.0/24");
    web.setSpec(spec);
    client.resource(web).create();
  }

  @AfterEach
  void stopNodes() throws Exception {
    for (AutoCloseable node : nodes.reversed()) {
      node.close();
    }
  }

  /** One node's agent engine: bridge, AF_PACKET ports by lab interface name, DHCP on top. */
  private final class Node implements AutoCloseable {
    final Bridge bridge = Bridge.builder().threads(1).build();
    final Map<String, String> labInterfaces = new ConcurrentHashMap<>();
    final DhcpAttachment engine;

    Node(String name) {
      bridge.start();
      BridgeSwitchEngine ports =
          new BridgeSwitchEngine(
              bridge,
              // The port keeps the name the agent gives it; only the device is the lab's.
              host ->
                  new RenamedPort(
                      host,
                      AfPacketPort.open(labInterfaces.get(host), AfPacketOptions.lowLatency())));
      LocalPortTable table = new LocalPortTable();
      engine =
          new DhcpAttachment(
              ports,
              bridge,
              table,
              new KubernetesNetworkLeaseStores(client, name, table, NodeDirectory.NONE),
              "fabric",
              name,
              Clock.systemUTC(),
              RateLimits.DEFAULT);
      nodes.add(this);
    }

    /** A pod namespace whose interface has {@code mac}, plugged in as SwitchPort {@code port}. */
    Pod plug(NetworkLab lab, String suffix, String portName, String mac) {
      NetNamespace namespace = lab.namespace(suffix);
      namespace.execOk("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
      namespace.execOk("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
      Veth veth = lab.veth(suffix + "h", namespace, suffix + "p");
      namespace.execOk("ip", "link", "set", veth.peerName(), "address", mac);
      labInterfaces.put(HostInterfaces.forPort(portName), veth.hostName());
      return new Pod(namespace, veth.peerName(), portName, mac);
    }

    void apply(SwitchNodeStateSpec spec) {
      ApplyResult result = new StateApplier(engine).apply(DesiredState.of(1, spec));
      assertThat(result.succeeded()).as(result.toString()).isTrue();
      DhcpNode.awaitServing(engine, spec);
    }

    @Override
    public void close() {
      engine.close();
      bridge.close();
    }
  }

  private record Pod(NetNamespace namespace, String interfaceName, String portName, String mac) {}

  private static SwitchNodeStateSpec state(String node, List<Pod> pods, int leaseSeconds) {
    return state(node, pods, leaseSeconds, GATEWAY);
  }

  /**
   * VLAN 10 with DHCP. Without a gateway the server identifier is {@link #OWN_ADDRESS}, which the
   * switch answers ARP for, so clients reach it by unicast.
   */
  private static SwitchNodeStateSpec state(
      String node, List<Pod> pods, int leaseSeconds, String gateway) {
    SwitchNodeStateSpec spec = spec("fabric", node);
    SwitchNodeVlan vlan = vlan(10, "apps/web");
    vlan.setSubnet("10.213.10.0/24");
    vlan.setGateway(gateway);
    DhcpSpec dhcp = new DhcpSpec();
    dhcp.setRangeStart("10.213.10.100");
    dhcp.setRangeEnd("10.213.10.150");
    dhcp.setLeaseSeconds(leaseSeconds);
    dhcp.setDnsServers(List.of("10.213.10.53"));
    dhcp.setMtu(1400);
    DhcpReservation reservation = new DhcpReservation();
    reservation.setMac(RESERVED_MAC);
    reservation.setIp("10.213.10.42");
    dhcp.getReservations().add(reservation);
    vlan.setDhcp(dhcp);
    spec.getVlans().add(vlan);
    for (Pod pod : pods) {
      spec.getPorts().add(port(pod.portName(), 10, pod.mac()));
    }
    return spec;
  }

  private Process udhcpc(NetworkLab lab, Pod pod, Path events, String... extra) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "busybox",
                "udhcpc",
                "-f",
                "-i",
                pod.interfaceName(),
                "-s",
                udhcpcScript(temp, events).toString(),
                "-t",
                "10",
                "-T",
                "1",
                "-A",
                "1"));
    command.addAll(List.of(extra));
    return lab.start(
        pod.namespace()
            .processBuilder(command.toArray(String[]::new))
            .redirectErrorStream(true)
            .redirectOutput(temp.resolve(events.getFileName() + ".log").toFile()));
  }

  private DhcpLeaseRecord leaseInApi(String ip) {
    return RecordsInApi.of(client, "apps", "web", ip).orElseThrow();
  }

  private static void signal(Process process, String signal) {
    Commands.runOk("kill", "-" + signal, Long.toString(process.pid()));
  }

  @Test
  void udhcpcObtainsRenewsAndReleasesALeaseFromTheSwitch(NetworkLab lab) throws IOException {
    Node node = new Node("node-a");
    Pod pod = node.plug(lab, "u", "apps/udhcpc", "02:00:00:d4:00:01");
    node.apply(state("node-a", List.of(pod), 3600, null));
    Path events = temp.resolve("udhcpc.events");
    Process udhcpc = udhcpc(lab, pod, events, "-x", "hostname:vm-udhcpc");

    String bound = awaitEvent(events, "bound", Duration.ofSeconds(30));
    String ip = field(bound, "ip");
    assertThat(ip).startsWith("10.213.10.1");
    assertThat(bound)
        .contains("subnet=255.255.255.0", "dns=10.213.10.53")
        .contains("lease=3600", "serverid=" + OWN_ADDRESS);
    assertThat(pod.namespace().execOk("ip", "-4", "-o", "addr").stdout())
        .contains("inet " + ip + "/24");
    DhcpLeaseRecord first = leaseInApi(ip);
    assertThat(first.getState()).isEqualTo(DhcpLeaseState.Bound);
    assertThat(first.getMac()).isEqualTo(pod.mac());
    assertThat(first.getNode()).isEqualTo("node-a");
    assertThat(first.getHostname()).isEqualTo("vm-udhcpc");
    assertThat(first.getOwner().getName()).isEqualTo("udhcpc");

    // SIGUSR1: udhcpc renews by unicast to the server identifier, whose MAC the switch's DHCP port
    // gave it by ARP; the lease's end moves.
    Instant firstExpiry = Instant.parse(first.getExpiresAt());
    signal(udhcpc, "USR1");
    String renewed = awaitEvent(events, "renew", Duration.ofSeconds(30));
    assertThat(field(renewed, "ip")).isEqualTo(ip);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Instant.parse(leaseInApi(ip).getExpiresAt()).isAfter(firstExpiry));

    // The switch's DHCP port answers ARP for the server identifier with the server's MAC.
    String arping =
        pod.namespace()
            .execOk(
                "busybox", "arping", "-c", "1", "-w", "5", "-I", pod.interfaceName(), OWN_ADDRESS)
            .stdout();
    assertThat(arping.toLowerCase(Locale.ROOT)).contains(node.engine.serverMac().toString());

    // SIGUSR2: udhcpc releases, always by unicast to the server identifier, and removes its
    // address right after sending; a release that is still waiting for ARP then never leaves, so
    // the kernel's neighbour entry is made first (the ping itself gets no answer).
    pod.namespace().exec("ping", "-c", "1", "-W", "2", OWN_ADDRESS);
    assertThat(pod.namespace().execOk("ip", "neigh", "show", OWN_ADDRESS).stdout())
        .contains(node.engine.serverMac().toString());
    signal(udhcpc, "USR2");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> leaseInApi(ip).getState() == DhcpLeaseState.Released);
    assertThat(node.engine.port().orElseThrow().counters().arpReplies()).isPositive();
    assertThat(node.engine.port().orElseThrow().counters().failedRequests()).isZero();
  }

  /**
   * UDP datagrams the namespace's stack received, to any port, unicast or broadcast: {@code
   * InDatagrams}, {@code NoPorts}, {@code InErrors} and {@code IgnoredMulti} of its {@code
   * /proc/net/snmp}.
   */
  private static long udpDatagramsReceived(NetNamespace namespace) {
    List<String> udp =
        namespace
            .execOk("cat", "/proc/net/snmp")
            .stdout()
            .lines()
            .filter(l -> l.startsWith("Udp:"))
            .toList();
    List<String> names = List.of(udp.get(0).split("\\s+"));
    List<String> values = List.of(udp.get(1).split("\\s+"));
    long sum = 0;
    for (String counter : List.of("InDatagrams", "NoPorts", "InErrors", "IgnoredMulti")) {
      sum += Long.parseLong(values.get(names.indexOf(counter)));
    }
    return sum;
  }

  @Test
  void withTheGatewayAsServerIdentifierUnicastRenewalAndReleaseReachTheSwitchNotTheRouter(
      NetworkLab lab) throws IOException {
    Node node = new Node("node-a");
    Pod pod = node.plug(lab, "g", "apps/gw", "02:00:00:d4:00:03");
    // A router that owns the gateway address, the server identifier, and answers ARP for it.
    String routerMac = "02:00:00:d4:00:01";
    Pod router = node.plug(lab, "gr", "apps/router", routerMac);
    router.namespace().execOk("ip", "addr", "add", GATEWAY + "/24", "dev", router.interfaceName());
    node.apply(state("node-a", List.of(pod, router), 3600));
    Path events = temp.resolve("gateway.events");
    Process udhcpc = udhcpc(lab, pod, events);
    String bound = awaitEvent(events, "bound", Duration.ofSeconds(30));
    assertThat(bound).contains("router=" + GATEWAY, "serverid=" + GATEWAY);
    String ip = field(bound, "ip");
    Instant firstExpiry = Instant.parse(leaseInApi(ip).getExpiresAt());

    // SIGUSR1: udhcpc renews by unicast to the gateway address, at the MAC the router gave for it
    // by ARP; the switch hands the datagram to its DHCP port instead of the router.
    signal(udhcpc, "USR1");

    assertThat(field(awaitEvent(events, "renew", Duration.ofSeconds(30)), "ip")).isEqualTo(ip);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Instant.parse(leaseInApi(ip).getExpiresAt()).isAfter(firstExpiry));
    // The udhcpc script flushes the pod's addresses on renew, and its ARP cache with them; the
    // router keeps the entry it made when it answered the pod's ARP request for the gateway.
    assertThat(router.namespace().execOk("ip", "neigh", "show", ip).stdout())
        .as("the pod resolved the gateway to send its renewal there")
        .contains(pod.mac());

    // SIGUSR2: the release, by unicast to the gateway too (the neighbour entry made fresh first,
    // as udhcpc drops its address right after sending), ends the lease in the store.
    pod.namespace().execOk("ping", "-c", "1", "-W", "2", GATEWAY);
    signal(udhcpc, "USR2");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> leaseInApi(ip).getState() == DhcpLeaseState.Released);

    assertThat(udpDatagramsReceived(router.namespace()))
        .as("the router got no DHCP datagram, broadcast or unicast")
        .isZero();
    assertThat(node.engine.port().orElseThrow().counters().arpReplies()).isZero();
    assertThat(node.engine.port().orElseThrow().counters().failedRequests()).isZero();
  }

  @Test
  void dhclientObtainsRenewsAndReleasesALeaseFromTheSwitch(NetworkLab lab) throws IOException {
    Node node = new Node("node-a");
    Pod pod = node.plug(lab, "d", "apps/dhclient", "02:00:00:d4:00:02");
    node.apply(state("node-a", List.of(pod), 60, null));
    Path events = temp.resolve("dhclient.events");
    Path script = dhclientScript(temp, events);
    Path conf = temp.resolve("dhclient.conf");
    Files.writeString(
        conf,
        "timeout 30;\nretry 10;\ninitial-interval 1;\nsend host-name \"vm-dhclient\";\n"
            + "request subnet-mask, routers, domain-name-servers, interface-mtu;\n");
    List<String> common =
        List.of(
            "-lf", temp.resolve("dhclient.leases").toString(),
            "-pf", temp.resolve("dhclient.pid").toString(),
            "-cf", conf.toString(),
            "-sf", script.toString());
    List<String> start = new ArrayList<>(List.of("dhclient", "-d", "-v", "-1"));
    start.addAll(common);
    start.add(pod.interfaceName());
    Process dhclient =
        lab.start(
            pod.namespace()
                .processBuilder(start.toArray(String[]::new))
                .redirectErrorStream(true)
                .redirectOutput(temp.resolve("dhclient.log").toFile()));

    String bound = awaitEvent(events, "BOUND", Duration.ofSeconds(30));
    String ip = field(bound, "ip");
    assertThat(ip).startsWith("10.213.10.1");
    assertThat(bound).contains("subnet=255.255.255.0", "dns=10.213.10.53", "mtu=1400", "lease=60");
    Instant firstExpiry = Instant.parse(leaseInApi(ip).getExpiresAt());

    // dhclient renews the 60 s lease by itself at T1 (30 s), by unicast to the server identifier.
    String extended = awaitEvent(events, "RENEW", Duration.ofSeconds(50));
    assertThat(field(extended, "ip")).isEqualTo(ip);
    assertThat(Instant.parse(leaseInApi(ip).getExpiresAt())).isAfter(firstExpiry);

    List<String> release =
        new ArrayList<>(List.of("ip", "netns", "exec", pod.namespace().name(), "dhclient", "-r"));
    release.addAll(common);
    release.add(pod.interfaceName());
    Commands.runOk(release.toArray(String[]::new));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> leaseInApi(ip).getState() == DhcpLeaseState.Released);
    await().atMost(Duration.ofSeconds(10)).until(() -> !dhclient.isAlive());
  }

  @Test
  void aReservedMacGetsItsAddress(NetworkLab lab) throws IOException {
    Node node = new Node("node-a");
    Pod pod = node.plug(lab, "r", "apps/reserved", RESERVED_MAC);
    node.apply(state("node-a", List.of(pod), 3600));
    Path events = temp.resolve("reserved.events");

    udhcpc(lab, pod, events, "-q");

    assertThat(field(awaitEvent(events, "bound", Duration.ofSeconds(30)), "ip"))
        .isEqualTo("10.213.10.42");
    assertThat(leaseInApi("10.213.10.42").getMac()).isEqualTo(RESERVED_MAC);
  }

  @Test
  void theSameMacOnAnotherNodeGetsTheSameAddress(NetworkLab lab) throws IOException {
    Node nodeA = new Node("node-a");
    Node nodeB = new Node("node-b");
    String vmMac = "02:00:00:d4:00:77";
    Pod onA = nodeA.plug(lab, "ma", "apps/vm-source", vmMac);
    Pod bystander = nodeB.plug(lab, "mb0", "apps/other", "02:00:00:d4:00:78");
    Pod onB = nodeB.plug(lab, "mb", "apps/vm-target", vmMac);
    nodeA.apply(state("node-a", List.of(onA), 3600));
    nodeB.apply(state("node-b", List.of(bystander, onB), 3600));

    Path first = temp.resolve("source.events");
    udhcpc(lab, onA, first, "-q");
    String ip = field(awaitEvent(first, "bound", Duration.ofSeconds(30)), "ip");
    // Node B hands out an address of its own first, so it would not pick the same one by chance.
    Path other = temp.resolve("bystander.events");
    udhcpc(lab, bystander, other, "-q");
    assertThat(field(awaitEvent(other, "bound", Duration.ofSeconds(30)), "ip")).isNotEqualTo(ip);

    // The VM moved: its MAC asks node B from scratch.
    Path second = temp.resolve("target.events");
    udhcpc(lab, onB, second, "-q");

    assertThat(field(awaitEvent(second, "bound", Duration.ofSeconds(30)), "ip")).isEqualTo(ip);
    assertThat(leaseInApi(ip).getNode()).isEqualTo("node-b");
  }
}

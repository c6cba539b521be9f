package io.kvswitch.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  static String example() throws IOException {
    try (InputStream in = ConfigLoaderTest.class.getResourceAsStream("/standalone-example.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ConfigException problems(String yaml) {
    try {
      ConfigLoader.parseYaml(yaml);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("config was accepted:\n" + yaml);
  }

  @Test
  void readsTheDocumentedExample() throws Exception {
    StandaloneConfig config = ConfigLoader.parseYaml(example());

    assertThat(config.ports()).extracting(PortConfig::name).containsExactly("h1", "h2", "h3");
    assertThat(config.bonds().getFirst().members()).hasSize(2);
    assertThat(Conversions.vlanConfig(config.bonds().getFirst()).carries(20)).isTrue();
    assertThat(Conversions.stormControl(config.ports().get(2).stormControl()).burst())
        .isEqualTo(20);
    assertThat(config.vxlan().peers().getFirst().address()).isEqualTo("127.0.0.2");
    assertThat(Conversions.macTable(config.macLearning()).maxEntriesPerPort()).isEqualTo(1024);
  }

  @Test
  void readsJsonFiles(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("switch.json");
    Files.writeString(
        file,
        """
        {"ports": [{"name": "p0", "type": "memory", "mode": "trunk", "nativeVlan": 5}]}
        """);

    StandaloneConfig config = ConfigLoader.load(file);

    assertThat(Conversions.vlanConfig(config.ports().getFirst()).tagsOnEgress(5)).isFalse();
  }

  @Test
  void namesEveryBadFieldAtOnce() {
    ConfigException e =
        problems(
            """
            threads: 0
            ports:
              - name: h1
                type: veth
                mode: access
              - name: h1
                type: memory
                mode: trunk
                vlan: 3
                allowedVlans: "10,30-20"
              - name: a-name-longer-than-fifteen
                type: afpacket
                mode: hybrid
            bonds:
              - name: bond0
                bondMode: lacp
                members: [{name: eth0, type: tap}]
                mode: access
                vlan: 4095
                nativeVlan: 3
            """);

    assertThat(e.problems())
        .containsExactly(
            "threads: must be at least 1",
            "ports[0].type: 'veth' is not one of afpacket, tap, memory",
            "ports[0].vlan: required for an access port (1-4094)",
            "ports[1].name: 'h1' is used twice; port, bond and member names are unique",
            "ports[1].vlan: a trunk has allowedVlans and nativeVlan, not vlan",
            "ports[1].allowedVlans: VLAN range runs backwards: '30-20'",
            "ports[2].name: 'a-name-longer-than-fifteen' is longer than a Linux interface name"
                + " (15 characters); set device",
            "ports[2].mode: 'hybrid' is not one of access, trunk",
            "bonds[0].bondMode: 'lacp' is not one of active-backup, balance-slb",
            "bonds[0].members: a bond needs at least 2 members",
            "bonds[0].vlan: 4095 is not a VLAN id (1-4094)",
            "bonds[0].nativeVlan: only a trunk has a nativeVlan; an access port has vlan");
    assertThat(e.getMessage()).startsWith("config: 12 problem(s):\n  threads: must be at least 1");
  }

  @Test
  void checksStormControlMacLearningVxlanAndMetrics() {
    ConfigException e =
        problems(
            """
            ports:
              - {name: h1, type: memory, mode: access, vlan: 10}
            stormControl: {broadcastPps: 10}
            macLearning:
              agingSeconds: 0
              staticEntries:
                - {port: h9, vlan: 10, mac: "02:00:00:00:00:01"}
                - {port: h1, vlan: 11, mac: "01:00:5e:00:00:01"}
            vxlan:
              localAddress: node-a
              vniBase: 16777000
              peers:
                - {name: b, address: 10.0.0.2}
            metrics: {port: 70000}
            """);

    assertThat(e.problems())
        .containsExactly(
            "stormControl: burst must be at least 1 when a rate is set",
            "macLearning.agingSeconds: must be at least 1",
            "macLearning.staticEntries[0].port: 'h9' is not a port or bond of this switch",
            "macLearning.staticEntries[1].vlan: port 'h1' does not carry VLAN 11",
            "macLearning.staticEntries[1].mac: '01:00:5e:00:00:01' is a multicast address",
            "vxlan.localAddress: 'node-a' is not an IP address",
            "vxlan.vniBase: must be 0-16773121 so every VNI fits 24 bits",
            "vxlan.peers[0].vlans: required: the VLANs that node carries",
            "metrics.port: must be 0-65535");
  }

  @Test
  void namesEveryVxlanProblemByField() {
    ConfigException e =
        problems(
            """
            ports:
              - {name: h1, type: memory, mode: access, vlan: 10}
              - {name: "vxlan:c", type: memory, mode: access, vlan: 10}
            vxlan:
              localAddress: "2001:db8::1"
              udpPort: 0
              underlayMtu: 100
              peers:
                - {name: b, address: 198.18.0.2, vlans: "10", macs: [{vlan: 20, mac: "02:00:00:00:00:01"}]}
                - {name: b, address: 198.18.0.2, vlans: "10-5000"}
                - {name: c, address: 224.0.0.1, vlans: "10", macs: [{vlan: 10, mac: "ff:ff:ff:ff:ff:ff"}]}
            """);

    assertThat(e.problems())
        .containsExactly(
            "vxlan.localAddress: '2001:db8::1' is not an IPv4 address; VTEPs are IPv4 only",
            "vxlan.udpPort: must be 1-65535",
            "vxlan.underlayMtu: must be 576-65535 bytes",
            "vxlan.peers[0].macs[0].vlan: peer 'b' does not carry VLAN 20",
            "vxlan.peers[1].name: 'b' is used twice",
            "vxlan.peers[1].address: '198.18.0.2' is the address of another peer",
            "vxlan.peers[1].vlans: VLAN id out of range 1-4094: '10-5000'",
            "vxlan.peers[2].name: its port 'vxlan:c' has the name of another port",
            "vxlan.peers[2].address: '224.0.0.1' is not a unicast address",
            "vxlan.peers[2].macs[0].mac: 'ff:ff:ff:ff:ff:ff' is a multicast address");
  }

  @Test
  void namesUnknownFieldsAndWrongTypesByPath() {
    assertThat(
            problems(
                    """
                    ports:
                      - {name: h1, type: memory, mode: access, vlna: 10}
                    """)
                .problems())
        .containsExactly("ports[0].vlna: unknown field");
    assertThat(
            problems(
                    """
                    ports:
                      - {name: h1, type: memory, mode: access, vlan: ten}
                    """)
                .problems())
        .containsExactly("ports[0].vlan: 'ten' is not a valid whole number");
    assertThat(problems("ports: {name: h1}").problems()).containsExactly("ports: expected list");
    assertThat(problems("").problems()).containsExactly("the file is empty");
    assertThat(
            problems(
                    """
                    ports:
                      - {name: up, type: memory, mode: trunk, allowedVlans: ""}
                    """)
                .problems())
        .containsExactly(
            "ports[0].allowedVlans: a trunk needs allowedVlans, a nativeVlan, or both");
    assertThat(problems("ports: []").problems())
        .containsExactly("ports: at least one port or bond is required");
  }

  @Test
  void reportsAMissingBackendByPortName() throws Exception {
    StandaloneConfig config =
        ConfigLoader.parseYaml(
            """
            ports:
              - {name: veth0, type: afpacket, mode: access, vlan: 10}
            """);

    assertThatThrownBy(
            () ->
                StandaloneDataplane.create(
                    config, new PortFactories(List.of(new MemoryPortFactory())), System::nanoTime))
        .isInstanceOf(IOException.class)
        .hasMessage("port 'veth0': no 'afpacket' backend in this build (available: memory)");
  }

  @Test
  void theLinuxBackendsAreRegistered() {
    assertThatThrownBy(
            () -> PortFactories.discover().open("nonexistent", "p", "p", PortOptions.DEFAULTS))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "port 'p': no 'nonexistent' backend in this build (available: afpacket, memory, tap)");
  }

  @Test
  void offloadsAreOnUnlessTheConfigTurnsThemOff() throws Exception {
    StandaloneConfig config =
        ConfigLoader.parseYaml(
            """
            ports:
              - {name: a, type: afpacket, mode: access, vlan: 10}
              - {name: b, type: afpacket, mode: access, vlan: 10, offloads: false}
            """);

    assertThat(config.ports().get(0).options()).isEqualTo(new PortOptions(true));
    assertThat(config.ports().get(1).options()).isEqualTo(new PortOptions(false));
  }

  @Test
  void bondMembersMustAgreeOnOffloads() {
    assertThat(
            problems(
                    """
                    bonds:
                      - name: up
                        bondMode: active-backup
                        mode: access
                        vlan: 10
                        members:
                          - {name: m1, type: afpacket}
                          - {name: m2, type: afpacket, offloads: false}
                    """)
                .problems())
        .containsExactly("bonds[0].members: every member must have the same offloads setting");
  }

  @Test
  void learningAndTheReceiveRingAreSetPerPort() throws Exception {
    StandaloneConfig config =
        ConfigLoader.parseYaml(
            """
            ports:
              - {name: a, type: afpacket, mode: access, vlan: 10}
              - {name: b, type: afpacket, mode: access, vlan: 10, learning: false, rxRing: tpacket-v2}
              - {name: c, type: afpacket, mode: access, vlan: 10, rxRing: tpacket-v3}
            bonds:
              - name: up
                bondMode: active-backup
                mode: access
                vlan: 10
                learning: false
                members: [{name: m1, type: memory}, {name: m2, type: memory}]
            """);

    assertThat(config.ports().get(0).learns()).isTrue();
    assertThat(config.ports().get(0).options()).isEqualTo(new PortOptions(true, null));
    assertThat(config.ports().get(1).learns()).isFalse();
    assertThat(config.ports().get(1).options()).isEqualTo(new PortOptions(true, "tpacket-v2"));
    assertThat(config.ports().get(2).options()).isEqualTo(new PortOptions(true, "tpacket-v3"));
    assertThat(config.bonds().get(0).learns()).isFalse();
  }

  @Test
  void refusesAnUnknownReceiveRingAndANonBooleanLearning() {
    assertThat(
            problems(
                    """
                    ports:
                      - {name: a, type: afpacket, mode: access, vlan: 10, rxRing: tpacket-v1}
                      - {name: b, type: memory, mode: access, vlan: 10, rxRing: tpacket-v2}
                    """)
                .problems())
        .containsExactly(
            "ports[0].rxRing: 'tpacket-v1' is not one of tpacket-v3, tpacket-v2",
            "ports[1].rxRing: only an afpacket port has a receive ring");
    assertThat(
            problems(
                    """
                    ports:
                      - {name: a, type: memory, mode: access, vlan: 10, learning: sometimes}
                    """)
                .problems())
        .containsExactly("ports[0].learning: 'sometimes' is not a valid boolean (true or false)");
  }
}

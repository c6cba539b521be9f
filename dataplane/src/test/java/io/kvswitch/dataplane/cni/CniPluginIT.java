package io.kvswitch.dataplane.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.WorkloadKind;
import io.kvswitch.dataplane.agent.HostInterfaces;
import io.kvswitch.dataplane.testing.Commands;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.Traffic;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin run as its own process exactly as Multus or the kubelet runs it (CNI_* environment,
 * configuration on stdin, result on stdout), against an agent with a real bridge and AF_PACKET host
 * ends, and the mock API server for the SwitchPort records. Pods are network namespaces.
 */
@ExtendWith(NetworkLabExtension.class)
@EnableKubernetesMockClient(crud = true)
class CniPluginIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  KubernetesClient client;

  KubernetesMockServer server;

  @TempDir Path run;

  private TestAgent agent;

  @BeforeEach
  void startAgent() {
    agent = new TestAgent(client, run);
  }

  @AfterEach
  void stopAgent() {
    agent.close();
  }

  private ObjectNode config(int vlan) {
    ObjectNode config = JSON.createObjectNode();
    config.put("cniVersion", "1.0.0");
    config.put("name", "web");
    config.put("type", "kvswitch");
    config.put("switch", "fabric");
    config.put("vlanId", vlan);
    config.put("network", "web");
    config.put("networkNamespace", "apps");
    config.put("mtu", 1400);
    config.put("socket", agent.socket().toString());
    return config;
  }

  private static PluginProcess.Call plugin(Map<String, String> env, String stdin) throws Exception {
    return PluginProcess.run(env, stdin);
  }

  private static Map<String, String> env(
      String command, String containerId, NetNamespace pod, String podName) {
    return Map.of(
        "CNI_COMMAND",
        command,
        "CNI_CONTAINERID",
        containerId,
        "CNI_NETNS",
        "/var/run/netns/" + pod.name(),
        "CNI_IFNAME",
        "net1",
        "CNI_ARGS",
        "IgnoreUnknown=1;K8S_POD_NAMESPACE=apps;K8S_POD_NAME="
            + podName
            + ";K8S_POD_INFRA_CONTAINER_ID="
            + containerId);
  }

  private static String mtu(NetNamespace pod, String ifName) {
    return pod.execOk("cat", "/sys/class/net/" + ifName + "/mtu").stdout().strip();
  }

  private static boolean hostInterfaceExists(String name) {
    return Commands.run(List.of("ip", "link", "show", name)).succeeded();
  }

  private void cleanUpHostEnd(NetworkLab lab, String hostName) {
    lab.onClose(
        "veth " + hostName,
        () -> {
          if (hostInterfaceExists(hostName)) {
            Commands.runOk("ip", "link", "del", hostName);
          }
        });
  }

  @Test
  void addPlugsTwoPodsInThatPingEachOtherAndDelRemovesEverythingTwice(NetworkLab lab)
      throws Exception {
    NetNamespace pod1 = lab.namespace("p1");
    NetNamespace pod2 = lab.namespace("p2");
    String name1 = lab.prefix() + "-web-1";
    String name2 = lab.prefix() + "-web-2";
    String host1 = HostInterfaces.forPort("apps/" + name1 + "-net1");
    String host2 = HostInterfaces.forPort("apps/" + name2 + "-net1");
    cleanUpHostEnd(lab, host1);
    cleanUpHostEnd(lab, host2);
    ObjectNode withMac = config(10);
    withMac.putObject("runtimeConfig").put("mac", "02:aa:00:00:00:01");
    client
        .pods()
        .inNamespace("apps")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name1)
                .withNamespace("apps")
                .withLabels(Map.of("app", "web", "tier", "front"))
                .endMetadata()
                .build())
        .create();

    PluginProcess.Call add1 =
        plugin(env("ADD", "c1-" + lab.prefix(), pod1, name1), withMac.toString());
    PluginProcess.Call add2 =
        plugin(env("ADD", "c2-" + lab.prefix(), pod2, name2), config(10).toString());

    assertThat(add1.exit()).as("ADD output: %s", add1.output()).isZero();
    assertThat(add2.exit()).as("ADD output: %s", add2.output()).isZero();
    assertThat(add1.output().path("cniVersion").asText()).isEqualTo("1.0.0");
    JsonNode podSide = add1.output().path("interfaces").get(1);
    assertThat(podSide.path("name").asText()).isEqualTo("net1");
    assertThat(podSide.path("mac").asText()).isEqualTo("02:aa:00:00:00:01");
    assertThat(podSide.path("sandbox").asText()).isEqualTo("/var/run/netns/" + pod1.name());
    assertThat(pod1.macAddress("net1")).isEqualTo("02:aa:00:00:00:01");
    assertThat(mtu(pod1, "net1")).isEqualTo("1400");
    String generatedMac = add2.output().path("interfaces").get(1).path("mac").asText();
    assertThat(pod2.macAddress("net1")).isEqualTo(generatedMac);
    assertThat(generatedMac).startsWith("02:");
    assertThat(hostInterfaceExists(host1)).isTrue();

    SwitchPort record =
        client.resources(SwitchPort.class).inNamespace("apps").withName(name1 + "-net1").get();
    assertThat(record.getSpec().getWorkloadKind()).isEqualTo(WorkloadKind.Pod);
    assertThat(record.getSpec().getWorkloadName()).isEqualTo(name1);
    assertThat(record.getSpec().getNode()).isEqualTo("node-a");
    assertThat(record.getSpec().getNetwork()).isEqualTo("web");
    assertThat(record.getSpec().getInterfaceName()).isEqualTo("net1");
    assertThat(record.getSpec().getMac()).isEqualTo("02:aa:00:00:00:01");
    assertThat(record.getSpec().getVlanId()).isEqualTo(10);
    assertThat(record.getSpec().getState()).isEqualTo(PortState.Active);
    // The pod's labels, so that policy and mirror selectors find the port.
    assertThat(record.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "app", "web",
                "tier", "front",
                "kvswitch.io/switch", "fabric",
                "kvswitch.io/node", "node-a"));

    pod1.execOk("ip", "addr", "add", "10.77.0.1/24", "dev", "net1");
    pod2.execOk("ip", "addr", "add", "10.77.0.2/24", "dev", "net1");
    Traffic.assertPingSucceeds(pod1, "10.77.0.2", 3);

    ObjectNode check = withMac.deepCopy();
    check.set("prevResult", add1.output());
    assertThat(plugin(env("CHECK", "c1-" + lab.prefix(), pod1, name1), check.toString()).exit())
        .isZero();

    PluginProcess.Call del =
        plugin(env("DEL", "c1-" + lab.prefix(), pod1, name1), config(10).toString());
    assertThat(del.exit()).as("DEL output: %s", del.output()).isZero();
    assertThat(del.output()).isNull();
    assertThat(hostInterfaceExists(host1)).isFalse();
    assertThat(pod1.exec("ip", "link", "show", "net1").succeeded()).isFalse();
    assertThat(
            client.resources(SwitchPort.class).inNamespace("apps").withName(name1 + "-net1").get())
        .isNull();
    assertThat(agent.bridge().portCount()).isEqualTo(1);

    PluginProcess.Call again =
        plugin(env("DEL", "c1-" + lab.prefix(), pod1, name1), config(10).toString());
    assertThat(again.exit()).isZero();

    PluginProcess.Call checkGone =
        plugin(env("CHECK", "c1-" + lab.prefix(), pod1, name1), check.toString());
    assertThat(checkGone.exit()).isEqualTo(1);
    assertThat(checkGone.output().path("code").asInt()).isEqualTo(CniError.IO_FAILURE);
  }

  @Test
  void vmGetsAPersistentTapInItsPodThatReachesAPodAndOutlivesAnAgentRestart(NetworkLab lab)
      throws Exception {
    NetNamespace pod = lab.namespace("p1");
    NetNamespace launcher = lab.namespace("v1");
    String podName = lab.prefix() + "-web";
    String launcherName = "virt-launcher-" + lab.prefix() + "-vm";
    String podHost = HostInterfaces.forPort("apps/" + podName + "-net1");
    String vmHost = HostInterfaces.forPort("apps/" + launcherName + "-net1");
    cleanUpHostEnd(lab, podHost);
    ObjectNode vmConfig = config(10);
    vmConfig
        .putObject("args")
        .putObject("cni")
        .put("workloadKind", "VirtualMachineInstance")
        .put("workloadName", "vm-1");
    vmConfig.putObject("runtimeConfig").put("mac", "02:aa:00:00:01:01");

    PluginProcess.Call addPod =
        plugin(env("ADD", "p-" + lab.prefix(), pod, podName), config(10).toString());
    PluginProcess.Call addVm =
        plugin(env("ADD", "v-" + lab.prefix(), launcher, launcherName), vmConfig.toString());

    assertThat(addPod.exit()).as("ADD output: %s", addPod.output()).isZero();
    assertThat(addVm.exit()).as("ADD output: %s", addVm.output()).isZero();
    assertThat(addVm.output().path("interfaces").size()).as("no host end for a TAP").isEqualTo(1);
    JsonNode tap = addVm.output().path("interfaces").get(0);
    assertThat(tap.path("name").asText()).isEqualTo("net1");
    assertThat(tap.path("mac").asText()).isEqualTo("02:aa:00:00:01:01");
    assertThat(tap.path("sandbox").asText()).isEqualTo("/var/run/netns/" + launcher.name());
    assertThat(launcher.execOk("ip", "-d", "-o", "link", "show", "net1").stdout())
        .contains("tun type tap")
        .contains("persist")
        .contains("mtu 1400")
        .contains("link/ether 02:aa:00:00:01:01");
    assertThat(hostInterfaceExists(vmHost)).isFalse();
    SwitchPort record =
        client
            .resources(SwitchPort.class)
            .inNamespace("apps")
            .withName(launcherName + "-net1")
            .get();
    assertThat(record.getSpec().getWorkloadKind()).isEqualTo(WorkloadKind.VirtualMachineInstance);
    assertThat(record.getSpec().getWorkloadName()).isEqualTo("vm-1");
    assertThat(agent.taps().find(vmHost))
        .contains(new VmTaps.Tap("/var/run/netns/" + launcher.name(), "net1"));

    pod.execOk("ip", "addr", "add", "10.79.0.1/24", "dev", "net1");
    launcher.execOk("ip", "addr", "add", "10.79.0.2/24", "dev", "net1");
    Traffic.assertPingSucceeds(launcher, "10.79.0.1", 3);

    // The agent restarts: its descriptors close, the TAP stays, and the next agent plugs both
    // ports back in from the state the operator compiled.
    agent.close();
    assertThat(launcher.execOk("ip", "-o", "link", "show", "net1").stdout()).contains("UP");
    agent = new TestAgent(client, run);
    agent.engine().putPort(nodePort("apps/" + podName + "-net1", WorkloadKind.Pod));
    agent
        .engine()
        .putPort(nodePort("apps/" + launcherName + "-net1", WorkloadKind.VirtualMachineInstance));
    Traffic.assertPingSucceeds(launcher, "10.79.0.1", 3);

    ObjectNode check = vmConfig.deepCopy();
    check.set("prevResult", addVm.output());
    PluginProcess.Call checked =
        plugin(env("CHECK", "v-" + lab.prefix(), launcher, launcherName), check.toString());
    assertThat(checked.exit()).as("CHECK output: %s", checked.output()).isZero();

    PluginProcess.Call del =
        plugin(env("DEL", "v-" + lab.prefix(), launcher, launcherName), vmConfig.toString());
    assertThat(del.exit()).as("DEL output: %s", del.output()).isZero();
    assertThat(launcher.exec("ip", "link", "show", "net1").succeeded()).isFalse();
    assertThat(agent.taps().find(vmHost)).isEmpty();
    assertThat(agent.engine().isPlugged("apps/" + launcherName + "-net1")).isFalse();
    assertThat(
            client
                .resources(SwitchPort.class)
                .inNamespace("apps")
                .withName(launcherName + "-net1")
                .get())
        .isNull();
    assertThat(
            plugin(env("DEL", "v-" + lab.prefix(), launcher, launcherName), vmConfig.toString())
                .exit())
        .isZero();
  }

  @Test
  void unknownWorkloadKindIsRefusedByAddMakesNothingAndDoesNotBlockDel(NetworkLab lab)
      throws Exception {
    NetNamespace launcher = lab.namespace("v1");
    String name = lab.prefix() + "-odd";
    ObjectNode odd = config(10);
    odd.putObject("args").putObject("cni").put("workloadKind", "Container");

    PluginProcess.Call add =
        plugin(env("ADD", "o-" + lab.prefix(), launcher, name), odd.toString());

    assertThat(add.exit()).isEqualTo(1);
    assertThat(add.output().path("code").asInt()).isEqualTo(CniError.INVALID_NETWORK_CONFIG);
    assertThat(add.output().path("msg").asText())
        .isEqualTo("args.cni.workloadKind 'Container' is not one of [Pod, VirtualMachineInstance]");
    assertThat(launcher.exec("ip", "link", "show", "net1").succeeded()).isFalse();
    assertThat(hostInterfaceExists(HostInterfaces.forPort("apps/" + name + "-net1"))).isFalse();
    // DEL goes by what ADD made, so the runtime can always tear the sandbox down.
    assertThat(plugin(env("DEL", "o-" + lab.prefix(), launcher, name), odd.toString()).exit())
        .isZero();
  }

  /** The port as the operator compiles it into the node's state. */
  private static SwitchNodePort nodePort(String name, WorkloadKind kind) {
    SwitchNodePort port = new SwitchNodePort();
    port.setName(name);
    port.setWorkloadKind(kind);
    port.setInterfaceName("net1");
    port.setVlanId(10);
    port.setState(PortState.Active);
    return port;
  }

  @Test
  void podsOnDifferentVlansCannotReachEachOther(NetworkLab lab) throws Exception {
    NetNamespace pod1 = lab.namespace("p1");
    NetNamespace pod2 = lab.namespace("p2");
    String name1 = lab.prefix() + "-a";
    String name2 = lab.prefix() + "-b";
    cleanUpHostEnd(lab, HostInterfaces.forPort("apps/" + name1 + "-net1"));
    cleanUpHostEnd(lab, HostInterfaces.forPort("apps/" + name2 + "-net1"));

    assertThat(plugin(env("ADD", "a-" + lab.prefix(), pod1, name1), config(10).toString()).exit())
        .isZero();
    assertThat(plugin(env("ADD", "b-" + lab.prefix(), pod2, name2), config(20).toString()).exit())
        .isZero();
    pod1.execOk("ip", "addr", "add", "10.78.0.1/24", "dev", "net1");
    pod2.execOk("ip", "addr", "add", "10.78.0.2/24", "dev", "net1");

    assertThat(pod1.exec("ping", "-c", "2", "-W", "1", "10.78.0.2").succeeded()).isFalse();
  }

  @Test
  void badConfigurationAndEnvironmentGetTheirErrorCodesAndLeaveNothing(NetworkLab lab)
      throws Exception {
    NetNamespace pod = lab.namespace("p1");
    String name = lab.prefix() + "-bad";
    String host = HostInterfaces.forPort("apps/" + name + "-net1");
    cleanUpHostEnd(lab, host);
    Map<String, String> add = env("ADD", "bad-" + lab.prefix(), pod, name);

    PluginProcess.Call notJson = plugin(add, "{not json");
    ObjectNode badVlan = config(10);
    badVlan.put("vlanId", 5000);
    PluginProcess.Call vlan = plugin(add, badVlan.toString());
    ObjectNode oldVersion = config(10);
    oldVersion.put("cniVersion", "0.3.1");
    PluginProcess.Call version = plugin(add, oldVersion.toString());
    Map<String, String> noIfName = new HashMap<>(add);
    noIfName.remove("CNI_IFNAME");
    PluginProcess.Call environment = plugin(noIfName, config(10).toString());
    Map<String, String> noNetns = new HashMap<>(add);
    noNetns.put("CNI_NETNS", "/var/run/netns/" + lab.prefix() + "-gone");
    PluginProcess.Call container = plugin(noNetns, config(10).toString());

    assertThat(List.of(notJson, vlan, version, environment, container))
        .extracting(PluginProcess.Call::exit)
        .containsOnly(1);
    assertThat(notJson.output().path("code").asInt()).isEqualTo(CniError.DECODING_FAILURE);
    assertThat(vlan.output().path("code").asInt()).isEqualTo(CniError.INVALID_NETWORK_CONFIG);
    assertThat(vlan.output().path("msg").asText())
        .isEqualTo("'vlanId' must be a number from 1 to 4094");
    assertThat(version.output().path("code").asInt()).isEqualTo(CniError.INCOMPATIBLE_VERSION);
    assertThat(version.output().path("cniVersion").asText()).isEqualTo("0.3.1");
    assertThat(environment.output().path("code").asInt()).isEqualTo(CniError.INVALID_ENVIRONMENT);
    assertThat(container.output().path("code").asInt()).isEqualTo(CniError.UNKNOWN_CONTAINER);

    assertThat(hostInterfaceExists(host)).isFalse();
    assertThat(pod.exec("ip", "link", "show", "net1").succeeded()).isFalse();
    assertThat(client.resources(SwitchPort.class).inNamespace("apps").list().getItems()).isEmpty();
    assertThat(agent.bridge().portCount()).isZero();
  }

  @Test
  void withoutTheAgentAddAsksToRetryAndStatusSaysUnavailable(NetworkLab lab) throws Exception {
    agent.stopServer();
    NetNamespace pod = lab.namespace("p1");
    String name = lab.prefix() + "-lone";
    String host = HostInterfaces.forPort("apps/" + name + "-net1");
    cleanUpHostEnd(lab, host);

    PluginProcess.Call add =
        plugin(env("ADD", "lone-" + lab.prefix(), pod, name), config(10).toString());
    PluginProcess.Call status = plugin(Map.of("CNI_COMMAND", "STATUS"), config(10).toString());
    PluginProcess.Call version = plugin(Map.of("CNI_COMMAND", "VERSION"), "");

    assertThat(add.exit()).isEqualTo(1);
    assertThat(add.output().path("code").asInt()).isEqualTo(CniError.TRY_AGAIN_LATER);
    assertThat(add.output().path("msg").asText())
        .isEqualTo("the kvswitch agent of switch 'fabric' is not running on this node");
    assertThat(status.exit()).isEqualTo(1);
    assertThat(status.output().path("code").asInt()).isEqualTo(CniError.PLUGIN_NOT_AVAILABLE);
    assertThat(version.exit()).isZero();
    assertThat(version.output().path("supportedVersions").toString())
        .isEqualTo("[\"1.0.0\",\"1.1.0\"]");
    assertThat(hostInterfaceExists(host)).isFalse();
    assertThat(pod.exec("ip", "link", "show", "net1").succeeded()).isFalse();
  }

  @Test
  void anAddThatCannotRecordItsPortUndoesEverythingAndAsksToRetry(NetworkLab lab) throws Exception {
    NetNamespace pod = lab.namespace("p1");
    String name = lab.prefix() + "-norec";
    String host = HostInterfaces.forPort("apps/" + name + "-net1");
    cleanUpHostEnd(lab, host);
    // The API server goes away: the interface can be made and plugged in, not recorded.
    server.destroy();

    PluginProcess.Call add =
        plugin(env("ADD", "norec-" + lab.prefix(), pod, name), config(10).toString());

    assertThat(add.exit()).isEqualTo(1);
    assertThat(add.output().path("code").asInt()).isEqualTo(CniError.TRY_AGAIN_LATER);
    assertThat(add.output().path("msg").asText()).isEqualTo("cannot attach net1 of apps/" + name);
    assertThat(hostInterfaceExists(host)).isFalse();
    assertThat(pod.exec("ip", "link", "show", "net1").succeeded()).isFalse();
    assertThat(agent.bridge().portCount()).isZero();
  }
}

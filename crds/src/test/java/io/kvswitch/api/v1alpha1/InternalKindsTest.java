package io.kvswitch.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kinds the operator and the agents exchange serialize as the schema expects. */
class InternalKindsTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void switchPortUsesTheShortFieldNamesAndDefaultsToPending() {
    SwitchPortSpec spec = new SwitchPortSpec();
    spec.setWorkloadKind(WorkloadKind.VirtualMachineInstance);
    spec.setWorkloadName("db-0");
    spec.setNode("node-a");
    spec.setSwitchName("fabric");
    spec.setNetwork("db");
    spec.setInterfaceName("net1");
    spec.setMac("02:00:00:00:00:01");
    spec.setIp("10.20.0.10");
    SwitchPort port = new SwitchPort();
    port.setMetadata(new ObjectMetaBuilder().withName("db-0-net1").withNamespace("apps").build());
    port.setSpec(spec);

    JsonNode json = SERIALIZATION.convertValue(port, JsonNode.class);

    assertThat(json.at("/spec/switch").asText()).isEqualTo("fabric");
    assertThat(json.at("/spec/interface").asText()).isEqualTo("net1");
    assertThat(json.at("/spec/state").asText()).isEqualTo("Pending");
    assertThat(Crds.validator("SwitchPort").validateCreate(json)).isEmpty();
  }

  @Test
  void switchPortWithAMalformedMacIsRefused() {
    ObjectNode json =
        (ObjectNode)
            Crds.yamlValue(
                """
                apiVersion: kvswitch.io/v1alpha1
                kind: SwitchPort
                metadata: {name: p, namespace: apps}
                spec: {workloadKind: Pod, workloadName: web-0, node: n1, network: web,
                       mac: "02:00:00:00:00"}
                """);

    assertThat(Crds.validator("SwitchPort").validateCreate(json))
        .extracting(v -> v.path())
        .containsExactly("spec.mac");
  }

  @Test
  void switchNodeStateIsNamedAfterSwitchAndNodeAndRoundTrips() {
    SwitchNodeStateSpec spec = new SwitchNodeStateSpec();
    spec.setSwitchName("fabric");
    spec.setNodeName("node-a");
    SwitchNodeVlan vlan = new SwitchNodeVlan();
    vlan.setVlanId(100);
    vlan.setNetwork("apps/web");
    TunnelPeer peer = new TunnelPeer();
    peer.setNode("node-b");
    peer.setUnderlayIp("192.168.0.12");
    vlan.setTunnelPeers(List.of(peer));
    spec.setVlans(List.of(vlan));
    SwitchNodeState state = new SwitchNodeState();
    state.setMetadata(
        new ObjectMetaBuilder().withName(SwitchNodeState.nameFor("fabric", "node-a")).build());
    state.setSpec(spec);

    JsonNode json = SERIALIZATION.convertValue(state, JsonNode.class);
    SwitchNodeState back = SERIALIZATION.convertValue(json, SwitchNodeState.class);

    assertThat(json.at("/metadata/name").asText()).isEqualTo("fabric.node-a");
    assertThat(json.at("/spec/switch").asText()).isEqualTo("fabric");
    assertThat(json.at("/spec/node").asText()).isEqualTo("node-a");
    assertThat(Crds.validator("SwitchNodeState").validateCreate(json)).isEmpty();
    assertThat(back.getSpec().getVlans().getFirst().getTunnelPeers().getFirst().getUnderlayIp())
        .isEqualTo("192.168.0.12");
  }
}

package io.kvswitch.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java model and the generated schema agree, both ways. */
class ModelSerializationTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void exampleReadsIntoTheModel() throws Exception {
    VlanNetwork web =
        Crds.YAML.treeToValue(Crds.example("02-vlannetwork-web.yaml"), VlanNetwork.class);

    assertThat(web.getSpec().getSwitchName()).isEqualTo("fabric");
    assertThat(web.getSpec().getVlanId()).isEqualTo(100);
    assertThat(web.getSpec().getDhcp().getReservations().getFirst().getIp())
        .isEqualTo("10.10.0.201");
    assertThat(web.getSpec().getRules().get(1).getPorts().getFirst().getProtocol())
        .isEqualTo(TrafficProtocol.ICMP);
    assertThat(web.getSpec().getPortSecurity().getIpSpoofCheck()).isTrue();
  }

  @Test
  void objectBuiltInJavaIsAcceptedByTheSchema() {
    VlanNetworkSpec spec = new VlanNetworkSpec();
    spec.setSwitchName("fabric");
    spec.setVlanId(42);
    spec.setSubnet("192.168.42.0/24");
    spec.setGateway("192.168.42.1");
    DhcpSpec dhcp = new DhcpSpec();
    dhcp.setDnsServers(List.of("192.168.42.2"));
    spec.setDhcp(dhcp);
    VlanNetwork network = new VlanNetwork();
    network.setMetadata(new ObjectMetaBuilder().withName("tenant-a").build());
    network.setSpec(spec);

    JsonNode json = SERIALIZATION.convertValue(network, JsonNode.class);

    assertThat(json.at("/apiVersion").asText()).isEqualTo("kvswitch.io/v1alpha1");
    assertThat(json.at("/spec/switch").asText()).isEqualTo("fabric");
    assertThat(json.at("/spec/dhcp/leaseSeconds").asInt()).isEqualTo(3600);
    assertThat(Crds.validator("VlanNetwork").validateCreate(json)).isEmpty();
  }

  @Test
  void defaultsInJavaMatchTheSchemaDefaults() {
    VirtualSwitch vsw = new VirtualSwitch();
    vsw.setMetadata(new ObjectMetaBuilder().withName("s").build());
    VirtualSwitchSpec spec = new VirtualSwitchSpec();
    spec.setOverlay(new OverlaySpec());
    spec.setMacLearning(new MacLearningSpec());
    spec.setDiscovery(new DiscoverySpec());
    vsw.setSpec(spec);
    JsonNode fromJava = SERIALIZATION.convertValue(vsw, JsonNode.class);

    JsonNode fromSchema =
        Crds.validator("VirtualSwitch")
            .withDefaults(
                Crds.yamlValue(
                    "{apiVersion: kvswitch.io/v1alpha1, kind: VirtualSwitch, metadata: {name: s},"
                        + " spec: {overlay: {}, macLearning: {}, discovery: {}}}"));

    assertThat(fromJava.get("spec")).isEqualTo(fromSchema.get("spec"));
  }
}

package io.kvswitch.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed CRDs register with an API server and the model classes round-trip through it, as
 * the operator will use them.
 */
@EnableKubernetesMockClient(crud = true)
class ApiRoundTripTest {

  KubernetesClient client;

  @Test
  void vlanNetworkRoundTripsThroughTheApi() throws Exception {
    try (InputStream crd =
        Files.newInputStream(Path.of("../crds/manifests/vlannetworks.kvswitch.io-v1.yml"))) {
      CustomResourceDefinition definition =
          client.apiextensions().v1().customResourceDefinitions().load(crd).item();
      client.apiextensions().v1().customResourceDefinitions().resource(definition).create();
    }
    VlanNetworkSpec spec = new VlanNetworkSpec();
    spec.setSwitchName("fabric");
    spec.setVlanId(100);
    spec.setSubnet("10.10.0.0/24");
    VlanNetwork network = new VlanNetwork();
    network.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("apps").build());
    network.setSpec(spec);

    client.resource(network).create();
    VlanNetwork read =
        client.resources(VlanNetwork.class).inNamespace("apps").withName("web").get();

    assertThat(read.getSpec().getSwitchName()).isEqualTo("fabric");
    assertThat(read.getSpec().getVlanId()).isEqualTo(100);
    assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("vlannetworks.kvswitch.io");
  }
}

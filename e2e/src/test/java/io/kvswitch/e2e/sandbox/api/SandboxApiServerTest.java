package io.kvswitch.e2e.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kvswitch.api.v1alpha1.IsolationMode;
import io.kvswitch.api.v1alpha1.PolicyAction;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import io.kvswitch.api.v1alpha1.VlanNetworkStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox API server behaves like a real one where the operator and kubectl need it to. */
class SandboxApiServerTest {

  private static SandboxApiServer server;
  private static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    server = SandboxApiServer.start(0);
    for (String crd : List.of("virtualswitches", "vlannetworks", "mirrorsessions")) {
      server.installCrds(Path.of("../crds/manifests/" + crd + ".kvswitch.io-v1.yml"));
    }
    client = server.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  private static VlanNetwork network(String name, int vlanId) {
    VlanNetworkSpec spec = new VlanNetworkSpec();
    spec.setSwitchName("fabric");
    spec.setVlanId(vlanId);
    spec.setSubnet("10.30.0.0/24");
    spec.setGateway("10.30.0.1");
    spec.setIsolation(null);
    spec.setDefaultAction(null);
    VlanNetwork network = new VlanNetwork();
    network.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    network.setSpec(spec);
    return network;
  }

  @Test
  void discoveryListsTheKvswitchKindsWithShortNamesAndScope() {
    assertThat(client.getApiGroups().getGroups())
        .anySatisfy(g -> assertThat(g.getName()).isEqualTo("kvswitch.io"));
    List<APIResource> resources = client.getApiResources("kvswitch.io/v1alpha1").getResources();

    assertThat(resources)
        .filteredOn(r -> r.getName().equals("vlannetworks"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getKind()).isEqualTo("VlanNetwork");
              assertThat(r.getNamespaced()).isTrue();
              assertThat(r.getShortNames()).containsExactly("vlan");
            });
    assertThat(resources)
        .filteredOn(r -> r.getName().equals("virtualswitches"))
        .singleElement()
        .satisfies(r -> assertThat(r.getNamespaced()).isFalse());
    assertThat(resources).extracting(APIResource::getName).contains("vlannetworks/status");
  }

  @Test
  void createFillsInSchemaDefaults() {
    client.resource(network("defaults", 301)).create();

    VlanNetwork stored = client.resources(VlanNetwork.class).withName("defaults").get();

    assertThat(stored.getSpec().getIsolation()).isEqualTo(IsolationMode.None);
    assertThat(stored.getSpec().getDefaultAction()).isEqualTo(PolicyAction.Allow);
  }

  @Test
  void invalidObjectIsRefusedWithTheFieldNamed() {
    VlanNetwork bad = network("bad", 5000);
    bad.getSpec().setGateway("10.31.0.1");

    assertThatThrownBy(() -> client.resource(bad).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getStatus().getDetails().getCauses())
                  .extracting(c -> c.getField() + ": " + c.getMessage())
                  .containsExactlyInAnyOrder(
                      "spec.vlanId: must have a maximum value of 4094.0",
                      "spec.gateway: gateway must lie inside subnet");
            });
    assertThat(client.resources(VlanNetwork.class).withName("bad").get()).isNull();
  }

  @Test
  void transitionRulesApplyToUpdates() {
    client.resource(network("moving", 302)).create();
    VlanNetwork moved = client.resources(VlanNetwork.class).withName("moving").get();
    moved.getSpec().setSwitchName("other");

    assertThatThrownBy(() -> client.resource(moved).update())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("switch cannot be changed");
    assertThat(
            client.resources(VlanNetwork.class).withName("moving").get().getSpec().getSwitchName())
        .isEqualTo("fabric");
  }

  @Test
  void statusSubresourceIsWritable() {
    client.resource(network("status", 303)).create();
    VlanNetwork stored = client.resources(VlanNetwork.class).withName("status").get();
    VlanNetworkStatus status = new VlanNetworkStatus();
    status.setObservedGeneration(stored.getMetadata().getGeneration());
    status.setConditions(
        new ArrayList<>(
            List.of(
                new ConditionBuilder()
                    .withType("Ready")
                    .withStatus("True")
                    .withReason("Realized")
                    .withLastTransitionTime("2026-01-01T00:00:00Z")
                    .build())));
    stored.setStatus(status);

    client.resource(stored).updateStatus();

    VlanNetwork read = client.resources(VlanNetwork.class).withName("status").get();
    assertThat(read.getStatus().getConditions())
        .extracting("type", "status")
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Ready", "True"));
    assertThat(read.getMetadata().getGeneration()).isEqualTo(stored.getMetadata().getGeneration());
  }

  @Test
  void getAsTableUsesThePrinterColumns() throws Exception {
    client.resource(network("table", 304)).create();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    server.url()
                        + "/apis/kvswitch.io/v1alpha1/namespaces/default/vlannetworks/table"))
            .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
            .build();

    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode table = new ObjectMapper().readTree(response.body());

    assertThat(table.path("kind").asText()).isEqualTo("Table");
    List<String> columns = new ArrayList<>();
    table.path("columnDefinitions").forEach(c -> columns.add(c.path("name").asText()));
    assertThat(columns)
        .startsWith("Name")
        .contains("Switch", "VLAN", "Subnet", "Ready", "Leases", "Free");
    JsonNode cells = table.path("rows").get(0).path("cells");
    assertThat(cells.get(0).asText()).isEqualTo("table");
    assertThat(cells.get(columns.indexOf("VLAN")).asInt()).isEqualTo(304);
    assertThat(cells.get(columns.indexOf("Switch")).asText()).isEqualTo("fabric");
    assertThat(cells.get(columns.indexOf("Ready")).isNull()).isTrue();
  }
}

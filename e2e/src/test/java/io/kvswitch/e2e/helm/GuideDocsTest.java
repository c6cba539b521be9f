package io.kvswitch.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What docs/install.md and docs/argocd-health.md tell people to apply works as written. */
class GuideDocsTest {

  private static final Pattern YAML_BLOCK =
      Pattern.compile("^```yaml\\n(.*?)^```$", Pattern.DOTALL | Pattern.MULTILINE);

  @Test
  void kvswitchResourcesInTheInstallGuideAreAcceptedByTheCrds() throws IOException {
    List<JsonNode> kvswitch =
        yamlBlocks(docs().resolve("install.md")).stream()
            .map(GuideDocsTest::readYaml)
            .filter(o -> o.path("apiVersion").asText().startsWith("kvswitch.io/"))
            .toList();

    assertThat(kvswitch)
        .extracting(o -> o.path("kind").asText())
        .containsExactly("VirtualSwitch", "VlanNetwork");
    for (JsonNode object : kvswitch) {
      assertThat(ChartCrds.validate(object)).as("violations of %s", object).isEmpty();
    }
  }

  @Test
  void podAndVmInTheInstallGuideReferToTheVlanNetworkByName() throws IOException {
    List<JsonNode> objects =
        yamlBlocks(docs().resolve("install.md")).stream().map(GuideDocsTest::readYaml).toList();
    JsonNode vlan = ofKind(objects, "VlanNetwork");
    String network = vlan.path("metadata").path("name").asText();

    JsonNode pod = ofKind(objects, "Pod");
    assertThat(
            pod.path("metadata").path("annotations").path("k8s.v1.cni.cncf.io/networks").asText())
        .isEqualTo(network);
    assertThat(pod.path("metadata").path("namespace").asText())
        .isEqualTo(vlan.path("metadata").path("namespace").asText());

    JsonNode vm = ofKind(objects, "VirtualMachine").path("spec").path("template").path("spec");
    assertThat(vm.path("networks").findValuesAsText("networkName")).containsExactly(network);
    // The VM's MAC is the one the VlanNetwork reserves an address for.
    assertThat(
            vm.path("domain").path("devices").path("interfaces").get(1).path("macAddress").asText())
        .isEqualTo(vlan.path("spec").path("dhcp").path("reservations").get(0).path("mac").asText());
  }

  @Test
  void argoCdConfigMapCarriesTheChartsHealthCheckForEveryKind() throws IOException {
    List<String> configMaps =
        yamlBlocks(docs().resolve("argocd-health.md")).stream()
            .filter(b -> b.contains("kind: ConfigMap"))
            .toList();
    assertThat(configMaps).hasSize(1);
    ConfigMap argocd =
        new KubernetesSerialization().unmarshal(configMaps.getFirst(), ConfigMap.class);
    String script = Files.readString(ArgoCdHealthCheck.scriptFile());

    assertThat(argocd.getMetadata().getName()).isEqualTo("argocd-cm");
    assertThat(argocd.getData())
        .containsOnlyKeys(
            "resource.customizations.health.kvswitch.io_VirtualSwitch",
            "resource.customizations.health.kvswitch.io_VlanNetwork",
            "resource.customizations.health.kvswitch.io_MirrorSession")
        .allSatisfy((key, value) -> assertThat(value).as(key).isEqualTo(script));
  }

  private static Path docs() {
    return KvswitchChart.repositoryRoot().resolve("docs");
  }

  private static List<String> yamlBlocks(Path markdown) throws IOException {
    List<String> blocks = new ArrayList<>();
    Matcher block = YAML_BLOCK.matcher(Files.readString(markdown));
    while (block.find()) {
      blocks.add(block.group(1));
    }
    return blocks;
  }

  private static JsonNode readYaml(String yaml) {
    try {
      return new YAMLMapper().readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode ofKind(List<JsonNode> objects, String kind) {
    return objects.stream()
        .filter(o -> kind.equals(o.path("kind").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " in the guide"));
  }
}

package io.kvswitch.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What {@code helm install} prints: the next steps, with objects the API server accepts. */
class ChartNotesTest {

  /** The heredocs in NOTES.txt: {@code kubectl apply -f - <<'YAML'} ... {@code YAML}. */
  private static final Pattern HEREDOC =
      Pattern.compile("<<'YAML'\\n(.*?)\\n\\s*YAML\\n", Pattern.DOTALL);

  @Test
  void notesTellWhereTheOperatorRunsAndWhatToApplyNext() {
    String notes = notes(Map.of());

    assertThat(notes)
        .startsWith("kvswitch 0.1.0 is installed in namespace kvswitch-system.")
        .contains("kubectl -n kvswitch-system rollout status deployment/kvswitch-operator")
        .contains("kind: VirtualSwitch")
        .contains("kind: VlanNetwork")
        .contains("k8s.v1.cni.cncf.io/networks: web")
        .contains("kubectl get vlan,switchports -A")
        .contains("(ghcr.io/kvswitch/dataplane:0.1.0)");
  }

  @Test
  void notesFollowTheReleaseNamespaceAndDataplaneImage() {
    String notes =
        notes(Map.of("dataplane.image.repository", "registry.example.com/kvswitch-dataplane"));

    assertThat(notes).contains("(registry.example.com/kvswitch-dataplane:0.1.0)");
  }

  @Test
  void objectsInTheNotesAreAcceptedByTheCrds() throws Exception {
    List<JsonNode> objects = heredocs(notes(Map.of()));

    assertThat(objects)
        .extracting(o -> o.path("kind").asText())
        .containsExactly("VirtualSwitch", "VlanNetwork");
    for (JsonNode object : objects) {
      assertThat(ChartCrds.validate(object)).as("violations of %s", object).isEmpty();
    }
  }

  /** NOTES as {@code helm install --dry-run} prints them; no cluster is contacted. */
  static String notes(Map<String, ?> values) {
    InstallCommand install =
        KvswitchChart.helm()
            .install()
            .withName(KvswitchChart.RELEASE)
            .withNamespace(KvswitchChart.NAMESPACE)
            .withKubeVersion(KvswitchChart.KUBE_VERSION)
            .dryRun()
            .clientOnly();
    values.forEach(install::set);
    Release release = install.call();
    String output = release.getOutput();
    int notes = output.indexOf("NOTES:\n");
    assertThat(notes).as("NOTES in %s", output).isNotNegative();
    return output.substring(notes + "NOTES:\n".length());
  }

  private static List<JsonNode> heredocs(String notes) throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    List<JsonNode> objects = new ArrayList<>();
    Matcher heredoc = HEREDOC.matcher(notes);
    while (heredoc.find()) {
      objects.add(yaml.readTree(heredoc.group(1).stripIndent()));
    }
    return objects;
  }
}

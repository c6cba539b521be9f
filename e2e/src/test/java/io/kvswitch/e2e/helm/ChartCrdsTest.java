package io.kvswitch.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chart carries the CRDs in crds/, where helm installs them before the templates and never
 * deletes them. (That they equal what the model generates is checked in module crds.)
 */
class ChartCrdsTest {

  @Test
  void crdsOfTheThreeUserFacingKindsAreInTheChart() throws IOException {
    List<CustomResourceDefinition> crds = crds();

    assertThat(crds)
        .extracting(crd -> crd.getMetadata().getName())
        .contains(
            "virtualswitches.kvswitch.io",
            "vlannetworks.kvswitch.io",
            "mirrorsessions.kvswitch.io");
    assertThat(crds).extracting(crd -> crd.getSpec().getGroup()).containsOnly("kvswitch.io");
  }

  @Test
  void helmSeesEveryCrdFile() throws IOException {
    String shown = KvswitchChart.helm().show().crds().call();

    for (Path file : ChartCrds.files()) {
      assertThat(shown)
          .as("helm show crds, for %s", file.getFileName())
          .contains(Files.readString(file));
    }
  }

  @Test
  void shortNamesTheGuideUsesExist() throws IOException {
    assertThat(crds())
        .flatExtracting(crd -> crd.getSpec().getNames().getShortNames())
        .contains("vsw", "vlan", "mirror");
  }

  @Test
  void templatesRenderNoCrds() {
    assertThat(KvswitchChart.render().ofType(CustomResourceDefinition.class)).isEmpty();
  }

  private static List<CustomResourceDefinition> crds() throws IOException {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    for (Path file : ChartCrds.files()) {
      List<HasMetadata> objects = KvswitchChart.parse(Files.readString(file));
      assertThat(objects)
          .as("objects in %s", file)
          .singleElement()
          .isInstanceOf(CustomResourceDefinition.class);
      crds.add((CustomResourceDefinition) objects.getFirst());
    }
    return crds;
  }
}

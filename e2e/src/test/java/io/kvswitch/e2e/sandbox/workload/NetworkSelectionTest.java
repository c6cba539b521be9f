package io.kvswitch.e2e.sandbox.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkSelectionTest {

  @Test
  void readsTheJsonFormWithDefaultsForNamespaceAndInterface() {
    List<NetworkSelection> networks =
        NetworkSelection.fromAnnotation(
            "[{\"name\":\"web\",\"namespace\":\"apps\",\"interface\":\"eth9\","
                + "\"mac\":\"02:00:00:00:00:01\"},{\"name\":\"db\"}]",
            "default");

    assertThat(networks)
        .containsExactly(
            new NetworkSelection("apps", "web", "eth9", "02:00:00:00:00:01"),
            new NetworkSelection("default", "db", "net2", null));
  }

  @Test
  void readsTheShortFormWithNamespacesAndInterfaces() {
    assertThat(NetworkSelection.fromAnnotation("apps/web, db@storage", "tenant"))
        .containsExactly(
            new NetworkSelection("apps", "web", "net1", null),
            new NetworkSelection("tenant", "db", "storage", null));
  }

  @Test
  void writesWhatItReads() {
    List<NetworkSelection> networks =
        List.of(
            new NetworkSelection("apps", "web", "net1", "02:4b:00:00:00:02"),
            new NetworkSelection("apps", "db", "net2", null));

    assertThat(NetworkSelection.fromAnnotation(NetworkSelection.toAnnotation(networks), "x"))
        .isEqualTo(networks);
  }

  @Test
  void anEmptyOrMissingAnnotationNamesNoNetwork() {
    assertThat(NetworkSelection.fromAnnotation(null, "default")).isEmpty();
    assertThat(NetworkSelection.fromAnnotation("  ", "default")).isEmpty();
  }

  @Test
  void theVerbsReferenceMustBeNamespaceSlashName() {
    assertThat(NetworkSelection.parse("default/web", null))
        .isEqualTo(new NetworkSelection("default", "web", "net1", null));
    for (String bad : List.of("web", "/web", "default/", "a/b/c")) {
      assertThatThrownBy(() -> NetworkSelection.parse(bad, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("NAMESPACE/NETWORK");
    }
  }

  @Test
  void brokenJsonIsRefusedWithTheText() {
    assertThatThrownBy(() -> NetworkSelection.fromAnnotation("[{", "default"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
  }
}

package io.kvswitch.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VirtualSwitchSpec;
import io.kvswitch.operator.OperatorConfig;
import io.kvswitch.operator.switches.AgentDaemonSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dataplane image the build assembles is the one the chart and the operator expect: the chart's
 * name and tag, the agent as its entrypoint, and the CNI plugin where the DaemonSet's init
 * container looks for its installer.
 */
class DataplaneImageTest {

  private static ImageTarball image;
  private static BuiltImage built;

  @BeforeAll
  static void read() throws Exception {
    built = BuiltImage.of("dataplane");
    image = built.image();
  }

  @Test
  void nameAndTagAreWhatTheChartHandsTheOperator() throws Exception {
    String expected = built.chartImage("dataplane");

    assertThat(image.manifest().path("RepoTags").get(0).asText()).isEqualTo(expected);
  }

  @Test
  void entrypointStartsTheAgent() throws Exception {
    List<String> entrypoint = new ArrayList<>();
    image.config().path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));

    assertThat(entrypoint).startsWith("java").contains("--enable-native-access=ALL-UNNAMED");
    assertThat(entrypoint.getLast()).isEqualTo("io.kvswitch.dataplane.agent.AgentMain");
    assertThat(Class.forName(entrypoint.getLast()).getMethod("main", String[].class)).isNotNull();
  }

  @Test
  void carriesTheCniPluginWhereTheInitContainerInstallsItFrom() throws Exception {
    VirtualSwitch vsw = new VirtualSwitch();
    vsw.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("fabric").build());
    vsw.setSpec(new VirtualSwitchSpec());
    Container init =
        AgentDaemonSet.desired(vsw, OperatorConfig.fromEnvironment(Map.of()))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getInitContainers()
            .getFirst();
    List<String> files = image.files();

    assertThat(files).contains(init.getCommand().getFirst().substring(1));
    assertThat(files)
        .contains(
            "opt/kvswitch/cni/kvswitch.d/bin/kvswitch",
            "opt/kvswitch/cni/kvswitch.d/runtime/bin/java");
    assertThat(files).contains("app/classes/io/kvswitch/dataplane/agent/AgentMain.class");
  }
}

package io.kvswitch.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator image the build assembles matches what the chart deploys: the name and tag the chart
 * pulls, a non-root user the chart's security context accepts, the ports its probes and Service
 * use, and an entrypoint that starts the operator.
 */
class OperatorImageTest {

  private static ImageTarball image;
  private static JsonNode values;
  private static BuiltImage built;

  @BeforeAll
  static void read() throws Exception {
    built = BuiltImage.of("operator");
    image = built.image();
    values = built.values();
  }

  @Test
  void nameAndTagAreWhatTheChartPulls() throws Exception {
    String expected = built.chartImage("operator");

    assertThat(image.manifest().path("RepoTags").get(0).asText()).isEqualTo(expected);
  }

  @Test
  void runsAsTheNonRootUserOfTheChartsSecurityContext() throws Exception {
    JsonNode pod = values.at("/operator/podSecurityContext");

    assertThat(image.config().path("User").asText())
        .isEqualTo(pod.path("runAsUser").asInt() + ":" + pod.path("runAsGroup").asInt());
    assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
  }

  @Test
  void exposesTheMetricsAndHealthPorts() throws Exception {
    List<String> ports = new ArrayList<>();
    image.config().path("ExposedPorts").fieldNames().forEachRemaining(ports::add);

    assertThat(ports)
        .containsExactlyInAnyOrder(
            values.at("/operator/metricsPort").asInt() + "/tcp",
            values.at("/operator/healthPort").asInt() + "/tcp");
  }

  @Test
  void entrypointStartsTheOperatorMainWithNativeAccess() throws Exception {
    List<String> entrypoint = new ArrayList<>();
    image.config().path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));

    assertThat(entrypoint).startsWith("java").contains("--enable-native-access=ALL-UNNAMED");
    Class<?> main = Class.forName(entrypoint.getLast());
    Method method = main.getMethod("main", String[].class);
    assertThat(Modifier.isStatic(method.getModifiers())).isTrue();
    assertThat(main.getName()).isEqualTo("io.kvswitch.operator.OperatorMain");
  }

  @Test
  void carriesTheOperatorClassesAndTheApiJar() throws Exception {
    List<String> files = image.files();

    assertThat(files).contains("app/classes/io/kvswitch/operator/OperatorMain.class");
    assertThat(files).anySatisfy(f -> assertThat(f).matches("app/libs/kvswitch-crds-.*\\.jar"));
    assertThat(files).noneSatisfy(f -> assertThat(f).contains("kubernetes-httpclient-vertx"));
  }
}

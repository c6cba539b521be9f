package io.kvswitch.e2e.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The chart under helm/kvswitch, rendered by the helm library that helm-java bundles. */
final class KvswitchChart {

  static final String RELEASE = "kvswitch";
  static final String NAMESPACE = "kvswitch-system";

  /**
   * The oldest Kubernetes the chart supports. Helm's offline default is far older, so without it
   * the chart's kubeVersion constraint refuses to render.
   */
  static final String KUBE_VERSION = "v1.30.0";

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();

  private KvswitchChart() {}

  /** The chart directory; surefire runs in the e2e module's directory. */
  static Path directory() {
    Path chart = repositoryRoot().resolve("helm").resolve("kvswitch");
    if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
      throw new IllegalStateException("no chart at " + chart);
    }
    return chart;
  }

  static Path repositoryRoot() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
  }

  static Helm helm() {
    return new Helm(directory());
  }

  /** {@code helm template} with the given {@code --set} values. */
  static RenderedObjects render(Map<String, ?> values) {
    return new RenderedObjects(parse(template(values).call()));
  }

  static RenderedObjects render() {
    return render(Map.of());
  }

  /** {@code helm template} that helm refuses; the message helm gives. */
  static String renderError(Map<String, ?> values) {
    try {
      String output = template(values).call();
      throw new AssertionError("helm rendered the chart with " + values + ":\n" + output);
    } catch (IllegalStateException refused) {
      return refused.getMessage();
    }
  }

  private static TemplateCommand template(Map<String, ?> values) {
    TemplateCommand template =
        helm().template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
    values.forEach(template::set);
    return template;
  }

  static List<HasMetadata> parse(String multiDocumentYaml) {
    List<HasMetadata> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents =
        YAML.readerFor(JsonNode.class).readValues(multiDocumentYaml)) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null && document.isObject()) {
          objects.add(KUBERNETES.convertValue(document, HasMetadata.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return objects;
  }
}

package io.kvswitch.dataplane.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The project's generated CRDs (crds/manifests), registered with a (mock) API server. */
public final class ProjectCrds {

  private ProjectCrds() {}

  /** Registers every CRD the server does not have yet (a second agent on it finds them there). */
  public static void register(KubernetesClient client) {
    try (Stream<Path> files = Files.list(Path.of("../crds/manifests"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              client.apiextensions().v1().customResourceDefinitions().load(in).item();
          if (client
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .withName(crd.getMetadata().getName())
                  .get()
              == null) {
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

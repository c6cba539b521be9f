package io.kvswitch.e2e.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourcePathTest {

  @Test
  void namespacedCustomResourceWithSubresource() {
    ResourcePath path =
        ResourcePath.parse("/apis/kvswitch.io/v1alpha1/namespaces/apps/vlannetworks/web/status?x=1")
            .orElseThrow();

    assertThat(path)
        .isEqualTo(
            new ResourcePath("kvswitch.io", "v1alpha1", "apps", "vlannetworks", "web", "status"));
    assertThat(path.objectPath())
        .isEqualTo("/apis/kvswitch.io/v1alpha1/namespaces/apps/vlannetworks/web");
  }

  @Test
  void clusterScopedList() {
    assertThat(ResourcePath.parse("/apis/kvswitch.io/v1alpha1/virtualswitches?watch=true"))
        .contains(new ResourcePath("kvswitch.io", "v1alpha1", null, "virtualswitches", null, null));
  }

  @Test
  void coreGroupAndTheNamespaceObjectItself() {
    assertThat(ResourcePath.parse("/api/v1/namespaces/default/pods/p1"))
        .contains(new ResourcePath("", "v1", "default", "pods", "p1", null));
    assertThat(ResourcePath.parse("/api/v1/namespaces/default"))
        .contains(new ResourcePath("", "v1", null, "namespaces", "default", null));
  }

  @Test
  void discoveryPathsAreNotResources() {
    assertThat(ResourcePath.parse("/apis")).isEmpty();
    assertThat(ResourcePath.parse("/apis/kvswitch.io/v1alpha1")).isEmpty();
    assertThat(ResourcePath.parse("/version")).isEmpty();
  }
}

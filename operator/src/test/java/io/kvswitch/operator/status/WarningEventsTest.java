package io.kvswitch.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class WarningEventsTest {

  KubernetesClient client;
  KubernetesMockServer server;

  private static Clock at(String instant) {
    return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
  }

  @Test
  void aRepeatedProblemUpdatesOneEventInsteadOfAddingMore() throws Exception {
    VlanNetwork network = new VlanNetwork();
    network.setMetadata(
        new ObjectMetaBuilder().withNamespace("apps").withName("web").withUid("u-1").build());

    new WarningEvents(client, "kvswitch-system", at("2026-05-01T08:00:00Z"))
        .warn(network, "VlanIdInUse", "VLAN 100 is taken");
    new WarningEvents(client, "kvswitch-system", at("2026-05-01T09:00:00Z"))
        .warn(network, "VlanIdInUse", "VLAN 100 is still taken");

    List<String> requests = new ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      RecordedRequest request = server.takeRequest();
      requests.add(request.getMethod() + " " + request.getPath());
    }
    assertThat(requests)
        .as("the chart grants events create and patch only")
        .allMatch(r -> r.startsWith("POST ") || r.startsWith("PATCH "));
    List<Event> events = client.v1().events().inNamespace("apps").list().getItems();
    assertThat(events).hasSize(1);
    Event event = events.getFirst();
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("VlanIdInUse");
    assertThat(event.getMessage()).isEqualTo("VLAN 100 is still taken");
    assertThat(event.getFirstTimestamp()).isEqualTo("2026-05-01T08:00:00Z");
    assertThat(event.getLastTimestamp()).isEqualTo("2026-05-01T09:00:00Z");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("VlanNetwork");
    assertThat(event.getInvolvedObject().getUid()).isEqualTo("u-1");
  }

  @Test
  void eventsAboutClusterScopedObjectsGoToTheOperatorNamespace() {
    VirtualSwitch vsw = new VirtualSwitch();
    vsw.setMetadata(new ObjectMetaBuilder().withName("fabric").withUid("u-2").build());

    new WarningEvents(client, "kvswitch-system", Clock.systemUTC()).warn(vsw, "Broken", "why");

    assertThat(client.v1().events().inNamespace("kvswitch-system").list().getItems())
        .extracting(e -> e.getInvolvedObject().getName())
        .containsExactly("fabric");
  }
}

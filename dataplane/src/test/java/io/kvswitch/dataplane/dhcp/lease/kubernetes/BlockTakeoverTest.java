package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kvswitch.api.v1alpha1.AddressBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.dataplane.dhcp.FakeClock;
import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.lease.LeaseConflictException;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.testing.ProjectCrds;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Blocks of a node that left the cluster (its Node object deleted) are taken over by a node that
 * needs addresses, against fabric8's mock API server; the leases inside stay with their clients.
 */
@EnableKubernetesMockClient(crud = true)
class BlockTakeoverTest {

  KubernetesClient client;

  private final FakeClock clock = new FakeClock();

  /** 24 addresses: three blocks of eight. */
  private final DhcpNetworkConfig config =
      DhcpNetworkConfig.builder("blue", "10.0.0.0/24")
          .gateway("10.0.0.1")
          .range("10.0.0.10", "10.0.0.33")
          .build();

  private final List<ApiNode> nodes = new ArrayList<>();

  @BeforeEach
  void registerCrdsAndNodes() throws IOException {
    ProjectCrds.register(client);
    for (String node : List.of("node-a", "node-b")) {
      client
          .nodes()
          .resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build())
          .create();
    }
  }

  @AfterEach
  void stop() {
    nodes.forEach(ApiNode::close);
  }

  private ApiNode node(String name) {
    ApiNode node =
        new ApiNode(
            name,
            client.getConfiguration(),
            config,
            clock,
            OwnerResolver.NONE,
            new KubernetesNodeDirectory(client, clock, Duration.ofMinutes(1)));
    nodes.add(node);
    return node;
  }

  private Map<Integer, String> blockOwnersInApi() {
    return client
        .resources(AddressBlock.class)
        .inNamespace(ApiNode.NAMESPACE)
        .list()
        .getItems()
        .stream()
        .collect(Collectors.toMap(b -> b.getSpec().getIndex(), b -> b.getSpec().getNode()));
  }

  @Test
  void blocksOfANodeThatLeftAreTakenOverAndItsLeasesStayWithTheirClients() {
    ApiNode nodeA = node("node-a");
    List<TestClient> clientsOfA = new ArrayList<>();
    List<Ipv4Address> addressesOfA = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      TestClient client = new TestClient(String.format("02:00:00:00:aa:%02x", i));
      clientsOfA.add(client);
      addressesOfA.add(nodeA.lease(client).orElseThrow());
    }
    assertThat(blockOwnersInApi()).isEqualTo(Map.of(0, "node-a", 1, "node-a", 2, "node-a"));

    // Node A is down but still in the cluster: node B borrows an address, the blocks stay A's.
    ApiNode nodeB = node("node-b");
    Ipv4Address borrowed = nodeB.lease(new TestClient("02:00:00:00:bb:00")).orElseThrow();
    assertThat(borrowed).isEqualTo(Ipv4Address.parse("10.0.0.27"));
    assertThat(blockOwnersInApi()).containsValues("node-a").doesNotContainValue("node-b");

    // Node A is removed from the cluster. Once node B's answer about it is stale, the next new
    // client makes node B take A's blocks over, up to the first with a free address.
    nodeA.close();
    nodes.remove(nodeA);
    client.nodes().withName("node-a").delete();
    clock.advance(Duration.ofMinutes(2));
    Ipv4Address fresh = nodeB.lease(new TestClient("02:00:00:00:bb:01")).orElseThrow();

    assertThat(fresh).isEqualTo(Ipv4Address.parse("10.0.0.28"));
    assertThat(blockOwnersInApi()).isEqualTo(Map.of(0, "node-b", 1, "node-b", 2, "node-b"));
    for (Ipv4Address address : addressesOfA) {
      DhcpLeaseRecord lease =
          RecordsInApi.of(client, ApiNode.NAMESPACE, "blue", address.toString()).orElseThrow();
      assertThat(lease.getState()).isEqualTo(DhcpLeaseState.Bound);
      assertThat(lease.getNode()).isEqualTo("node-a");
    }
    // A client of the departed node, moved to node B, gets its address back.
    assertThat(nodeB.ack(clientsOfA.get(3).reboot(addressesOfA.get(3))))
        .contains(addressesOfA.get(3));
  }

  @Test
  void aBlockOfANodeThatIsStillThereCannotBeTakenOver() throws Exception {
    ApiNode nodeA = node("node-a");
    ApiNode nodeB = node("node-b");
    nodeA.ledger.claim(1, "node-a", nodeA.ledger.read().version());

    assertThat(nodeB.ledger.departedNodes(List.of("node-a", "node-c"))).containsExactly("node-c");
    // A stale view: node B believes node C owns the block, but node A does.
    assertThatThrownBy(
            () -> nodeB.ledger.takeOver(1, "node-c", "node-b", nodeB.ledger.read().version()))
        .isInstanceOf(LeaseConflictException.class);
    assertThat(blockOwnersInApi()).isEqualTo(Map.of(1, "node-a"));
  }
}

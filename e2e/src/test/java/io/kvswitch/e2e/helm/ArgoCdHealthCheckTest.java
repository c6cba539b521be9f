package io.kvswitch.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kvswitch.e2e.helm.ArgoCdHealthCheck.Health;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Argo CD health check maps sample statuses to the health Argo CD shows. */
class ArgoCdHealthCheckTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ArgoCdHealthCheck CHECK = ArgoCdHealthCheck.fromChart();

  @ParameterizedTest
  @ValueSource(strings = {"VirtualSwitch", "VlanNetwork", "MirrorSession"})
  void withoutStatusTheResourceIsProgressing(String kind) {
    assertThat(CHECK.evaluate(object(kind, 1, null)))
        .isEqualTo(new Health("Progressing", "Waiting for the operator to report status"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"VirtualSwitch", "VlanNetwork", "MirrorSession"})
  void readyIsHealthyWithTheOperatorsMessage(String kind) {
    String status =
        """
        observedGeneration: 2
        conditions:
          - type: Ready
            status: "True"
            reason: Realized
            message: realized on 3 of 3 nodes
        """;

    assertThat(CHECK.evaluate(object(kind, 2, status)))
        .isEqualTo(new Health("Healthy", "realized on 3 of 3 nodes"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"VirtualSwitch", "VlanNetwork", "MirrorSession"})
  void notReadyAndBehindTheSpecIsProgressing(String kind) {
    String status =
        """
        observedGeneration: 2
        conditions:
          - type: Ready
            status: "False"
            reason: Realizing
            message: realized on 1 of 3 nodes
        """;

    assertThat(CHECK.evaluate(object(kind, 3, status)))
        .isEqualTo(new Health("Progressing", "Waiting for the operator to observe generation 3"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"VirtualSwitch", "VlanNetwork", "MirrorSession"})
  void notReadyAtTheCurrentGenerationIsProgressingWithTheReason(String kind) {
    String status =
        """
        observedGeneration: 3
        conditions:
          - type: Ready
            status: "False"
            reason: Realizing
            message: realized on 1 of 3 nodes; waiting for node-b, node-c
        """;

    assertThat(CHECK.evaluate(object(kind, 3, status)))
        .isEqualTo(
            new Health(
                "Progressing", "Not ready: realized on 1 of 3 nodes; waiting for node-b, node-c"));
  }

  @Test
  void aReadyConditionWithoutMessageFallsBackToItsReason() {
    String status =
        """
        observedGeneration: 1
        conditions:
          - type: Ready
            status: Unknown
            reason: AgentsStarting
        """;

    assertThat(CHECK.evaluate(object("VirtualSwitch", 1, status)))
        .isEqualTo(new Health("Progressing", "Not ready: AgentsStarting"));
  }

  @Test
  void aStatusFromAnOlderGenerationIsProgressingEvenWhenReady() {
    String status =
        """
        observedGeneration: 4
        conditions:
          - type: Ready
            status: "True"
            message: realized on 2 of 2 nodes
        """;

    assertThat(CHECK.evaluate(object("VirtualSwitch", 5, status)))
        .isEqualTo(new Health("Progressing", "Waiting for the operator to observe generation 5"));
  }

  @Test
  void aFixedConflictThatTheOperatorHasNotSeenYetIsNotDegraded() {
    String status =
        """
        observedGeneration: 1
        conditions:
          - type: Ready
            status: "False"
            reason: VlanConflict
          - type: VlanConflict
            status: "True"
            reason: VlanInUse
            message: VLAN 100 on switch fabric is already used by team-a/web
        """;

    assertThat(CHECK.evaluate(object("VlanNetwork", 2, status)).status()).isEqualTo("Progressing");
  }

  @Test
  void aStatusWithoutObservedGenerationIsProgressing() {
    String status =
        """
        conditions:
          - type: Ready
            status: "True"
        """;

    assertThat(CHECK.evaluate(object("VlanNetwork", 1, status)))
        .isEqualTo(new Health("Progressing", "Waiting for the operator to observe generation 1"));
  }

  @Test
  void aStatusWithoutReadyIsProgressing() {
    assertThat(CHECK.evaluate(object("MirrorSession", 1, "observedGeneration: 1\n")))
        .isEqualTo(new Health("Progressing", "Waiting for the Ready condition"));
  }

  @Test
  void vlanConflictIsDegraded() {
    String status =
        """
        observedGeneration: 2
        conditions:
          - type: Ready
            status: "False"
            reason: VlanConflict
            message: not programmed
          - type: VlanConflict
            status: "True"
            reason: VlanInUse
            message: VLAN 100 on switch fabric is already used by team-a/web
        """;

    assertThat(CHECK.evaluate(object("VlanNetwork", 2, status)))
        .isEqualTo(
            new Health(
                "Degraded",
                "VlanConflict: VLAN 100 on switch fabric is already used by team-a/web"));
  }

  @Test
  void switchNotFoundIsDegraded() {
    String status =
        """
        observedGeneration: 1
        conditions:
          - type: SwitchNotFound
            status: "True"
            reason: NoSuchSwitch
            message: no VirtualSwitch named fabrik
          - type: Ready
            status: "False"
            reason: SwitchNotFound
        """;

    assertThat(CHECK.evaluate(object("VlanNetwork", 1, status)))
        .isEqualTo(new Health("Degraded", "SwitchNotFound: no VirtualSwitch named fabrik"));
  }

  @Test
  void anExhaustedPoolIsDegradedEvenWhileTheNetworkIsReady() {
    String status =
        """
        observedGeneration: 7
        conditions:
          - type: Ready
            status: "True"
            message: realized on 3 of 3 nodes
          - type: PoolExhausted
            status: "True"
            reason: NoFreeAddress
        """;

    assertThat(CHECK.evaluate(object("VlanNetwork", 7, status)))
        .isEqualTo(new Health("Degraded", "PoolExhausted: NoFreeAddress"));
  }

  @Test
  void everyDomainProblemIsListed() {
    String status =
        """
        observedGeneration: 1
        conditions:
          - type: VlanConflict
            status: "True"
            message: VLAN 100 on switch fabric is already used by team-a/web
          - type: PoolExhausted
            status: "True"
            message: 0 of 191 addresses free
        """;

    assertThat(CHECK.evaluate(object("VlanNetwork", 1, status)))
        .isEqualTo(
            new Health(
                "Degraded",
                "VlanConflict: VLAN 100 on switch fabric is already used by team-a/web;"
                    + " PoolExhausted: 0 of 191 addresses free"));
  }

  @Test
  void domainConditionsThatAreFalseDoNotDegrade() {
    String status =
        """
        observedGeneration: 3
        conditions:
          - type: Ready
            status: "True"
          - type: VlanConflict
            status: "False"
            reason: VlanFree
          - type: SwitchNotFound
            status: "False"
          - type: PoolExhausted
            status: "False"
        """;

    assertThat(CHECK.evaluate(object("VlanNetwork", 3, status)))
        .isEqualTo(new Health("Healthy", "Ready"));
  }

  @Test
  void conditionsTheCheckDoesNotKnowAreIgnored() {
    String status =
        """
        observedGeneration: 1
        conditions:
          - type: DestinationUnreachable
            status: "True"
          - type: Ready
            status: "True"
            message: mirroring on 2 nodes
        """;

    assertThat(CHECK.evaluate(object("MirrorSession", 1, status)))
        .isEqualTo(new Health("Healthy", "mirroring on 2 nodes"));
  }

  private static JsonNode object(String kind, long generation, String status) {
    ObjectNode object = YAML.createObjectNode();
    object.put("apiVersion", "kvswitch.io/v1alpha1");
    object.put("kind", kind);
    object.putObject("metadata").put("name", "sample").put("generation", generation);
    if (status != null) {
      object.set("status", readYaml(status));
    }
    return object;
  }

  private static JsonNode readYaml(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

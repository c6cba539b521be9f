package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerbArgumentsTest {

  @Test
  void separatesOptionsFromTheNameAndKeepsEverythingAfterTheDoubleDash() throws Exception {
    VerbArguments args =
        VerbArguments.parse(
            List.of("web-1", "--node", "node-2", "--", "ping", "--node", "x"), Set.of("--node"));

    assertThat(args.option("--node")).contains("node-2");
    assertThat(args.positional()).containsExactly("web-1", "ping", "--node", "x");
    assertThat(args.help()).isFalse();
  }

  @Test
  void unknownOptionsMissingValuesAndBadNumbersAreUsageErrors() throws Exception {
    assertThatThrownBy(() -> VerbArguments.parse(List.of("a", "--nod", "x"), Set.of("--node")))
        .hasMessage("unknown option --nod");
    assertThatThrownBy(() -> VerbArguments.parse(List.of("a", "--node"), Set.of("--node")))
        .hasMessage("--node needs a value");
    VerbArguments args = VerbArguments.parse(List.of("--timeout", "soon"), Set.of("--timeout"));
    assertThatThrownBy(() -> args.seconds("--timeout", 60))
        .hasMessageContaining("number of seconds");
    assertThatThrownBy(() -> args.required("--node")).hasMessage("--node is required");
    assertThatThrownBy(() -> args.name("pod name")).hasMessage("give exactly one pod name");
  }

  @Test
  void helpIsSeenAnywhereBeforeTheCommand() throws Exception {
    assertThat(VerbArguments.parse(List.of("x", "--help"), Set.of()).help()).isTrue();
  }

  @Test
  void aVmsMacDependsOnItsNameOnlyAndIsLocallyAdministeredUnicast() {
    String mac = WorkloadVerbs.vmMac("vm-a");

    assertThat(mac)
        .isEqualTo(WorkloadVerbs.vmMac("vm-a"))
        .isNotEqualTo(WorkloadVerbs.vmMac("vm-b"));
    assertThat(mac).matches("02:4b(:[0-9a-f]{2}){4}");
  }
}

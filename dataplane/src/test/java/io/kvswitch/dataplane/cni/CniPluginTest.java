package io.kvswitch.dataplane.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin's own checks, which answer without the agent. */
class CniPluginTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private record Outcome(int exit, JsonNode output) {}

  private Outcome run(Map<String, String> env, String stdin) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit =
        CniPlugin.run(
            env,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    return new Outcome(exit, JSON.readTree(out.toString(StandardCharsets.UTF_8)));
  }

  private String config(String extra) {
    return "{\"cniVersion\":\"1.0.0\",\"name\":\"web\",\"type\":\"kvswitch\",\"switch\":\"fabric\","
        + "\"vlanId\":10,\"socket\":\""
        + dir.resolve("none.sock")
        + "\""
        + extra
        + "}";
  }

  private static final Map<String, String> ADD =
      Map.of(
          "CNI_COMMAND", "ADD",
          "CNI_CONTAINERID", "c1",
          "CNI_NETNS", "/var/run/netns/x",
          "CNI_IFNAME", "net1");

  @Test
  void versionListsWhatThePluginSpeaks() throws Exception {
    Outcome version = run(Map.of("CNI_COMMAND", "VERSION"), "");

    assertThat(version.exit()).isZero();
    assertThat(version.output().toString())
        .isEqualTo("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"1.0.0\",\"1.1.0\"]}");
  }

  @Test
  void errorsCarryTheSpecsCodesAndTheRequestedVersion() throws Exception {
    Outcome noCommand = run(Map.of(), config(""));
    Outcome notJson = run(ADD, "[1,");
    Outcome wrongType =
        run(ADD, config(",\"type\":\"bridge\"").replace("\"type\":\"kvswitch\",", ""));
    Outcome badMtu = run(ADD, config(",\"mtu\":20"));
    Outcome noAgent = run(ADD, config(""));

    assertThat(noCommand.exit()).isEqualTo(1);
    assertThat(noCommand.output().path("code").asInt()).isEqualTo(4);
    assertThat(noCommand.output().path("msg").asText()).isEqualTo("CNI_COMMAND is not set");
    assertThat(notJson.output().path("code").asInt()).isEqualTo(6);
    assertThat(wrongType.output().path("code").asInt()).isEqualTo(7);
    assertThat(wrongType.output().path("msg").asText()).isEqualTo("type must be 'kvswitch'");
    assertThat(badMtu.output().path("code").asInt()).isEqualTo(7);
    assertThat(noAgent.exit()).isEqualTo(1);
    assertThat(noAgent.output().path("cniVersion").asText()).isEqualTo("1.0.0");
    assertThat(noAgent.output().path("code").asInt()).isEqualTo(11);
    assertThat(noAgent.output().path("details").asText())
        .startsWith("cannot connect to " + dir.resolve("none.sock"));
  }

  @Test
  void theSocketIsPerSwitchUnlessConfigured() throws Exception {
    assertThat(CniPlugin.socketPath("", "fabric"))
        .isEqualTo(Path.of("/run/kvswitch/cni-fabric.sock"));
    assertThat(CniPlugin.socketPath("/tmp/s.sock", "fabric")).isEqualTo(Path.of("/tmp/s.sock"));
  }

  @Test
  void cniArgsAreSplitIntoPairs() {
    assertThat(CniRequest.parseArgs("IgnoreUnknown=1;K8S_POD_NAME=web-1;K8S_POD_NAMESPACE=apps"))
        .containsExactly(
            Map.entry("IgnoreUnknown", "1"),
            Map.entry("K8S_POD_NAME", "web-1"),
            Map.entry("K8S_POD_NAMESPACE", "apps"));
  }
}

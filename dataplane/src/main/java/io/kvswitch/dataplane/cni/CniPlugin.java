package io.kvswitch.dataplane.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code kvswitch} CNI plugin executable (CNI spec 1.0/1.1): reads the {@code CNI_*}
 * environment and the network configuration on stdin, asks the node's agent over its Unix socket to
 * do the work, and prints the result, or an error {@code {cniVersion, code, msg, details}} with
 * exit status 1. VERSION and the checks of the configuration and environment are answered here, so
 * a bad configuration gets its error whether or not the agent runs.
 *
 * <p>Plain JDK sockets, no netty: the plugin runs once per call and every class loaded costs
 * start-up time.
 */
public final class CniPlugin {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CniPlugin() {}

  public static void main(String[] args) {
    int status = run(System.getenv(), System.in, System.out);
    System.out.flush();
    System.exit(status);
  }

  /** Runs one call; returns the exit status. */
  static int run(Map<String, String> env, InputStream stdin, PrintStream stdout) {
    String version = "1.0.0";
    try {
      String command = env.getOrDefault("CNI_COMMAND", "");
      if (command.equals("VERSION")) {
        stdout.println("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"1.0.0\",\"1.1.0\"]}");
        return 0;
      }
      JsonNode config;
      try {
        config = JSON.readTree(stdin);
      } catch (IOException e) {
        throw new CniError(CniError.DECODING_FAILURE, "stdin is not JSON: " + e.getMessage());
      }
      if (config != null && config.path("cniVersion").isTextual()) {
        version = config.path("cniVersion").asText();
      }
      NetworkConfig network = NetworkConfig.parse(config);
      CniRequest request = request(command, env, config);
      Path socket = socketPath(config, network.switchName());
      CniResponse response = call(socket, request, network.switchName());
      if (!response.succeeded()) {
        throw new CniError(response.code(), response.msg(), response.details());
      }
      if (response.result() != null) {
        stdout.println(JSON.writeValueAsString(response.result()));
      }
      return 0;
    } catch (CniError e) {
      return fail(stdout, version, e);
    } catch (IOException e) {
      return fail(
          stdout, version, new CniError(CniError.IO_FAILURE, String.valueOf(e.getMessage())));
    }
  }

  private static int fail(PrintStream stdout, String version, CniError e) {
    ObjectNode error = JSON.createObjectNode();
    error.put("cniVersion", version);
    error.put("code", e.code());
    error.put("msg", e.getMessage());
    error.put("details", e.details());
    stdout.println(error.toString());
    return 1;
  }

  private static CniRequest request(String command, Map<String, String> env, JsonNode config) {
    switch (command) {
      case "ADD", "DEL", "CHECK" -> {
        require(env, "CNI_CONTAINERID");
        require(env, "CNI_IFNAME");
        if (!command.equals("DEL")) {
          require(env, "CNI_NETNS");
        }
      }
      case "STATUS" -> {}
      default ->
          throw new CniError(
              CniError.INVALID_ENVIRONMENT,
              command.isEmpty() ? "CNI_COMMAND is not set" : "unknown CNI_COMMAND " + command);
    }
    return new CniRequest(
        command,
        env.get("CNI_CONTAINERID"),
        env.get("CNI_NETNS"),
        env.get("CNI_IFNAME"),
        CniRequest.parseArgs(env.get("CNI_ARGS")),
        config);
  }

  private static void require(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isEmpty()) {
      throw new CniError(CniError.INVALID_ENVIRONMENT, name + " is not set");
    }
  }

  /** The agent's socket: the configuration's {@code socket}, else one per switch. */
  static Path socketPath(JsonNode config, String switchName) {
    String configured = config.path("socket").asText("");
    return configured.isEmpty()
        ? Path.of("/run/kvswitch/cni-" + switchName + ".sock")
        : Path.of(configured);
  }

  private static CniResponse call(Path socket, CniRequest request, String switchName)
      throws IOException {
    SocketChannel channel;
    try {
      channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw new CniError(
          request.command().equals("STATUS")
              ? CniError.PLUGIN_NOT_AVAILABLE
              : CniError.TRY_AGAIN_LATER,
          "the kvswitch agent of switch '" + switchName + "' is not running on this node",
          "cannot connect to " + socket + ": " + e.getMessage());
    }
    try (channel) {
      byte[] line = (JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer out = ByteBuffer.wrap(line);
      while (out.hasRemaining()) {
        channel.write(out);
      }
      byte[] answer = Channels.newInputStream(channel).readAllBytes();
      if (answer.length == 0) {
        throw new CniError(
            CniError.IO_FAILURE, "the kvswitch agent closed the connection without an answer");
      }
      return JSON.readValue(answer, CniResponse.class);
    }
  }
}

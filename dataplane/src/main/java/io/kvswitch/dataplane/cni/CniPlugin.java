package io.kvswitch.dataplane.cni;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringWriter;
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
 * <p>Plain JDK sockets, no netty, and Jackson's streaming API, no data binding: the plugin runs
 * once per call and every class loaded costs start-up time. The agent's side ({@link CniServer})
 * reads and writes the same JSON with data binding.
 */
public final class CniPlugin {

  private static final JsonFactory JSON = new JsonFactory();

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
      StdinConfig config = StdinConfig.read(JSON, stdin);
      if (!config.text("cniVersion").isEmpty()) {
        version = config.text("cniVersion");
      }
      NetworkConfig network = NetworkConfig.of(config);
      String request = request(command, env, config);
      Path socket = socketPath(config.text("socket"), network.switchName());
      Answer answer = call(socket, command, request, network.switchName());
      if (answer.code() != 0) {
        throw new CniError(answer.code(), answer.msg(), answer.details());
      }
      if (answer.result() != null) {
        stdout.println(answer.result());
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
    StringWriter out = new StringWriter();
    try (JsonGenerator error = JSON.createGenerator(out)) {
      error.writeStartObject();
      error.writeStringField("cniVersion", version);
      error.writeNumberField("code", e.code());
      error.writeStringField("msg", e.getMessage());
      error.writeStringField("details", e.details());
      error.writeEndObject();
    } catch (IOException impossible) {
      throw new IllegalStateException("writing to a string failed", impossible);
    }
    stdout.println(out);
    return 1;
  }

  /** The request line for the agent: a {@link CniRequest} as JSON. */
  private static String request(String command, Map<String, String> env, StdinConfig config)
      throws IOException {
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
    StringWriter out = new StringWriter();
    try (JsonGenerator request = JSON.createGenerator(out)) {
      request.writeStartObject();
      request.writeStringField("command", command);
      request.writeStringField("containerId", env.get("CNI_CONTAINERID"));
      request.writeStringField("netns", env.get("CNI_NETNS"));
      request.writeStringField("ifName", env.get("CNI_IFNAME"));
      request.writeObjectFieldStart("args");
      for (Map.Entry<String, String> arg : CniRequest.parseArgs(env.get("CNI_ARGS")).entrySet()) {
        request.writeStringField(arg.getKey(), arg.getValue());
      }
      request.writeEndObject();
      request.writeFieldName("config");
      request.writeRawValue(config.json());
      request.writeEndObject();
    }
    return out.toString();
  }

  private static void require(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isEmpty()) {
      throw new CniError(CniError.INVALID_ENVIRONMENT, name + " is not set");
    }
  }

  /** The agent's socket: the configuration's {@code socket}, else one per switch. */
  static Path socketPath(String configured, String switchName) {
    return configured.isEmpty()
        ? Path.of("/run/kvswitch/cni-" + switchName + ".sock")
        : Path.of(configured);
  }

  /**
   * The agent's answer, a {@link CniResponse}: the result as JSON text, ready to print.
   *
   * @param result the result on one line, or null when there is none
   */
  private record Answer(String result, int code, String msg, String details) {}

  private static Answer call(Path socket, String command, String request, String switchName)
      throws IOException {
    SocketChannel channel;
    try {
      channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw new CniError(
          command.equals("STATUS") ? CniError.PLUGIN_NOT_AVAILABLE : CniError.TRY_AGAIN_LATER,
          "the kvswitch agent of switch '" + switchName + "' is not running on this node",
          "cannot connect to " + socket + ": " + e.getMessage());
    }
    try (channel) {
      ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
      while (out.hasRemaining()) {
        channel.write(out);
      }
      byte[] answer = Channels.newInputStream(channel).readAllBytes();
      if (answer.length == 0) {
        throw new CniError(
            CniError.IO_FAILURE, "the kvswitch agent closed the connection without an answer");
      }
      return answer(answer);
    }
  }

  private static Answer answer(byte[] answer) throws IOException {
    String result = null;
    int code = 0;
    String msg = null;
    String details = null;
    try (JsonParser parser = JSON.createParser(answer)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new CniError(CniError.IO_FAILURE, "the kvswitch agent's answer is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "result" -> result = value == JsonToken.VALUE_NULL ? null : copy(parser);
          case "code" -> code = parser.getValueAsInt();
          case "msg" -> msg = parser.getValueAsString();
          case "details" -> details = parser.getValueAsString();
          default -> parser.skipChildren();
        }
      }
    }
    return new Answer(result, code, msg, details);
  }

  private static String copy(JsonParser parser) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = JSON.createGenerator(out)) {
      generator.copyCurrentStructure(parser);
    }
    return out.toString();
  }
}

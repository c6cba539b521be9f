package io.kvswitch.dataplane.dhcp.transport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A server namespace and a client namespace joined by a veth pair, named with a random prefix so
 * that parallel runs never touch each other's; {@link #close} deletes exactly what was created.
 */
final class NamespacePair implements AutoCloseable {

  final String serverNs;
  final String clientNs;
  final String serverIf;
  final String clientIf;
  private final List<String> created = new ArrayList<>();

  private NamespacePair(String id) {
    this.serverNs = "kvt-" + id + "-s";
    this.clientNs = "kvt-" + id + "-c";
    this.serverIf = "kvt" + id + "s";
    this.clientIf = "kvt" + id + "c";
  }

  /**
   * Skips the test when not root or a tool is missing, except under CI, where that is a failure: CI
   * must never skip these silently.
   */
  static void requireRootAndTools(String... tools) {
    List<String> problems = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      problems.add("needs root for network namespaces");
    }
    for (String tool : tools) {
      if (!onPath(tool)) {
        problems.add("needs '" + tool + "' on PATH");
      }
    }
    if (problems.isEmpty()) {
      return;
    }
    String message = String.join("; ", problems);
    if ("true".equals(System.getenv("CI"))) {
      fail("CI=true and this test cannot run: " + message);
    }
    Assumptions.abort("skipped: " + message);
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool))
        || Files.isExecutable(Path.of("/sbin", tool));
  }

  static NamespacePair create(String serverCidr) throws IOException {
    byte[] random = new byte[3];
    ThreadLocalRandom.current().nextBytes(random);
    NamespacePair pair = new NamespacePair(HexFormat.of().formatHex(random));
    try {
      pair.setUp(serverCidr);
    } catch (IOException | RuntimeException e) {
      pair.close();
      throw e;
    }
    return pair;
  }

  private void setUp(String serverCidr) throws IOException {
    run("ip", "netns", "add", serverNs);
    created.add(serverNs);
    run("ip", "netns", "add", clientNs);
    created.add(clientNs);
    run("ip", "link", "add", serverIf, "type", "veth", "peer", "name", clientIf);
    run("ip", "link", "set", serverIf, "netns", serverNs);
    run("ip", "link", "set", clientIf, "netns", clientNs);
    run("ip", "-n", serverNs, "addr", "add", serverCidr, "dev", serverIf);
    run("ip", "-n", serverNs, "link", "set", "lo", "up");
    run("ip", "-n", serverNs, "link", "set", serverIf, "up");
    run("ip", "-n", clientNs, "link", "set", "lo", "up");
    run("ip", "-n", clientNs, "link", "set", clientIf, "up");
  }

  /** Sets the client interface's MAC (the link goes down and up around it). */
  void setClientMac(String mac) throws IOException {
    run("ip", "-n", clientNs, "link", "set", clientIf, "down");
    run("ip", "-n", clientNs, "link", "set", clientIf, "address", mac);
    run("ip", "-n", clientNs, "link", "set", clientIf, "up");
  }

  String clientMac() throws IOException {
    String out = run("ip", "-n", clientNs, "-o", "link", "show", clientIf);
    int at = out.indexOf("link/ether ");
    return out.substring(at + 11, at + 28);
  }

  String clientAddresses() throws IOException {
    return run("ip", "-n", clientNs, "-4", "-o", "addr", "show", "dev", clientIf);
  }

  /** Runs a command to completion and returns its output; fails on a non-zero exit. */
  static String run(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", command));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  @Override
  public void close() {
    // Deleting a namespace deletes the veth end inside it, and with it the peer.
    for (String ns : created.reversed()) {
      try {
        run("ip", "netns", "del", ns);
      } catch (IOException e) {
        System.err.println("could not delete namespace " + ns + ": " + e.getMessage());
      }
    }
    created.clear();
  }
}

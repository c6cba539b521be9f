package io.kvswitch.dataplane.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/** Real traffic between namespaces, with the exact outcome asserted. */
public final class Traffic {

  private static final Duration TRANSFER_DEADLINE = Duration.ofSeconds(60);

  private Traffic() {}

  /**
   * {@code count} pings from {@code from} to {@code address} all come back, each within 5 seconds.
   *
   * <p>One ping at a time, each its own {@code ping -c 1 -W 5}: a reply that is late is still a
   * reply. A single {@code ping -c N -i 0.2} does not wait {@code -W} for the rest once one reply
   * came: after its last request it waits only twice the slowest round trip so far (at least the
   * interval) and reports the rest as lost, so one stall of a fifth of a second on a busy machine
   * after the first reply reads as "3 packets transmitted, 1 received" although nothing was lost.
   */
  public static void assertPingSucceeds(NetNamespace from, String address, int count) {
    for (int i = 1; i <= count; i++) {
      CommandResult ping = from.exec(Duration.ofSeconds(30), "ping", "-c", "1", "-W", "5", address);
      assertThat(ping.stdout())
          .as("ping %d of %d: %s", i, count, ping.describe())
          .contains("1 packets transmitted, 1 received");
    }
  }

  /**
   * Sends {@code bytes} random bytes over TCP from {@code client} to a listener in {@code server}
   * at {@code serverAddress}, and asserts they arrive complete and unchanged (SHA-256).
   *
   * @param workDir a directory for the data files, e.g. a JUnit {@code @TempDir}
   */
  public static void assertTcpTransferIntact(
      NetworkLab lab,
      NetNamespace client,
      NetNamespace server,
      String serverAddress,
      int bytes,
      Path workDir) {
    int port = 5001;
    Path sent = workDir.resolve("sent-" + client.name());
    Path received = workDir.resolve("received-" + server.name());
    byte[] data = new byte[bytes];
    new SecureRandom().nextBytes(data);
    try {
      Files.write(sent, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process listener =
        lab.start(
            server
                .processBuilder("nc", "-l", "-N", serverAddress, String.valueOf(port))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(received.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> server.execOk("ss", "-ltnH").stdout().contains(listening(serverAddress, port)));

    CommandResult send =
        client.exec(
            TRANSFER_DEADLINE, "sh", "-c", "nc -N " + serverAddress + " " + port + " < " + sent);
    assertThat(send.exitCode()).as(send.describe()).isZero();
    await().atMost(TRANSFER_DEADLINE).until(() -> !listener.isAlive());

    assertThat(size(received)).isEqualTo(bytes);
    assertThat(sha256(received)).isEqualTo(sha256(sent));
  }

  /** How {@code ss} shows a listening socket: IPv6 addresses in brackets. */
  private static String listening(String address, int port) {
    return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

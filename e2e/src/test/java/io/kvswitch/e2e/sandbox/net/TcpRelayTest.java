package io.kvswitch.e2e.sandbox.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TcpRelayTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** A server that answers every byte with that byte plus one, until the client closes. */
  private static Thread plusOneServer(ServerSocket server) {
    return Thread.ofPlatform()
        .start(
            () -> {
              try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) > 0) {
                  for (int i = 0; i < n; i++) {
                    buffer[i]++;
                  }
                  out.write(buffer, 0, n);
                }
              } catch (Exception e) {
                // the test's assertions report what went wrong
              }
            });
  }

  private static int freePort() throws Exception {
    try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
      return probe.getLocalPort();
    }
  }

  @Test
  void bytesPassBothWaysUnchangedAndInOrder() throws Exception {
    try (ServerSocket target = new ServerSocket(0, 1, LOOPBACK)) {
      int relayPort = freePort();
      Thread server = plusOneServer(target);
      TcpRelay relay =
          TcpRelay.start(
              new InetSocketAddress(LOOPBACK, relayPort),
              new InetSocketAddress(LOOPBACK, target.getLocalPort()));
      try (Socket client = new Socket(LOOPBACK, relayPort)) {
        byte[] sent = new byte[1 << 20];
        new Random(6).nextBytes(sent);
        Thread writer =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        client.getOutputStream().write(sent);
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                    });
        byte[] received = client.getInputStream().readNBytes(sent.length);
        writer.join();
        byte[] expected = sent.clone();
        for (int i = 0; i < expected.length; i++) {
          expected[i]++;
        }
        assertThat(received.length).isEqualTo(sent.length);
        assertThat(Arrays.equals(received, expected)).isTrue();
      } finally {
        relay.close();
      }
      server.join();
    }
  }

  @Test
  void aClientIsDisconnectedWhenTheTargetRefuses() throws Exception {
    int closedPort = freePort();
    int relayPort = freePort();
    {
      TcpRelay relay =
          TcpRelay.start(
              new InetSocketAddress(LOOPBACK, relayPort),
              new InetSocketAddress(LOOPBACK, closedPort));
      try (Socket client = new Socket(LOOPBACK, relayPort)) {
        client.getOutputStream().write("GET /version".getBytes(StandardCharsets.US_ASCII));
        assertThat(client.getInputStream().read()).isEqualTo(-1);
      } finally {
        relay.close();
      }
    }
  }
}

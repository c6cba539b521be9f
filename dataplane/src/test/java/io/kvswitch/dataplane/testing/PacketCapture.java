package io.kvswitch.dataplane.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code tcpdump} running in a namespace, writing what it sees to a file; {@link #stop()} ends it
 * and returns one line per captured frame, so a test can count frames exactly ("not one frame
 * crosses") or look at them.
 */
public final class PacketCapture {

  private final Process process;
  private final Path pcap;
  private final Path log;

  private PacketCapture(Process process, Path pcap, Path log) {
    this.process = process;
    this.pcap = pcap;
    this.log = log;
  }

  static PacketCapture start(
      NetworkLab lab, NetNamespace namespace, String interfaceName, String filter) {
    Path pcap;
    Path log;
    try {
      pcap = Files.createTempFile(lab.prefix() + "-capture", ".pcap");
      log = Files.createTempFile(lab.prefix() + "-capture", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lab.onClose("capture files " + pcap, () -> deleteQuietly(pcap, log));
    List<String> command =
        new ArrayList<>(
            // Immediate mode: libpcap otherwise holds frames in a ring block until it times out,
            // and frames still held when the capture stops are lost.
            List.of(
                "tcpdump",
                "-n",
                "--immediate-mode",
                "-U",
                "-i",
                interfaceName,
                "-w",
                pcap.toString()));
    if (!filter.isBlank()) {
      command.add(filter);
    }
    Process process =
        lab.start(
            namespace
                .processBuilder(command.toArray(String[]::new))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(log.toFile()));
    // tcpdump says "listening on <interface>" once the capture is armed; frames before that
    // would be missed.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !process.isAlive() || Files.readString(log).contains("listening on"));
    if (!process.isAlive()) {
      throw new IllegalStateException("tcpdump " + command + " failed: " + readQuietly(log));
    }
    return new PacketCapture(process, pcap, log);
  }

  /** Stops the capture (flushing what it has) and returns one decoded line per frame. */
  public List<String> stop() {
    stopCapturing();
    CommandResult read = Commands.run(List.of("tcpdump", "-n", "-e", "-r", pcap.toString()));
    if (!read.succeeded()) {
      throw new IllegalStateException(read.describe() + "\ncapture log:\n" + readQuietly(log));
    }
    return read.stdout().lines().toList();
  }

  /**
   * Stops the capture and returns the frames themselves, byte for byte as captured, for headers
   * this tcpdump does not decode. Reads the classic pcap format that {@code tcpdump -w} writes.
   */
  public List<byte[]> stopFrames() {
    stopCapturing();
    byte[] file;
    try {
      file = Files.readAllBytes(pcap);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer buffer = ByteBuffer.wrap(file);
    int magic = buffer.getInt(0);
    if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
      buffer.order(ByteOrder.LITTLE_ENDIAN);
    } else if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      throw new IllegalStateException("not a pcap file: " + pcap);
    }
    List<byte[]> frames = new ArrayList<>();
    int at = 24;
    while (at + 16 <= file.length) {
      int captured = buffer.getInt(at + 8);
      frames.add(Arrays.copyOfRange(file, at + 16, at + 16 + captured));
      at += 16 + captured;
    }
    return frames;
  }

  private void stopCapturing() {
    // tcpdump may exit on the signal before writing frames it has just read; let the file stay
    // unchanged for one poll interval first.
    long[] lastSize = {-1};
    await()
        .pollInterval(Duration.ofMillis(100))
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              long size = Files.size(pcap);
              boolean settled = size == lastSize[0];
              lastSize[0] = size;
              return settled;
            });
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping tcpdump", e);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  private static void deleteQuietly(Path... files) {
    for (Path file : files) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A leftover temp file is harmless; the test's own outcome is what matters.
      }
    }
  }
}

package io.kvswitch.e2e.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * An image as Jib writes it with {@code buildTar} (docker-archive layout): {@code manifest.json},
 * {@code config.json} and gzipped layer tars. Read with a minimal ustar reader, since the JDK has
 * none and these files use only plain entries.
 */
final class ImageTarball {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, byte[]> entries;

  private ImageTarball(Map<String, byte[]> entries) {
    this.entries = entries;
  }

  static ImageTarball read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new ImageTarball(readTar(in));
    }
  }

  JsonNode manifest() throws IOException {
    return JSON.readTree(entries.get("manifest.json")).get(0);
  }

  JsonNode config() throws IOException {
    return JSON.readTree(entries.get(manifest().path("Config").asText())).path("config");
  }

  /** Every file path in every layer, without a leading slash. */
  List<String> files() throws IOException {
    List<String> files = new ArrayList<>();
    for (JsonNode layer : manifest().path("Layers")) {
      byte[] gzipped = entries.get(layer.asText());
      try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
        for (String name : readTar(in).keySet()) {
          files.add(name.startsWith("/") ? name.substring(1) : name);
        }
      }
    }
    return files;
  }

  private static Map<String, byte[]> readTar(InputStream in) throws IOException {
    Map<String, byte[]> entries = new HashMap<>();
    byte[] header = new byte[512];
    String longName = null;
    while (in.readNBytes(header, 0, 512) == 512) {
      if (header[0] == 0) {
        break;
      }
      String name = field(header, 0, 100);
      String prefix = field(header, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      long size =
          Long.parseLong(
              field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
      byte type = header[156];
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      content.write(in.readNBytes((int) size));
      long padding = (512 - size % 512) % 512;
      in.skipNBytes(padding);
      if (type == 'L') {
        longName = content.toString(java.nio.charset.StandardCharsets.UTF_8).trim();
        continue;
      }
      if (longName != null) {
        name = longName;
        longName = null;
      }
      if (type == '0' || type == 0) {
        entries.put(name, content.toByteArray());
      }
    }
    return entries;
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, java.nio.charset.StandardCharsets.US_ASCII);
  }
}

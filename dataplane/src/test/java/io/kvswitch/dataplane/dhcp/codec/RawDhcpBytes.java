package io.kvswitch.dataplane.dhcp.codec;

import java.io.ByteArrayOutputStream;

/** Builds DHCP messages byte by byte, independently of the encoder under test. */
final class RawDhcpBytes {

  private final byte[] header = new byte[236];
  private final ByteArrayOutputStream options = new ByteArrayOutputStream();
  private boolean cookie = true;

  RawDhcpBytes() {
    header[0] = 1; // BOOTREQUEST
    header[1] = 1; // Ethernet
    header[2] = 6;
    header[4] = 0x12;
    header[5] = 0x34;
    header[6] = 0x56;
    header[7] = 0x78;
    byte[] mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    System.arraycopy(mac, 0, header, 28, 6);
  }

  RawDhcpBytes set(int offset, int... values) {
    for (int i = 0; i < values.length; i++) {
      header[offset + i] = (byte) values[i];
    }
    return this;
  }

  RawDhcpBytes setText(int offset, byte[] bytes) {
    System.arraycopy(bytes, 0, header, offset, bytes.length);
    return this;
  }

  RawDhcpBytes withoutCookie() {
    cookie = false;
    return this;
  }

  /** Appends raw option bytes: code, length, value... exactly as given. */
  RawDhcpBytes option(int... bytes) {
    for (int b : bytes) {
      options.write(b);
    }
    return this;
  }

  byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    if (cookie) {
      out.writeBytes(new byte[] {99, (byte) 130, 83, 99});
    } else {
      out.writeBytes(new byte[] {0, 0, 0, 0});
    }
    out.writeBytes(options.toByteArray());
    return out.toByteArray();
  }
}

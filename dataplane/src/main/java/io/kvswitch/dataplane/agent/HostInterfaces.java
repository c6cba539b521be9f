package io.kvswitch.dataplane.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name of a port's host-side interface, derived from its SwitchPort's namespace/name alone, so
 * that the CNI handler that creates the interface and the state the operator compiles (which knows
 * only the SwitchPort) agree without another record. 15 characters, the Linux limit.
 */
public final class HostInterfaces {

  private static final String PREFIX = "kvs";

  private HostInterfaces() {}

  public static String forPort(String switchPortName) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(switchPortName.getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}

package io.kvswitch.dataplane.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Real DHCP clients (busybox udhcpc, ISC dhclient) report what they do through a script they call
 * on every event; the scripts written here log each event as one line, {@code EVENT key=value...},
 * to an events file that a test reads.
 */
public final class DhcpClientEvents {

  private DhcpClientEvents() {}

  /**
   * Writes an executable {@code /bin/sh} script {@code name} with {@code body} into {@code dir}.
   */
  public static Path script(Path dir, String name, String body) throws IOException {
    Path path = dir.resolve(name);
    Files.writeString(path, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
    return path;
  }

  /**
   * The script for udhcpc's {@code -s}: configures the leased address on the interface, then logs
   * the event (so a test that sees the event can look at the interface at once).
   */
  public static Path udhcpcScript(Path dir, Path events) throws IOException {
    return script(
        dir,
        "udhcpc-" + events.getFileName() + ".sh",
        "case \"$1\" in\n"
            + "  deconfig) ip -4 addr flush dev \"$interface\" ;;\n"
            + "  bound|renew) ip -4 addr flush dev \"$interface\";"
            + " ip addr add \"$ip/$subnet\" dev \"$interface\" ;;\n"
            + "esac\n"
            + "echo \"$1 ip=$ip subnet=$subnet router=$router dns=$dns domain=$domain mtu=$mtu"
            + " lease=$lease serverid=$serverid staticroutes=$staticroutes\" >> "
            + events
            + "\n"
            + "exit 0\n");
  }

  /**
   * The script for dhclient's {@code -sf}: brings the interface up, configures or removes the
   * leased address as the reason says, then logs the event under that reason.
   */
  public static Path dhclientScript(Path dir, Path events) throws IOException {
    return script(
        dir,
        "dhclient-" + events.getFileName() + ".sh",
        "case \"$reason\" in\n"
            + "  PREINIT) ip link set dev \"$interface\" up ;;\n"
            + "  BOUND|RENEW|REBIND|REBOOT) ip -4 addr replace"
            + " \"$new_ip_address/$new_subnet_mask\" dev \"$interface\" ;;\n"
            + "  EXPIRE|FAIL|RELEASE|STOP) ip -4 addr flush dev \"$interface\" ;;\n"
            + "esac\n"
            + "echo \"$reason ip=$new_ip_address subnet=$new_subnet_mask router=$new_routers"
            + " dns=$new_domain_name_servers domain=$new_domain_name mtu=$new_interface_mtu"
            + " lease=$new_dhcp_lease_time\" >> "
            + events
            + "\n"
            + "exit 0\n");
  }

  /** The newest event starting with {@code prefix}, waiting up to {@code within} for one. */
  public static String awaitEvent(Path events, String prefix, Duration within) {
    return await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> lines(events).stream().filter(l -> l.startsWith(prefix)).reduce((a, b) -> b),
            Optional::isPresent)
        .orElseThrow();
  }

  /** How many events start with {@code prefix} so far. */
  public static long count(Path events, String prefix) {
    return lines(events).stream().filter(l -> l.startsWith(prefix)).count();
  }

  /** The value of {@code name=} in an event line. */
  public static String field(String event, String name) {
    for (String part : event.split(" ")) {
      if (part.startsWith(name + "=")) {
        return part.substring(name.length() + 1);
      }
    }
    throw new AssertionError("no " + name + " in " + event);
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

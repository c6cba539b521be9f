package io.kvswitch.e2e.sandbox.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The workload's own DHCP client, as a guest OS runs one: busybox {@code udhcpc} in the workload's
 * network namespace. Its script configures the address and writes the latest lease to {@code
 * IFNAME.lease} in the workload's directory, where the runtime picks it up and reports it.
 *
 * <p>The script keeps the address when udhcpc deconfigures the interface and changes it only when a
 * new lease names another one: a migrated VM carries its address with it, and a DHCP server that is
 * briefly away must not take it from a running workload.
 */
public final class DhcpClient {

  private static final String SCRIPT =
      """
      #!/bin/sh
      # Written by the kvswitch sandbox: the DHCP client script of one workload interface.
      lease_file="$(dirname "$0")/$interface.lease"
      case "$1" in
        bound|renew)
          ip -4 addr show dev "$interface" | grep -q " $ip/" || ip -4 addr flush dev "$interface"
          ip addr replace "$ip/$subnet" dev "$interface"
          echo "ip=$ip subnet=$subnet router=$router lease=$lease serverid=$serverid" \\
            > "$lease_file.tmp" && mv "$lease_file.tmp" "$lease_file"
          ;;
      esac
      exit 0
      """;

  private DhcpClient() {}

  /** The command that runs the client; the script is written to {@code workloadDir}. */
  static List<String> command(String netns, String ifName, Path workloadDir, Optional<String> ip)
      throws IOException {
    Files.createDirectories(workloadDir);
    Path script = workloadDir.resolve("udhcpc.sh");
    Files.writeString(script, SCRIPT);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                netns,
                "busybox",
                "udhcpc",
                "-f",
                "-i",
                ifName,
                "-s",
                script.toString(),
                // Without -n or -b udhcpc keeps trying every -A seconds, in the foreground: a
                // lease may come only once the agent serves the network.
                "-t",
                "5",
                "-T",
                "1",
                "-A",
                "2"));
    ip.ifPresent(
        address -> {
          command.add("-r");
          command.add(address);
        });
    return command;
  }

  /** The last lease the client wrote for this interface, as {@code key=value} words. */
  public static Optional<String> lease(Path workloadDir, String ifName) {
    Path file = workloadDir.resolve(ifName + ".lease");
    try {
      return Files.exists(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** One field of a lease line, e.g. {@code ip}. */
  public static Optional<String> field(String lease, String name) {
    for (String word : lease.split(" ")) {
      if (word.startsWith(name + "=")) {
        return Optional.of(word.substring(name.length() + 1));
      }
    }
    return Optional.empty();
  }
}

package io.kvswitch.dataplane.cni;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link PodInterfaces} through iproute2's {@code ip} and util-linux's {@code nsenter}. The peer is
 * created directly inside the pod's namespace under its final name ({@code ip link add ... peer
 * name IF netns PATH}), so it never exists in the host namespace where its name could clash.
 */
public final class IpCommandPodInterfaces implements PodInterfaces {

  private static final Pattern ETHER = Pattern.compile("link/ether ([0-9a-f:]{17})");

  @Override
  public void createVeth(String hostName, String netnsPath, String ifName, String mac, int mtu) {
    String m = Integer.toString(mtu);
    run(
        "ip", "link", "add", hostName, "mtu", m, "type", "veth", "peer", "name", ifName, "address",
        mac, "mtu", m, "netns", netnsPath);
    try {
      run("nsenter", "--net=" + netnsPath, "ip", "link", "set", ifName, "up");
      run("ip", "link", "set", hostName, "up");
    } catch (RuntimeException e) {
      deleteHost(hostName);
      throw e;
    }
  }

  @Override
  public Optional<String> macInside(String netnsPath, String ifName) {
    Result result = exec("nsenter", "--net=" + netnsPath, "ip", "-o", "link", "show", ifName);
    if (result.exit() != 0) {
      return Optional.empty();
    }
    Matcher matcher = ETHER.matcher(result.output());
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  @Override
  public boolean hostExists(String hostName) {
    return exec("ip", "link", "show", hostName).exit() == 0;
  }

  @Override
  public boolean deleteHost(String hostName) {
    if (exec("ip", "link", "show", hostName).exit() != 0) {
      return false;
    }
    Result result = exec("ip", "link", "del", hostName);
    // Gone between the two calls is as good as deleted.
    return result.exit() == 0 || exec("ip", "link", "show", hostName).exit() != 0;
  }

  private static void run(String... command) {
    Result result = exec(command);
    if (result.exit() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " failed: " + result.output().strip());
    }
  }

  private record Result(int exit, String output) {}

  private static Result exec(String... command) {
    List<String> line = new ArrayList<>(List.of(command));
    try {
      Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish");
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command[0] + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

package io.kvswitch.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces, veth pairs and processes for one test, under names no one else uses: every
 * name starts with {@code kvt} and five random hex digits. {@link #close()} removes exactly what
 * this lab made, newest first, and nothing else, so tests can share a machine with other work.
 *
 * <p>Needs root; use it through {@link NetworkLabExtension}, which skips or fails first.
 */
public final class NetworkLab implements AutoCloseable {

  /** Linux interface names have at most 15 characters. */
  private static final int MAX_NAME = 15;

  private final String prefix;
  private final Deque<Cleanup> cleanups = new ArrayDeque<>();

  private NetworkLab(String prefix) {
    this.prefix = prefix;
  }

  public static NetworkLab create() {
    byte[] random = new byte[3];
    new SecureRandom().nextBytes(random);
    return new NetworkLab("kvt" + HexFormat.of().formatHex(random).substring(0, 5));
  }

  /** This lab's unique prefix, e.g. {@code kvt3fa9c}. */
  public String prefix() {
    return prefix;
  }

  /** {@code prefix-suffix}; fails when the result is too long to name an interface. */
  public String name(String suffix) {
    String name = prefix + "-" + suffix;
    if (name.length() > MAX_NAME) {
      throw new IllegalArgumentException(
          "'" + name + "' is longer than " + MAX_NAME + " characters; use a shorter suffix");
    }
    return name;
  }

  /** A new namespace with its loopback up. */
  public NetNamespace namespace(String suffix) {
    String name = name(suffix);
    Commands.runOk("ip", "netns", "add", name);
    cleanups.push(
        new Cleanup("namespace " + name, () -> Commands.runOk("ip", "netns", "del", name)));
    NetNamespace namespace = new NetNamespace(name);
    namespace.execOk("ip", "link", "set", "lo", "up");
    return namespace;
  }

  /**
   * A veth pair with one end here ({@code prefix-hostSuffix}) and the other in {@code namespace}
   * ({@code prefix-peerSuffix}), both up, no addresses.
   */
  public Veth veth(String hostSuffix, NetNamespace namespace, String peerSuffix) {
    String host = name(hostSuffix);
    String peer = name(peerSuffix);
    Commands.runOk(
        "ip", "link", "add", host, "type", "veth", "peer", "name", peer, "netns", namespace.name());
    // Deleting one end deletes both; when the namespace went first, the pair is already gone.
    cleanups.push(
        new Cleanup(
            "veth " + host,
            () -> {
              if (Commands.run(List.of("ip", "link", "show", host)).succeeded()) {
                Commands.runOk("ip", "link", "del", host);
              }
            }));
    Commands.runOk("ip", "link", "set", host, "up");
    namespace.execOk("ip", "link", "set", peer, "up");
    return new Veth(host, peer, namespace);
  }

  /**
   * A veth pair between two namespaces ({@code prefix-suffixA} in {@code a}, {@code prefix-suffixB}
   * in {@code b}), both ends up, no addresses: a pod on a node, or the underlay between two nodes.
   * Deleting either namespace removes it.
   */
  public Veth vethBetween(NetNamespace a, String suffixA, NetNamespace b, String suffixB) {
    String nameA = name(suffixA);
    String nameB = name(suffixB);
    a.execOk("ip", "link", "add", nameA, "type", "veth", "peer", "name", nameB, "netns", b.name());
    a.execOk("ip", "link", "set", nameA, "up");
    b.execOk("ip", "link", "set", nameB, "up");
    return new Veth(nameA, nameB, b);
  }

  /**
   * Starts {@code tcpdump} on {@code interfaceName} inside {@code namespace}, capturing what
   * matches {@code filter} (tcpdump syntax, may be empty), and returns once it is listening.
   */
  public PacketCapture capture(NetNamespace namespace, String interfaceName, String filter) {
    return PacketCapture.start(this, namespace, interfaceName, filter);
  }

  /**
   * A veth pair into {@code namespace} whose namespace end has {@code mac} and {@code cidr} and no
   * IPv6 (so that no router solicitations or MLD reports appear in captures).
   */
  public Veth attach(
      NetNamespace namespace, String hostSuffix, String peerSuffix, String mac, String cidr) {
    namespace.execOk("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
    namespace.execOk("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
    Veth veth = veth(hostSuffix, namespace, peerSuffix);
    namespace.execOk("ip", "link", "set", veth.peerName(), "address", mac);
    namespace.execOk("ip", "addr", "add", cidr, "dev", veth.peerName());
    return veth;
  }

  /** Starts a process that this lab stops (by its own handle) on close. */
  public Process start(ProcessBuilder builder) {
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + builder.command(), e);
    }
    cleanups.push(
        new Cleanup(
            "process " + builder.command(),
            () -> {
              if (process.isAlive()) {
                process.destroy();
                try {
                  if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            }));
    return process;
  }

  /** Registers something else to undo on close, after what is made later and before the rest. */
  public void onClose(String what, Runnable action) {
    cleanups.push(new Cleanup(what, action));
  }

  /** Undoes everything, newest first; every step is tried even when one fails. */
  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    while (!cleanups.isEmpty()) {
      Cleanup cleanup = cleanups.pop();
      try {
        cleanup.action().run();
      } catch (RuntimeException e) {
        failures.add(new IllegalStateException("cleaning up " + cleanup.what() + " failed", e));
      }
    }
    if (!failures.isEmpty()) {
      RuntimeException first = failures.getFirst();
      failures.stream().skip(1).forEach(first::addSuppressed);
      throw first;
    }
  }

  private record Cleanup(String what, Runnable action) {}
}

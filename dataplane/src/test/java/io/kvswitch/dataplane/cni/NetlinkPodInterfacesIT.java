package io.kvswitch.dataplane.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.linux.netlink.Errno;
import io.kvswitch.dataplane.port.linux.netlink.Link;
import io.kvswitch.dataplane.port.linux.netlink.NetlinkException;
import io.kvswitch.dataplane.port.linux.netlink.NetworkNamespace;
import io.kvswitch.dataplane.port.linux.netlink.RouteNetlink;
import io.kvswitch.dataplane.testing.CommandResult;
import io.kvswitch.dataplane.testing.Commands;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NetlinkPodInterfaces} against the kernel: veth pairs into a lab namespace, VM TAPs inside
 * one, and the errors that must leave nothing half made. {@code ip} is used only to look.
 */
@ExtendWith(NetworkLabExtension.class)
class NetlinkPodInterfacesIT {

  private final NetlinkPodInterfaces interfaces = new NetlinkPodInterfaces();

  @TempDir Path temp;

  @Test
  void vethHasItsHostEndHereAndItsPeerInThePodWithNameMacMtuAndBothUp(NetworkLab lab) {
    NetNamespace pod = lab.namespace("p");
    String host = hostEnd(lab, "h");

    interfaces.createVeth(host, netns(pod), "net1", "02:4e:4c:00:00:01", 1400);

    String hostLink = Commands.runOk("ip", "-d", "-o", "link", "show", host).stdout();
    assertThat(hostLink).contains("mtu 1400").contains("veth").containsPattern("<[^>]*\\bUP\\b");
    String podLink = pod.execOk("ip", "-d", "-o", "link", "show", "net1").stdout();
    assertThat(podLink)
        .contains("mtu 1400")
        .contains("link/ether 02:4e:4c:00:00:01")
        .contains("veth")
        .containsPattern("<[^>]*\\bUP\\b")
        .containsPattern("<[^>]*\\bLOWER_UP\\b");
    assertThat(Commands.run(List.of("ip", "link", "show", "net1")).stdout())
        .as("the peer never appears in the host's namespace")
        .doesNotContain("02:4e:4c:00:00:01");
    assertThat(interfaces.macInside(netns(pod), "net1")).contains("02:4e:4c:00:00:01");
    assertThat(interfaces.macInside(netns(pod), "net9")).isEmpty();
    assertThat(interfaces.hostExists(host)).isTrue();
  }

  @Test
  void deleteRemovesBothEndsAndIsIdempotent(NetworkLab lab) {
    NetNamespace pod = lab.namespace("p");
    String host = hostEnd(lab, "h");
    interfaces.createVeth(host, netns(pod), "net1", "02:4e:4c:00:00:02", 1500);

    assertThat(interfaces.deleteHost(host)).isTrue();

    assertThat(hostLinkExists(host)).isFalse();
    assertThat(pod.exec("ip", "link", "show", "net1").succeeded()).isFalse();
    assertThat(interfaces.hostExists(host)).isFalse();
    assertThat(interfaces.deleteHost(host)).isFalse();
  }

  @Test
  void existingHostNameIsRefusedAndNothingIsMadeInThePod(NetworkLab lab) {
    NetNamespace pod = lab.namespace("p");
    NetNamespace other = lab.namespace("o");
    String host = lab.veth("h", other, "x").hostName();

    assertThatThrownBy(
            () -> interfaces.createVeth(host, netns(pod), "net1", "02:4e:4c:00:00:03", 1500))
        .isInstanceOf(NetlinkException.class)
        .hasMessage("interface " + host + " already exists (EEXIST)");

    assertThat(pod.exec("ip", "link", "show", "net1").succeeded()).isFalse();
    assertThat(other.exec("ip", "link", "show", lab.name("x")).succeeded())
        .as("the existing pair is left alone")
        .isTrue();
  }

  @Test
  void existingNameInThePodIsRefusedAndNoHostEndIsLeft(NetworkLab lab) {
    NetNamespace pod = lab.namespace("p");
    String taken = lab.veth("t", pod, "n").peerName();
    String host = hostEnd(lab, "h");

    assertThatThrownBy(
            () -> interfaces.createVeth(host, netns(pod), taken, "02:4e:4c:00:00:04", 1500))
        .isInstanceOf(NetlinkException.class)
        .hasMessage("interface " + taken + " already exists in " + netns(pod) + " (EEXIST)");

    assertThat(hostLinkExists(host)).isFalse();
  }

  @Test
  void pathThatIsNoNetworkNamespaceIsRefusedClearlyAndNothingIsMade(NetworkLab lab)
      throws Exception {
    String host = hostEnd(lab, "h");
    Path file = Files.writeString(temp.resolve("not-a-namespace"), "x");

    assertThatThrownBy(
            () -> interfaces.createVeth(host, file.toString(), "net1", "02:4e:4c:00:00:05", 1500))
        .isInstanceOf(NetlinkException.class)
        .hasMessage(file + " is not a network namespace (ENOTTY)");
    assertThatThrownBy(
            () ->
                interfaces.createVeth(host, "/proc/self/ns/mnt", "net1", "02:4e:4c:00:00:05", 1500))
        .isInstanceOf(NetlinkException.class)
        .hasMessage("/proc/self/ns/mnt is not a network namespace (another kind of namespace)");
    assertThatThrownBy(
            () ->
                interfaces.createVeth(
                    host, "/var/run/netns/" + lab.name("gone"), "net1", "02:4e:4c:00:00:05", 1500))
        .isInstanceOf(NetlinkException.class)
        .hasMessageStartingWith("cannot open network namespace /var/run/netns/" + lab.name("gone"))
        .hasMessageEndingWith("(ENOENT)");

    assertThat(hostLinkExists(host)).isFalse();
  }

  @Test
  void socketOpenedInANamespaceStaysThere(NetworkLab lab) throws Exception {
    Path before = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"));
    NetNamespace pod = lab.namespace("p");
    String peer = lab.veth("h", pod, "n").peerName();

    try (NetworkNamespace namespace = NetworkNamespace.open(netns(pod));
        RouteNetlink inside = RouteNetlink.openIn(namespace);
        RouteNetlink here = RouteNetlink.open()) {
      // Used from this thread, which never entered the namespace.
      assertThat(inside.link(peer)).map(Link::kind).contains(Optional.of("veth"));
      assertThat(here.link(peer)).isEmpty();
      assertThat(inside.link("lo")).map(Link::up).contains(true);
    }
    assertThat(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")))
        .as("this thread never changed namespace")
        .isEqualTo(before);
  }

  @Test
  void tapIsMadePersistentInThePodWithMacMtuUpAndCarriesTheVmsFrames(NetworkLab lab) {
    NetNamespace vm = lab.namespace("v");
    String host = lab.name("h");

    interfaces.createTap(netns(vm), "tap0", "02:4e:4c:00:01:01", 1450);

    String link = vm.execOk("ip", "-d", "-o", "link", "show", "tap0").stdout();
    assertThat(link)
        .contains("mtu 1450")
        .contains("link/ether 02:4e:4c:00:01:01")
        .contains("tun type tap")
        .contains("persist")
        .containsPattern("<[^>]*\\bUP\\b");
    assertThat(interfaces.macInside(netns(vm), "tap0")).contains("02:4e:4c:00:01:01");

    VmTaps taps = new VmTaps(temp.resolve("taps"));
    taps.put(host, new VmTaps.Tap(netns(vm), "tap0"));
    WorkloadPortOpener opener =
        new WorkloadPortOpener(
            taps,
            name -> {
              throw new AssertionError("a recorded TAP is not a host end: " + name);
            },
            true);
    try (Port port = opener.apply(host)) {
      assertThat(port.name()).isEqualTo(host);
      vm.execOk("ip", "addr", "add", "10.78.0.1/24", "dev", "tap0");
      vm.exec("arping", "-c", "1", "-w", "1", "-I", "tap0", "10.78.0.9");
      List<byte[]> arp = receive(port, 0x0806);
      assertThat(arp).isNotEmpty();
      byte[] frame = arp.getFirst();
      assertThat(hexMac(frame, 6)).as("source MAC").isEqualTo("02:4e:4c:00:01:01");
      assertThat(port.isLinkUp()).isTrue();
    }
    assertThat(vm.exec("ip", "link", "show", "tap0").succeeded())
        .as("the TAP outlives the switch's descriptor")
        .isTrue();

    assertThat(interfaces.deleteInside(netns(vm), "tap0")).isTrue();
    assertThat(vm.exec("ip", "link", "show", "tap0").succeeded()).isFalse();
    assertThat(interfaces.deleteInside(netns(vm), "tap0")).isFalse();
    assertThat(interfaces.deleteInside("/var/run/netns/" + lab.name("gone"), "tap0")).isFalse();
  }

  @Test
  void tapNameTakenInThePodIsRefusedAndTheExistingDeviceIsLeftAlone(NetworkLab lab) {
    NetNamespace vm = lab.namespace("v");
    String taken = lab.veth("t", vm, "n").peerName();

    assertThatThrownBy(() -> interfaces.createTap(netns(vm), taken, "02:4e:4c:00:01:02", 1500))
        .isInstanceOf(NetlinkException.class)
        .hasMessage("interface " + taken + " already exists in " + netns(vm) + " (EEXIST)")
        .extracting(e -> ((NetlinkException) e).errno())
        .isEqualTo(Errno.EEXIST);

    assertThat(vm.execOk("ip", "-d", "-o", "link", "show", taken).stdout()).contains("veth");
  }

  @Test
  void tapThatCannotBeConfiguredIsRemoved(NetworkLab lab) {
    NetNamespace vm = lab.namespace("v");

    // A multicast MAC is refused by the kernel (EADDRNOTAVAIL) after the device was made.
    assertThatThrownBy(() -> interfaces.createTap(netns(vm), "tap0", "03:00:00:00:00:01", 1500))
        .isInstanceOf(NetlinkException.class)
        .hasMessageContaining("configure tap0")
        .hasMessageContaining("EADDRNOTAVAIL");

    assertThat(vm.exec("ip", "link", "show", "tap0").succeeded()).isFalse();
  }

  @Test
  void openingARecordedTapThatIsGoneFailsInsteadOfMakingANewOne(NetworkLab lab) {
    NetNamespace vm = lab.namespace("v");
    VmTaps taps = new VmTaps(temp.resolve("taps"));
    taps.put(lab.name("h"), new VmTaps.Tap(netns(vm), "tap0"));
    WorkloadPortOpener opener =
        new WorkloadPortOpener(
            taps,
            name -> {
              throw new AssertionError("not a host end");
            },
            true);

    assertThatThrownBy(() -> opener.apply(lab.name("h")))
        .hasMessage("TAP tap0 is missing in " + netns(vm));
    assertThat(vm.exec("ip", "link", "show", "tap0").succeeded()).isFalse();
  }

  // ---- helpers ----

  private static String netns(NetNamespace namespace) {
    return "/var/run/netns/" + namespace.name();
  }

  /** A host-end name for this lab, removed at the end if a test left it. */
  private static String hostEnd(NetworkLab lab, String suffix) {
    String host = lab.name(suffix);
    lab.onClose(
        "veth " + host,
        () -> {
          if (hostLinkExists(host)) {
            Commands.runOk("ip", "link", "del", host);
          }
        });
    return host;
  }

  private static boolean hostLinkExists(String name) {
    CommandResult result = Commands.run(List.of("ip", "link", "show", name));
    return result.succeeded();
  }

  /** Frames of {@code etherType} the port reads; waits up to five seconds for the first. */
  private static List<byte[]> receive(Port port, int etherType) {
    List<byte[]> frames = new ArrayList<>();
    FrameSink sink =
        (MemorySegment buffer, long offset, int length) -> {
          byte[] frame = buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
          if (frame.length >= 14 && ((frame[12] & 0xff) << 8 | frame[13] & 0xff) == etherType) {
            frames.add(frame);
          }
        };
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              port.receiveBatch(sink, 64);
              return !frames.isEmpty();
            });
    return frames;
  }

  private static String hexMac(byte[] frame, int offset) {
    return java.util.HexFormat.ofDelimiter(":").formatHex(frame, offset, offset + 6);
  }
}

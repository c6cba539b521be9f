package io.kvswitch.dataplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lab itself: what it builds works, and closing it leaves nothing behind. */
@ExtendWith(NetworkLabExtension.class)
class NetworkLabIT {

  @Test
  void namespacesJoinedByAVethReachEachOtherAndACaptureSeesEveryFrame() {
    try (NetworkLab lab = NetworkLab.create()) {
      NetNamespace node = lab.namespace("node");
      NetNamespace pod = lab.namespace("pod");
      Veth veth = lab.vethBetween(node, "n", pod, "p");
      node.execOk("ip", "addr", "add", "10.81.0.1/24", "dev", veth.hostName());
      pod.execOk("ip", "addr", "add", "10.81.0.2/24", "dev", veth.peerName());
      PacketCapture capture = lab.capture(pod, veth.peerName(), "icmp");

      Traffic.assertPingSucceeds(node, "10.81.0.2", 3);

      List<String> frames = capture.stop();
      assertThat(frames).filteredOn(line -> line.contains("ICMP echo request")).hasSize(3);
      assertThat(frames).filteredOn(line -> line.contains("ICMP echo reply")).hasSize(3);
    }
  }

  @Test
  void closingRemovesExactlyWhatTheLabMade() {
    NetworkLab lab = NetworkLab.create();
    NetNamespace namespace;
    Veth veth;
    try {
      namespace = lab.namespace("x");
      veth = lab.veth("h", namespace, "p");
      assertThat(Commands.runOk("ip", "netns", "list").stdout()).contains(namespace.name());
      assertThat(Commands.run(List.of("ip", "link", "show", veth.hostName())).succeeded()).isTrue();
    } finally {
      lab.close();
    }

    assertThat(Commands.runOk("ip", "netns", "list").stdout()).doesNotContain(lab.prefix());
    assertThat(Commands.runOk("ip", "-o", "link", "show").stdout()).doesNotContain(lab.prefix());
  }

  @Test
  void namesThatLinuxCannotTakeAreRefusedBeforeAnythingIsMade() {
    try (NetworkLab lab = NetworkLab.create()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> lab.name("far-too-long"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("longer than 15 characters");
    }
  }
}

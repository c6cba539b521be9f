package io.kvswitch.e2e.sandbox.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DhcpClientTest {

  @TempDir Path dir;

  @Test
  void runsUdhcpcInTheWorkloadsNamespaceWithItsScriptAndAsksForTheAddressItHas() throws Exception {
    assertThat(DhcpClient.command("kvsab12-w-vm", "net1", dir, Optional.of("10.0.0.7")))
        .containsSubsequence(
            "ip", "netns", "exec", "kvsab12-w-vm", "busybox", "udhcpc", "-f", "-i", "net1")
        .containsSubsequence("-s", dir.resolve("udhcpc.sh").toString())
        .containsSubsequence("-r", "10.0.0.7")
        .doesNotContain("-n", "-b", "-q");
    assertThat(dir.resolve("udhcpc.sh")).isExecutable();
  }

  @Test
  void readsTheLeaseTheScriptWrote() throws Exception {
    Files.writeString(
        dir.resolve("net1.lease"),
        "ip=10.10.0.12 subnet=255.255.255.0 router=10.10.0.1 lease=600 serverid=10.10.0.1\n");

    String lease = DhcpClient.lease(dir, "net1").orElseThrow();

    assertThat(DhcpClient.field(lease, "ip")).contains("10.10.0.12");
    assertThat(DhcpClient.field(lease, "router")).contains("10.10.0.1");
    assertThat(DhcpClient.field(lease, "dns")).isEmpty();
    assertThat(DhcpClient.lease(dir, "net2")).isEmpty();
  }
}

package io.kvswitch.dataplane.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmTapsTest {

  @TempDir Path run;

  @Test
  void recordsLiveBesideTheSocketAndSurviveANewInstance() {
    VmTaps taps = VmTaps.besideSocket(run.resolve("cni-fabric.sock"), "fabric");
    taps.put("kvs0123456789ab", new VmTaps.Tap("/var/run/netns/cni-1", "net1"));

    assertThat(run.resolve("taps-fabric/kvs0123456789ab.json")).exists();
    assertThat(new VmTaps(run.resolve("taps-fabric")).find("kvs0123456789ab"))
        .contains(new VmTaps.Tap("/var/run/netns/cni-1", "net1"));
  }

  @Test
  void putReplacesDeleteForgetsAndBothCanBeRepeated() {
    VmTaps taps = new VmTaps(run.resolve("taps"));
    taps.put("kvs1", new VmTaps.Tap("/var/run/netns/a", "net1"));
    taps.put("kvs1", new VmTaps.Tap("/var/run/netns/b", "net2"));

    assertThat(taps.find("kvs1")).contains(new VmTaps.Tap("/var/run/netns/b", "net2"));
    taps.delete("kvs1");
    taps.delete("kvs1");
    assertThat(taps.find("kvs1")).isEmpty();
    assertThat(taps.find("kvs2")).as("never recorded: a veth").isEmpty();
  }

  @Test
  void recordWithoutItsFieldsIsAnErrorNotAVeth() throws Exception {
    VmTaps taps = new VmTaps(run);
    Files.writeString(run.resolve("kvs1.json"), "{\"netns\": \"/var/run/netns/a\"}");

    assertThatThrownBy(() -> taps.find("kvs1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lacks 'netns' or 'interface'");
  }

  @Test
  void namesThatCouldLeaveTheDirectoryAreRefused() {
    VmTaps taps = new VmTaps(run);

    assertThatThrownBy(() -> taps.find("../etc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'../etc' is not a host interface name");
    assertThatThrownBy(() -> taps.put(".hidden", new VmTaps.Tap("/x", "net1")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

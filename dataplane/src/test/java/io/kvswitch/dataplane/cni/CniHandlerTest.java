package io.kvswitch.dataplane.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvswitch.api.v1alpha1.RemoteMac;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.dataplane.agent.EngineCounters;
import io.kvswitch.dataplane.agent.HostInterfaces;
import io.kvswitch.dataplane.agent.SwitchEngine;
import io.kvswitch.dataplane.agent.SwitchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADD with the interface, the switch and the API server faked: the record and the plug run at once,
 * and whichever fails, the ADD leaves nothing behind.
 */
class CniHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOST = HostInterfaces.forPort("apps/web-1-net1");

  @TempDir Path dir;

  private final FakeInterfaces interfaces = new FakeInterfaces();
  private final FakeEngine engine = new FakeEngine();
  private final FakeRecords records = new FakeRecords();

  @Test
  void addReturnsWithTheInterfaceMadeThePortPluggedAndTheRecordWritten() throws Exception {
    CniResponse response = handler().handle(add());

    assertThat(response.succeeded()).as("%s", response).isTrue();
    assertThat(interfaces.hosts).containsExactly(HOST);
    assertThat(engine.ports).containsExactly("apps/web-1-net1");
    SwitchPort recorded = records.ports.get("apps/web-1-net1");
    assertThat(recorded).isNotNull();
    assertThat(recorded.getMetadata().getLabels())
        .containsEntry("app", "web")
        .containsEntry("kvswitch.io/switch", "fabric")
        .containsEntry("kvswitch.io/node", "node-1");
    assertThat(recorded.getSpec().getVlanId()).isEqualTo(10);
    assertThat(recorded.getSpec().getInterfaceName()).isEqualTo("net1");
  }

  @Test
  void aPlugThatFailsTakesTheRecordAndTheInterfaceWithIt() throws Exception {
    engine.failPut = true;

    CniResponse response = handler().handle(add());

    assertThat(response.code()).isEqualTo(CniError.TRY_AGAIN_LATER);
    assertThat(response.details()).isEqualTo("no port for you");
    assertThat(records.ports).isEmpty();
    assertThat(engine.ports).isEmpty();
    assertThat(interfaces.hosts).isEmpty();
  }

  @Test
  void aRecordThatFailsTakesThePortAndTheInterfaceWithIt() throws Exception {
    records.failPut = true;

    CniResponse response = handler().handle(add());

    assertThat(response.code()).isEqualTo(CniError.TRY_AGAIN_LATER);
    assertThat(response.details()).isEqualTo("API server away");
    assertThat(records.ports).isEmpty();
    assertThat(engine.ports).isEmpty();
    assertThat(interfaces.hosts).isEmpty();
  }

  @Test
  void anInterfaceThatCannotBeMadeIsNeitherPluggedNorRecorded() throws Exception {
    interfaces.failCreate = true;

    CniResponse response = handler().handle(add());

    assertThat(response.code()).isEqualTo(CniError.IO_FAILURE);
    assertThat(records.puts).isZero();
    assertThat(engine.ports).isEmpty();
  }

  private CniHandler handler() {
    return new CniHandler("node-1", "fabric", interfaces, new VmTaps(dir), engine, records);
  }

  private CniRequest add() throws Exception {
    Path netns = Files.createFile(dir.resolve("netns"));
    return new CniRequest(
        "ADD",
        "c1",
        netns.toString(),
        "net1",
        Map.of("K8S_POD_NAMESPACE", "apps", "K8S_POD_NAME", "web-1"),
        JSON.readTree(
            "{\"cniVersion\":\"1.0.0\",\"type\":\"kvswitch\",\"switch\":\"fabric\","
                + "\"network\":\"web\",\"vlanId\":10}"));
  }

  private static final class FakeInterfaces implements PodInterfaces {
    final Set<String> hosts = ConcurrentHashMap.newKeySet();
    volatile boolean failCreate;

    @Override
    public void createVeth(String hostName, String netnsPath, String ifName, String mac, int mtu) {
      if (failCreate) {
        throw new CniError(CniError.IO_FAILURE, "no veth for you");
      }
      hosts.add(hostName);
    }

    @Override
    public void createTap(String netnsPath, String ifName, String mac, int mtu) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<String> macInside(String netnsPath, String ifName) {
      return Optional.empty();
    }

    @Override
    public boolean hostExists(String hostName) {
      return hosts.contains(hostName);
    }

    @Override
    public boolean deleteHost(String hostName) {
      return hosts.remove(hostName);
    }

    @Override
    public boolean deleteInside(String netnsPath, String ifName) {
      return false;
    }
  }

  private static final class FakeEngine implements SwitchEngine {
    final Set<String> ports = ConcurrentHashMap.newKeySet();
    volatile boolean failPut;

    @Override
    public void putPort(SwitchNodePort port) {
      if (failPut) {
        throw new IllegalStateException("no port for you");
      }
      ports.add(port.getName());
    }

    @Override
    public void removePort(String name) {
      ports.remove(name);
    }

    @Override
    public void configureSwitch(SwitchSettings settings) {}

    @Override
    public void putVlan(SwitchNodeVlan vlan) {}

    @Override
    public void removeVlan(int vlanId) {}

    @Override
    public void putRemoteMac(RemoteMac mac) {}

    @Override
    public void removeRemoteMac(int vlanId, String mac) {}

    @Override
    public void putMirror(SwitchNodeMirror mirror) {}

    @Override
    public void removeMirror(String session) {}

    @Override
    public EngineCounters counters() {
      throw new UnsupportedOperationException();
    }
  }

  private static final class FakeRecords implements SwitchPortRecords {
    final Map<String, SwitchPort> ports = new ConcurrentHashMap<>();
    volatile boolean failPut;
    volatile int puts;

    @Override
    public Map<String, String> workloadLabels(String namespace, String podName) {
      return List.of("apps/web-1").contains(namespace + "/" + podName)
          ? Map.of("app", "web")
          : Map.of();
    }

    @Override
    public void put(SwitchPort port) {
      puts++;
      if (failPut) {
        throw new IllegalStateException("API server away");
      }
      ports.put(port.getMetadata().getNamespace() + "/" + port.getMetadata().getName(), port);
    }

    @Override
    public void delete(String namespace, String name) {
      ports.remove(namespace + "/" + name);
    }
  }
}

package io.kvswitch.dataplane.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.SwitchPortSpec;
import io.kvswitch.api.v1alpha1.WorkloadKind;
import io.kvswitch.dataplane.agent.HostInterfaces;
import io.kvswitch.dataplane.agent.SwitchEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent does for each plugin call. ADD creates the interface (a veth pair for a pod, a
 * persistent TAP inside the pod's namespace for a VM, see {@link Workload}), plugs the switch's
 * side into the switch in the network's VLAN (so the workload can talk before the operator has
 * compiled the port) and records the SwitchPort; any failure undoes the steps already taken. DEL
 * undoes them all and succeeds when there is nothing left to undo. CHECK verifies the interface and
 * its MAC.
 */
public final class CniHandler {

  private static final Logger LOG = LoggerFactory.getLogger(CniHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MAC =
      Pattern.compile("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", Pattern.CASE_INSENSITIVE);
  private static final Pattern IF_NAME = Pattern.compile("^[A-Za-z0-9_.-]{1,15}$");

  private final String nodeName;
  private final String switchName;
  private final PodInterfaces interfaces;
  private final VmTaps taps;
  private final SwitchEngine engine;
  private final SwitchPortRecords records;

  public CniHandler(
      String nodeName,
      String switchName,
      PodInterfaces interfaces,
      VmTaps taps,
      SwitchEngine engine,
      SwitchPortRecords records) {
    this.nodeName = nodeName;
    this.switchName = switchName;
    this.interfaces = interfaces;
    this.taps = taps;
    this.engine = engine;
    this.records = records;
  }

  public CniResponse handle(CniRequest request) {
    try {
      return switch (request.command()) {
        case "ADD" -> CniResponse.ok(add(request));
        case "DEL" -> {
          delete(request);
          yield CniResponse.ok(null);
        }
        case "CHECK" -> {
          check(request);
          yield CniResponse.ok(null);
        }
        case "STATUS" -> CniResponse.ok(null);
        default ->
            throw new CniError(
                CniError.INVALID_ENVIRONMENT, "unknown CNI_COMMAND '" + request.command() + "'");
      };
    } catch (CniError e) {
      LOG.warn("CNI {} {} failed: {}", request.command(), request.containerId(), e.getMessage());
      return CniResponse.error(e);
    } catch (RuntimeException e) {
      LOG.warn("CNI {} {} failed", request.command(), request.containerId(), e);
      return CniResponse.error(new CniError(CniError.IO_FAILURE, String.valueOf(e.getMessage())));
    }
  }

  /** Who the attachment belongs to and what it is called, from the request. */
  private record Attachment(
      NetworkConfig network,
      String namespace,
      String podName,
      Workload workload,
      String portName,
      String hostName) {

    String key() {
      return namespace + "/" + portName;
    }
  }

  private Attachment attachment(CniRequest request) {
    NetworkConfig network = NetworkConfig.parse(request.config());
    if (!switchName.equals(network.switchName())) {
      throw new CniError(
          CniError.INVALID_NETWORK_CONFIG,
          "network is on switch '"
              + network.switchName()
              + "', this agent serves '"
              + switchName
              + "'");
    }
    if (request.ifName() == null || !IF_NAME.matcher(request.ifName()).matches()) {
      throw new CniError(
          CniError.INVALID_ENVIRONMENT, "CNI_IFNAME '" + request.ifName() + "' is not valid");
    }
    String pod = request.args().get("K8S_POD_NAME");
    String namespace = request.args().get("K8S_POD_NAMESPACE");
    if (pod == null || pod.isEmpty() || namespace == null || namespace.isEmpty()) {
      throw new CniError(
          CniError.INVALID_ENVIRONMENT, "CNI_ARGS must name K8S_POD_NAME and K8S_POD_NAMESPACE");
    }
    String portName = (pod + "-" + request.ifName()).toLowerCase(Locale.ROOT).replace('_', '-');
    // DEL goes by what ADD recorded (a TAP has a record), so a kind it cannot read must not stop
    // the clean-up.
    Workload workload =
        "DEL".equals(request.command())
            ? new Workload(WorkloadKind.Pod, pod)
            : Workload.of(request.config(), pod);
    return new Attachment(
        network,
        namespace,
        pod,
        workload,
        portName,
        HostInterfaces.forPort(namespace + "/" + portName));
  }

  private JsonNode add(CniRequest request) {
    Attachment at = attachment(request);
    requireNamespace(request.netns());
    String mac = requestedMac(request).orElseGet(() -> generatedMac(request));
    long start = System.nanoTime();
    createInterface(at, request, mac);
    long created = System.nanoTime();
    long pluggedAt;
    boolean plugged = false;
    try {
      engine.putPort(enginePort(at, mac, request.ifName()));
      plugged = true;
      pluggedAt = System.nanoTime();
      records.put(switchPort(at, mac, request.ifName()));
    } catch (RuntimeException e) {
      if (plugged) {
        engine.removePort(at.key());
      }
      deleteInterface(at);
      throw new CniError(
          CniError.TRY_AGAIN_LATER,
          "cannot attach " + request.ifName() + " of " + at.namespace() + "/" + at.podName(),
          String.valueOf(e.getMessage()));
    }
    long recorded = System.nanoTime();
    LOG.info(
        "attached {} {} ({}) as {} in VLAN {}: interface {} ms, plug {} ms, record {} ms",
        at.workload().kind(),
        at.key(),
        mac,
        at.hostName(),
        at.network().vlanId(),
        (created - start) / 1_000_000,
        (pluggedAt - created) / 1_000_000,
        (recorded - pluggedAt) / 1_000_000);
    return result(at, request, mac);
  }

  /**
   * A pod's veth, or a VM's TAP together with the record that lets the engine find it; the TAP is
   * made before the record, so a record always names a TAP that was made.
   */
  private void createInterface(Attachment at, CniRequest request, String mac) {
    if (!at.workload().isVm()) {
      interfaces.createVeth(
          at.hostName(), request.netns(), request.ifName(), mac, at.network().mtu());
      return;
    }
    interfaces.createTap(request.netns(), request.ifName(), mac, at.network().mtu());
    try {
      taps.put(at.hostName(), new VmTaps.Tap(request.netns(), request.ifName()));
    } catch (RuntimeException e) {
      interfaces.deleteInside(request.netns(), request.ifName());
      throw e;
    }
  }

  /**
   * Removes whatever interface the attachment has. A recorded TAP is removed where it was made (DEL
   * may come without CNI_NETNS); the veth host end is removed in any case, which is nothing for a
   * VM.
   */
  private void deleteInterface(Attachment at) {
    Optional<VmTaps.Tap> tap = taps.find(at.hostName());
    if (tap.isPresent()) {
      interfaces.deleteInside(tap.get().netns(), tap.get().interfaceName());
      taps.delete(at.hostName());
    }
    interfaces.deleteHost(at.hostName());
  }

  private void delete(CniRequest request) {
    Attachment at = attachment(request);
    engine.removePort(at.key());
    deleteInterface(at);
    records.delete(at.namespace(), at.portName());
  }

  private void check(CniRequest request) {
    Attachment at = attachment(request);
    requireNamespace(request.netns());
    Optional<String> mac = interfaces.macInside(request.netns(), request.ifName());
    if (mac.isEmpty()) {
      throw new CniError(
          CniError.IO_FAILURE, "interface " + request.ifName() + " is missing in the pod");
    }
    JsonNode prev = request.config().path("prevResult").path("interfaces");
    for (JsonNode iface : prev) {
      if (request.ifName().equals(iface.path("name").asText())
          && !iface.path("mac").asText().equalsIgnoreCase(mac.get())) {
        throw new CniError(
            CniError.IO_FAILURE,
            "interface "
                + request.ifName()
                + " has MAC "
                + mac.get()
                + ", expected "
                + iface.path("mac").asText());
      }
    }
    if (at.workload().isVm()) {
      if (taps.find(at.hostName()).isEmpty()) {
        throw new CniError(
            CniError.IO_FAILURE, "the agent has no record of TAP " + request.ifName());
      }
    } else if (!interfaces.hostExists(at.hostName())) {
      throw new CniError(CniError.IO_FAILURE, "host end " + at.hostName() + " is missing");
    }
  }

  private static void requireNamespace(String netns) {
    if (netns == null || netns.isEmpty() || !Files.exists(Path.of(netns))) {
      throw new CniError(
          CniError.UNKNOWN_CONTAINER, "network namespace '" + netns + "' does not exist");
    }
  }

  /** The MAC from CNI_ARGS (MAC=...), runtimeConfig.mac, or the configuration's mac. */
  private static Optional<String> requestedMac(CniRequest request) {
    String mac = request.args().get("MAC");
    if (mac == null) {
      mac = request.config().path("runtimeConfig").path("mac").asText(null);
    }
    if (mac == null) {
      mac = request.config().path("mac").asText(null);
    }
    if (mac == null) {
      return Optional.empty();
    }
    if (!MAC.matcher(mac).matches()) {
      throw new CniError(CniError.INVALID_NETWORK_CONFIG, "'" + mac + "' is not a MAC address");
    }
    return Optional.of(mac.toLowerCase(Locale.ROOT));
  }

  /**
   * A locally administered unicast MAC from the container and interface, so that a retried ADD
   * gives the pod the same address.
   */
  static String generatedMac(CniRequest request) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (request.containerId() + "/" + request.ifName())
                      .getBytes(StandardCharsets.UTF_8));
      byte[] mac = new byte[6];
      mac[0] = 0x02;
      System.arraycopy(digest, 0, mac, 1, 5);
      return HexFormat.ofDelimiter(":").formatHex(mac);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private SwitchNodePort enginePort(Attachment at, String mac, String ifName) {
    SwitchNodePort port = new SwitchNodePort();
    port.setName(at.key());
    port.setWorkloadKind(at.workload().kind());
    port.setWorkloadName(at.workload().name());
    port.setInterfaceName(ifName);
    port.setMac(mac);
    port.setVlanId(at.network().vlanId());
    port.setNetwork(networkNamespace(at) + "/" + at.network().network());
    port.setState(PortState.Active);
    return port;
  }

  private SwitchPort switchPort(Attachment at, String mac, String ifName) {
    Map<String, String> labels =
        new TreeMap<>(records.workloadLabels(at.namespace(), at.podName()));
    labels.put("kvswitch.io/switch", switchName);
    labels.put("kvswitch.io/node", nodeName);
    SwitchPortSpec spec = new SwitchPortSpec();
    spec.setWorkloadKind(at.workload().kind());
    spec.setWorkloadName(at.workload().name());
    spec.setNode(nodeName);
    spec.setSwitchName(switchName);
    spec.setNetwork(at.network().network());
    if (!networkNamespace(at).equals(at.namespace())) {
      spec.setNetworkNamespace(networkNamespace(at));
    }
    spec.setInterfaceName(ifName);
    spec.setMac(mac);
    spec.setVlanId(at.network().vlanId());
    spec.setState(PortState.Active);
    SwitchPort port = new SwitchPort();
    port.setMetadata(
        new ObjectMetaBuilder()
            .withName(at.portName())
            .withNamespace(at.namespace())
            .withLabels(labels)
            .build());
    port.setSpec(spec);
    return port;
  }

  private static String networkNamespace(Attachment at) {
    return at.network().networkNamespace().isEmpty()
        ? at.namespace()
        : at.network().networkNamespace();
  }

  private static JsonNode result(Attachment at, CniRequest request, String mac) {
    ObjectNode result = JSON.createObjectNode();
    result.put("cniVersion", at.network().cniVersion());
    ArrayNode list = result.putArray("interfaces");
    if (!at.workload().isVm()) {
      list.addObject().put("name", at.hostName());
    }
    list.addObject().put("name", request.ifName()).put("mac", mac).put("sandbox", request.netns());
    result.putArray("ips");
    return result;
  }
}

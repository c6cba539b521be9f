package io.kvswitch.operator.switches;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.operator.Labels;
import io.kvswitch.operator.OperatorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The DaemonSet that runs a switch's agent on every node the switch selects. Pure: switch and
 * configuration in, object out.
 *
 * <p>The switch's node selector becomes required node affinity rather than a plain nodeSelector,
 * because affinity expresses matchExpressions too, so the DaemonSet runs on exactly the nodes the
 * compiler gives state to. For the same reason the pods tolerate every taint: a node the switch
 * selects must carry it, or its ports would never be realized.
 */
public final class AgentDaemonSet {

  public static final String COMPONENT = "dataplane";
  static final String CONTAINER = "agent";
  static final String CNI_INSTALLER = "install-cni";

  /**
   * Where the dataplane image keeps the CNI plugin tree (dataplane/CNI.md); its installer copies it
   * into the host's /opt/cni/bin, mounted at the same path, and makes its class archive there.
   */
  static final String CNI_INSTALL_COMMAND = "/opt/kvswitch/cni/kvswitch.d/bin/install.sh";

  /**
   * The agent's {@code GET /metrics} port (Prometheus text: switch, overlay and DHCP counters). The
   * pods use the host's network, so this is a port on every node the switch selects; a second
   * switch on the same node finds it taken and its agent runs without metrics (it logs why).
   */
  public static final int METRICS_PORT = 9464;

  static final String METRICS_PORT_NAME = "metrics";

  private AgentDaemonSet() {}

  public static String name(VirtualSwitch vsw) {
    return "kvswitch-" + vsw.getMetadata().getName();
  }

  public static DaemonSet desired(VirtualSwitch vsw, OperatorConfig config) {
    String switchName = vsw.getMetadata().getName();
    Map<String, String> labels = Labels.of(COMPONENT, switchName);
    Map<String, String> selector = Map.of(Labels.COMPONENT, COMPONENT, Labels.SWITCH, switchName);
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    // Network namespaces of pods: the agent opens them to create interfaces. HostToContainer so
    // that namespaces created after the agent started are visible to it.
    hostPath(volumes, mounts, "netns", "/var/run/netns", "DirectoryOrCreate", "HostToContainer");
    // The CNI plugin talks to the agent through a Unix socket here.
    hostPath(volumes, mounts, "run", "/run/kvswitch", "DirectoryOrCreate", null);
    // The agent installs the plugin and its network configuration for Multus to find.
    hostPath(volumes, mounts, "cni-bin", "/opt/cni/bin", "DirectoryOrCreate", null);
    hostPath(volumes, mounts, "cni-conf", "/etc/cni/net.d", "DirectoryOrCreate", null);
    // The TUN/TAP clone device, for VMs' TAPs (dataplane/CNI.md): an unprivileged container has
    // the device allowed but no node for it.
    hostPath(volumes, mounts, "tun", "/dev/net/tun", "CharDevice", null);

    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName(name(vsw))
        .withNamespace(config.namespace())
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(selector)
        .endSelector()
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        // One node at a time: never all of a switch's nodes down at once.
        .withNewMaxUnavailable(1)
        .withNewMaxSurge(0)
        .endRollingUpdate()
        .endUpdateStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(AgentServiceAccount.name(vsw))
        .withHostNetwork(true)
        .withDnsPolicy("ClusterFirstWithHostNet")
        .withTerminationGracePeriodSeconds(30L)
        .withAffinity(affinity(vsw.getSpec().getNodeSelector()))
        .withTolerations(new TolerationBuilder().withOperator("Exists").build())
        // Installs the plugin before the agent starts, so Multus finds it as soon as the node's
        // agent can answer it. Root for the host directory's owner, no capabilities at all.
        .addNewInitContainer()
        .withName(CNI_INSTALLER)
        .withImage(config.dataplaneImage())
        .withImagePullPolicy(config.dataplaneImagePullPolicy())
        .withCommand(CNI_INSTALL_COMMAND, "/opt/cni/bin")
        .withNewSecurityContext()
        .withPrivileged(false)
        .withAllowPrivilegeEscalation(false)
        .withRunAsUser(0L)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .withVolumeMounts(
            mounts.stream().filter(m -> m.getMountPath().equals("/opt/cni/bin")).toList())
        .endInitContainer()
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(config.dataplaneImage())
        .withImagePullPolicy(config.dataplaneImagePullPolicy())
        .withEnv(
            new EnvVarBuilder()
                .withName("NODE_NAME")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("spec.nodeName")
                .endFieldRef()
                .endValueFrom()
                .build(),
            new EnvVarBuilder().withName("KVSWITCH_SWITCH").withValue(switchName).build(),
            new EnvVarBuilder()
                .withName("KVSWITCH_NAMESPACE")
                .withValue(config.namespace())
                .build(),
            new EnvVarBuilder()
                .withName("KVSWITCH_METRICS_PORT")
                .withValue(Integer.toString(METRICS_PORT))
                .build())
        .withPorts(
            new ContainerPortBuilder()
                .withName(METRICS_PORT_NAME)
                .withContainerPort(METRICS_PORT)
                .withProtocol("TCP")
                .build())
        .withNewSecurityContext()
        .withPrivileged(false)
        .withAllowPrivilegeEscalation(false)
        .withRunAsUser(0L)
        .withNewCapabilities()
        .withAdd("NET_ADMIN", "NET_RAW", "SYS_ADMIN")
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .withVolumeMounts(mounts)
        .endContainer()
        .withVolumes(volumes)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * Required node affinity for the node selector, or none when the switch selects every node: an
   * empty node selector term would match no node at all.
   */
  static Affinity affinity(LabelSelector selector) {
    List<NodeSelectorRequirement> requirements = nodeRequirements(selector);
    if (requirements.isEmpty()) {
      return null;
    }
    return new AffinityBuilder()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .withNodeSelectorTerms(
            new NodeSelectorTermBuilder().withMatchExpressions(requirements).build())
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .build();
  }

  /**
   * The node selector as node-affinity requirements: matchLabels become {@code In [value]}, and
   * label-selector operators map one to one onto node-selector operators.
   */
  static List<NodeSelectorRequirement> nodeRequirements(LabelSelector selector) {
    List<NodeSelectorRequirement> requirements = new ArrayList<>();
    if (selector == null) {
      return requirements;
    }
    if (selector.getMatchLabels() != null) {
      selector.getMatchLabels().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  requirements.add(
                      new NodeSelectorRequirementBuilder()
                          .withKey(e.getKey())
                          .withOperator("In")
                          .withValues(e.getValue())
                          .build()));
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement expression : selector.getMatchExpressions()) {
        requirements.add(
            new NodeSelectorRequirementBuilder()
                .withKey(expression.getKey())
                .withOperator(expression.getOperator())
                .withValues(expression.getValues())
                .build());
      }
    }
    return requirements;
  }

  private static void hostPath(
      List<Volume> volumes,
      List<VolumeMount> mounts,
      String name,
      String path,
      String type,
      String propagation) {
    volumes.add(
        new VolumeBuilder()
            .withName(name)
            .withNewHostPath()
            .withPath(path)
            .withType(type)
            .endHostPath()
            .build());
    mounts.add(
        new VolumeMountBuilder()
            .withName(name)
            .withMountPath(path)
            .withMountPropagation(propagation)
            .build());
  }
}

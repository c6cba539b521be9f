package io.kvswitch.e2e.sandbox.workload;

/**
 * Labels and annotations on the Pod objects of sandbox workloads. The verbs write them, the
 * workload runtime in the supervisor acts on them: the API server is the only channel between the
 * two, as between kubectl and a kubelet.
 */
public final class WorkloadLabels {

  /** The workload's name: a pod's own name, or the VM's name on each of its launcher pods. */
  public static final String WORKLOAD = "kvswitch.io/sandbox-workload";

  /** {@code pod} or {@code vm}. */
  public static final String KIND = "kvswitch.io/sandbox-kind";

  /**
   * On a VM's migration target until the source has stopped: the target is attached but the guest
   * does not run there yet, so the sandbox starts no DHCP client in it.
   */
  public static final String STANDBY = "kvswitch.io/sandbox-standby";

  /** KubeVirt's label naming the VM a launcher pod runs. */
  public static final String KUBEVIRT_DOMAIN = "kubevirt.io/domain";

  /** Multus: the networks a pod asks for. */
  public static final String NETWORKS = "k8s.v1.cni.cncf.io/networks";

  /** Multus: what each attachment gave the pod (interface, MAC, addresses). */
  public static final String NETWORK_STATUS = "k8s.v1.cni.cncf.io/network-status";

  /** The network namespace the sandbox made for the pod, for {@code sandbox exec}. */
  public static final String NETNS = "kvswitch.io/sandbox-netns";

  private WorkloadLabels() {}
}

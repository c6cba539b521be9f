package io.kvswitch.operator.networks;

import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kvswitch.api.v1alpha1.ConditionTypes;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.api.v1alpha1.VlanNetworkStatus;
import io.kvswitch.operator.Informers;
import io.kvswitch.operator.Labels;
import io.kvswitch.operator.compiler.NetworkProblem;
import io.kvswitch.operator.compiler.ObjectKey;
import io.kvswitch.operator.compiler.VlanAssignment;
import io.kvswitch.operator.status.Conditions;
import io.kvswitch.operator.status.StatusComparison;
import io.kvswitch.operator.status.WarningEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a VlanNetwork: decides whether its switch carries it (VLAN ids are unique per switch;
 * the older network keeps one), keeps its NetworkAttachmentDefinition while it is carried, and
 * reports conflicts, attached ports, on how many nodes it is realized, and its DHCP lease counts.
 */
@Workflow(
    explicitInvocation = true,
    dependents =
        @Dependent(
            name = "attachment",
            type = NetworkAttachmentDependent.class,
            reconcilePrecondition = NetworkPlaced.class))
@ControllerConfiguration(name = VlanNetworkReconciler.NAME)
public class VlanNetworkReconciler implements Reconciler<VlanNetwork> {

  public static final String NAME = "vlannetwork";
  static final String BY_SWITCH = "bySwitch";

  private static final Logger LOG = LoggerFactory.getLogger(VlanNetworkReconciler.class);

  private final NetworkStatusBuilder statusBuilder;
  private final WarningEvents events;

  private InformerEventSource<VirtualSwitch, VlanNetwork> switches;
  private InformerEventSource<SwitchPort, VlanNetwork> ports;
  private InformerEventSource<SwitchNodeState, VlanNetwork> nodeStates;
  private InformerEventSource<DhcpLeaseBlock, VlanNetwork> leaseBlocks;

  public VlanNetworkReconciler(WarningEvents events, Clock clock) {
    this.events = events;
    this.statusBuilder = new NetworkStatusBuilder(clock);
  }

  @Override
  public List<EventSource<?, VlanNetwork>> prepareEventSources(
      EventSourceContext<VlanNetwork> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            BY_SWITCH, n -> n.getSpec() == null ? List.of() : List.of(n.getSpec().getSwitchName()));
    switches =
        Informers.watch(
            VirtualSwitch.class,
            context,
            "virtualswitches",
            s -> networksOn(context, s.getMetadata().getName()));
    // Other networks on the same switch: one network's arrival or departure can move a VLAN id.
    InformerEventSource<VlanNetwork, VlanNetwork> peers =
        Informers.watch(
            VlanNetwork.class,
            context,
            "peer-networks",
            n -> n.getSpec() == null ? Set.of() : networksOn(context, n.getSpec().getSwitchName()));
    ports =
        Informers.watch(
            SwitchPort.class,
            context,
            "switchports",
            p -> p.getSpec() == null ? Set.of() : Set.of(networkOf(p)));
    nodeStates =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(SwitchNodeState.class, VlanNetwork.class)
                .withName("switchnodestates")
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(
                    s -> networksOn(context, s.getMetadata().getLabels().get(Labels.SWITCH)))
                .build(),
            context);
    // The agents' lease records, one object per address block: the lease counts and
    // PoolExhausted. The blocks are the authoritative records; the DhcpLease objects are only a
    // projection of them that may lag.
    leaseBlocks =
        Informers.watch(
            DhcpLeaseBlock.class,
            context,
            "dhcpleaseblocks",
            b ->
                b.getSpec() == null || b.getSpec().getNetwork() == null
                    ? Set.of()
                    : Set.of(
                        new ResourceID(b.getSpec().getNetwork(), b.getMetadata().getNamespace())));
    return List.of(switches, peers, ports, nodeStates, leaseBlocks);
  }

  @Override
  public UpdateControl<VlanNetwork> reconcile(VlanNetwork network, Context<VlanNetwork> context) {
    ObjectKey key = ObjectKey.of(network);
    String switchName = network.getSpec().getSwitchName();
    VlanAssignment assignment =
        VlanAssignment.of(switches.list().toList(), context.getPrimaryCache().list().toList());
    Optional<NetworkProblem> problem = Optional.ofNullable(assignment.problems().get(key));
    Optional<VirtualSwitch> vswitch = switches.get(new ResourceID(switchName));
    NetworkContext.put(context, new NetworkContext(vswitch, problem));
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();

    List<SwitchPort> attached =
        ports.list().filter(p -> p.getSpec() != null && networkOf(p).equals(id(key))).toList();
    List<SwitchNodeState> states =
        nodeStates
            .list()
            .filter(s -> switchName.equals(s.getMetadata().getLabels().get(Labels.SWITCH)))
            .toList();
    boolean attachmentExists =
        context.getSecondaryResource(NetworkAttachmentDefinition.class).isPresent();
    Conditions conditions =
        new Conditions(
            network.getStatus() == null ? null : network.getStatus().getConditions(),
            network.getMetadata().getGeneration(),
            statusBuilder.clock());
    Instant now = statusBuilder.clock().instant();
    Optional<LeaseCounter.Result> leaseCounts =
        LeaseCounter.count(network.getSpec(), leaseBlocks.getSecondaryResources(network), now);
    VlanNetworkStatus status =
        statusBuilder.build(
            network,
            problem,
            attached,
            states,
            attachmentExists,
            leaseCounts.map(LeaseCounter.Result::counts),
            conditions);

    for (String type : List.of(ConditionTypes.VLAN_CONFLICT, ConditionTypes.SWITCH_NOT_FOUND)) {
      if (conditions.becameTrue(type)) {
        NetworkProblem p = problem.orElseThrow();
        LOG.warn("VlanNetwork {}: {}", key, p.message());
        events.warn(network, p.reason(), p.message());
      }
    }
    if (conditions.becameTrue(ConditionTypes.POOL_EXHAUSTED)) {
      String message =
          "DHCP range exhausted: all "
              + status.getLeases().getTotal()
              + " addresses are leased or quarantined";
      LOG.warn("VlanNetwork {}: {}", key, message);
      events.warn(network, NetworkStatusBuilder.REASON_NO_FREE_ADDRESS, message);
    }
    UpdateControl<VlanNetwork> control;
    if (network.getStatus() != null && StatusComparison.same(network.getStatus(), status)) {
      control = UpdateControl.noUpdate();
    } else {
      network.setStatus(status);
      control = UpdateControl.patchStatus(network);
    }
    // A lease that runs out changes the counts without any record changing: look again then.
    Optional<Instant> nextChange = leaseCounts.flatMap(LeaseCounter.Result::nextChange);
    if (nextChange.isPresent()) {
      control.rescheduleAfter(Duration.between(now, nextChange.get()).plusSeconds(1));
    }
    return control;
  }

  private static Set<ResourceID> networksOn(EventSourceContext<VlanNetwork> context, String sw) {
    if (sw == null) {
      return Set.of();
    }
    return context.getPrimaryCache().byIndex(BY_SWITCH, sw).stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static ResourceID networkOf(SwitchPort port) {
    String namespace =
        port.getSpec().getNetworkNamespace() != null
            ? port.getSpec().getNetworkNamespace()
            : port.getMetadata().getNamespace();
    return new ResourceID(port.getSpec().getNetwork(), namespace);
  }

  private static ResourceID id(ObjectKey key) {
    return new ResourceID(key.name(), key.namespace());
  }
}

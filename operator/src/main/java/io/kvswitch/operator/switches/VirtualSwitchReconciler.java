package io.kvswitch.operator.switches;

import io.fabric8.kubernetes.api.model.Node;
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
import io.kvswitch.api.v1alpha1.MirrorSession;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.operator.Informers;
import io.kvswitch.operator.OperatorConfig;
import io.kvswitch.operator.compiler.Compilation;
import io.kvswitch.operator.compiler.CompilerInput;
import io.kvswitch.operator.compiler.SwitchCompiler;
import io.kvswitch.operator.metrics.OperatorMetrics;
import io.kvswitch.operator.status.StatusComparison;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a VirtualSwitch: compiles the state of each of its nodes, lets the workflow write the
 * agent's DaemonSet, identity and per-node states, then reports how many nodes realized it.
 *
 * <p>The workflow is invoked explicitly because its dependents need this reconcile's compilation;
 * everything it creates carries an owner reference to the switch, so deleting the switch removes it
 * all without a finalizer.
 */
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "serviceaccount", type = AgentServiceAccountDependent.class),
      @Dependent(
          name = "clusterrolebinding",
          type = AgentClusterRoleBindingDependent.class,
          dependsOn = "serviceaccount"),
      @Dependent(
          name = "daemonset",
          type = AgentDaemonSetDependent.class,
          dependsOn = "serviceaccount"),
      @Dependent(name = "nodestates", type = SwitchNodeStatesDependent.class)
    })
@ControllerConfiguration(name = VirtualSwitchReconciler.NAME)
public class VirtualSwitchReconciler implements Reconciler<VirtualSwitch> {

  public static final String NAME = "virtualswitch";

  private static final Logger LOG = LoggerFactory.getLogger(VirtualSwitchReconciler.class);

  private final OperatorConfig config;
  private final OperatorMetrics metrics;
  private final SwitchStatusBuilder statusBuilder;

  private InformerEventSource<VlanNetwork, VirtualSwitch> networks;
  private InformerEventSource<MirrorSession, VirtualSwitch> sessions;
  private InformerEventSource<Node, VirtualSwitch> nodes;
  private InformerEventSource<SwitchPort, VirtualSwitch> ports;

  public VirtualSwitchReconciler(OperatorConfig config, OperatorMetrics metrics, Clock clock) {
    this.config = config;
    this.metrics = metrics;
    this.statusBuilder = new SwitchStatusBuilder(clock);
  }

  @Override
  public List<EventSource<?, VirtualSwitch>> prepareEventSources(
      EventSourceContext<VirtualSwitch> context) {
    networks =
        Informers.watch(
            VlanNetwork.class,
            context,
            "vlannetworks",
            n -> Set.of(new ResourceID(n.getSpec().getSwitchName())));
    sessions =
        Informers.watch(
            MirrorSession.class, context, "mirrorsessions", s -> Informers.all(context));
    nodes = Informers.nodes(context, n -> Informers.all(context));
    ports =
        Informers.watch(
            SwitchPort.class,
            context,
            "switchports",
            p ->
                p.getSpec() != null && p.getSpec().getSwitchName() != null
                    ? Set.of(new ResourceID(p.getSpec().getSwitchName()))
                    : Informers.all(context));
    return List.of(networks, sessions, nodes, ports);
  }

  @Override
  public UpdateControl<VirtualSwitch> reconcile(VirtualSwitch vsw, Context<VirtualSwitch> context) {
    String name = vsw.getMetadata().getName();
    CompilerInput input =
        new CompilerInput(
            context.getPrimaryCache().list().toList(),
            networks.list().toList(),
            sessions.list().toList(),
            nodes.list().toList(),
            ports.list().toList());
    long started = System.nanoTime();
    Compilation compilation = SwitchCompiler.compile(input, name);
    metrics.compiled(System.nanoTime() - started);

    SwitchContext.put(context, new SwitchContext(config, compilation));
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();

    var status =
        statusBuilder.build(vsw, compilation, context.getSecondaryResources(SwitchNodeState.class));
    if (vsw.getStatus() != null && StatusComparison.same(vsw.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    LOG.info(
        "VirtualSwitch {}: {} of {} nodes realized generation {}",
        name,
        status.getNodesReady(),
        status.getNodesDesired(),
        vsw.getMetadata().getGeneration());
    vsw.setStatus(status);
    return UpdateControl.patchStatus(vsw);
  }
}

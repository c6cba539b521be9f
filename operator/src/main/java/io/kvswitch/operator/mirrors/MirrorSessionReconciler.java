package io.kvswitch.operator.mirrors;

import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kvswitch.api.v1alpha1.ConditionTypes;
import io.kvswitch.api.v1alpha1.MirrorSession;
import io.kvswitch.api.v1alpha1.MirrorSessionStatus;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.operator.Informers;
import io.kvswitch.operator.Labels;
import io.kvswitch.operator.compiler.CompilerInput;
import io.kvswitch.operator.compiler.MirrorPlacement;
import io.kvswitch.operator.compiler.ObjectKey;
import io.kvswitch.operator.compiler.SwitchCompiler;
import io.kvswitch.operator.status.Conditions;
import io.kvswitch.operator.status.StatusComparison;
import io.kvswitch.operator.status.WarningEvents;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reports a MirrorSession's status: which ports it taps, on how many nodes, whether its destination
 * exists, and the packet counts the agents report. Its rules reach the nodes through the switch
 * compiler; this reconciler writes nothing but status.
 */
@ControllerConfiguration(name = MirrorSessionReconciler.NAME)
public class MirrorSessionReconciler implements Reconciler<MirrorSession> {

  public static final String NAME = "mirrorsession";

  private final WarningEvents events;
  private final Clock clock;

  private InformerEventSource<VirtualSwitch, MirrorSession> switches;
  private InformerEventSource<VlanNetwork, MirrorSession> networks;
  private InformerEventSource<Node, MirrorSession> nodes;
  private InformerEventSource<SwitchPort, MirrorSession> ports;
  private InformerEventSource<SwitchNodeState, MirrorSession> nodeStates;

  public MirrorSessionReconciler(WarningEvents events, Clock clock) {
    this.events = events;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, MirrorSession>> prepareEventSources(
      EventSourceContext<MirrorSession> context) {
    switches =
        Informers.watch(
            VirtualSwitch.class, context, "virtualswitches", s -> Informers.all(context));
    networks =
        Informers.watch(
            VlanNetwork.class,
            context,
            "vlannetworks",
            n -> inNamespace(context, n.getMetadata().getNamespace()));
    nodes = Informers.nodes(context, n -> Informers.all(context));
    ports =
        Informers.watch(
            SwitchPort.class,
            context,
            "switchports",
            p -> inNamespace(context, p.getMetadata().getNamespace()));
    nodeStates =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(SwitchNodeState.class, MirrorSession.class)
                .withName("switchnodestates")
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(MirrorSessionReconciler::sessionsIn)
                .build(),
            context);
    return List.of(switches, networks, nodes, ports, nodeStates);
  }

  @Override
  public UpdateControl<MirrorSession> reconcile(
      MirrorSession session, Context<MirrorSession> context) {
    ObjectKey key = ObjectKey.of(session);
    MirrorPlacement placement =
        SwitchCompiler.placeMirrors(
                new CompilerInput(
                    switches.list().toList(),
                    networks.list().toList(),
                    List.of(session),
                    nodes.list().toList(),
                    ports.list().toList()))
            .get(key);
    List<SwitchNodeState> carrying =
        nodeStates
            .list()
            .filter(
                s ->
                    s.getSpec() != null
                        && s.getSpec().getMirrors().stream()
                            .anyMatch(m -> key.toString().equals(m.getSession())))
            .toList();
    Conditions conditions =
        new Conditions(
            session.getStatus() == null ? null : session.getStatus().getConditions(),
            session.getMetadata().getGeneration(),
            clock);
    MirrorSessionStatus status =
        MirrorStatusBuilder.build(
            session, placement, carrying, nodeStates.list().toList(), conditions);
    if (conditions.becameTrue(ConditionTypes.DESTINATION_NOT_FOUND)) {
      events.warn(
          session,
          MirrorStatusBuilder.REASON_NO_DESTINATION,
          MirrorStatusBuilder.destinationMessage(session));
    }
    if (session.getStatus() != null && StatusComparison.same(session.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    session.setStatus(status);
    return UpdateControl.patchStatus(session);
  }

  private static Set<ResourceID> inNamespace(
      EventSourceContext<MirrorSession> context, String namespace) {
    return context
        .getPrimaryCache()
        .list(namespace)
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static Set<ResourceID> sessionsIn(SwitchNodeState state) {
    if (state.getSpec() == null) {
      return Set.of();
    }
    return state.getSpec().getMirrors().stream()
        .map(m -> m.getSession().split("/", 2))
        .filter(parts -> parts.length == 2)
        .map(parts -> new ResourceID(parts[1], parts[0]))
        .collect(Collectors.toSet());
  }
}

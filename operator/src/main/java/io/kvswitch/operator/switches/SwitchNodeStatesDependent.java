package io.kvswitch.operator.switches;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.BulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.operator.Labels;
import io.kvswitch.operator.compiler.SwitchNodeKey;
import java.util.HashMap;
import java.util.Map;

/**
 * One SwitchNodeState per node the switch selects, holding what the compiler produced for it.
 * States of nodes no longer selected are deleted. The framework writes a state only when it differs
 * from what is stored, and the compiler's output is canonical, so an unchanged cluster causes no
 * writes and no agent wakes up for nothing.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class SwitchNodeStatesDependent
    extends CRUDKubernetesDependentResource<SwitchNodeState, VirtualSwitch>
    implements BulkDependentResource<SwitchNodeState, VirtualSwitch, ResourceID> {

  public static final String COMPONENT = "node-state";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  public SwitchNodeStatesDependent() {
    super(SwitchNodeState.class);
  }

  @Override
  public Map<ResourceID, SwitchNodeState> desiredResources(
      VirtualSwitch vsw, Context<VirtualSwitch> context) {
    String switchName = vsw.getMetadata().getName();
    Map<ResourceID, SwitchNodeState> desired = new HashMap<>();
    SwitchContext.of(context)
        .compilation()
        .states()
        .forEach(
            (key, spec) -> {
              if (key.switchName().equals(switchName)) {
                desired.put(new ResourceID(key.objectName()), state(key, spec));
              }
            });
    return desired;
  }

  @Override
  public Map<ResourceID, SwitchNodeState> getSecondaryResources(
      VirtualSwitch vsw, Context<VirtualSwitch> context) {
    Map<ResourceID, SwitchNodeState> actual = new HashMap<>();
    for (SwitchNodeState state : context.getSecondaryResources(SwitchNodeState.class)) {
      actual.put(ResourceID.fromResource(state), state);
    }
    return actual;
  }

  @Override
  public Matcher.Result<SwitchNodeState> match(
      SwitchNodeState actual,
      SwitchNodeState desired,
      VirtualSwitch vsw,
      Context<VirtualSwitch> context) {
    Map<String, String> labels =
        actual.getMetadata().getLabels() == null ? Map.of() : actual.getMetadata().getLabels();
    boolean same =
        labels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet())
            && SERIALIZATION
                .convertValue(actual.getSpec(), JsonNode.class)
                .equals(SERIALIZATION.convertValue(desired.getSpec(), JsonNode.class));
    return Matcher.Result.computed(same, desired);
  }

  static SwitchNodeState state(SwitchNodeKey key, SwitchNodeStateSpec spec) {
    Map<String, String> labels = Labels.of(COMPONENT, key.switchName());
    labels.put(Labels.NODE, key.nodeName());
    SwitchNodeState state = new SwitchNodeState();
    state.setMetadata(
        new ObjectMetaBuilder().withName(key.objectName()).withLabels(labels).build());
    state.setSpec(spec);
    return state;
  }
}

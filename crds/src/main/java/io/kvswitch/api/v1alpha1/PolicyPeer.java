package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

/**
 * The other end of the traffic a rule matches: workloads by label (optionally in namespaces by
 * label), or an address block. As in NetworkPolicy, an address block stands alone.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "has(self.podSelector) || has(self.namespaceSelector) || has(self.ipBlock)",
    message = "a peer needs podSelector, namespaceSelector or ipBlock")
@ValidationRule(
    value = "!has(self.ipBlock) || (!has(self.podSelector) && !has(self.namespaceSelector))",
    message = "ipBlock cannot be combined with podSelector or namespaceSelector",
    fieldPath = ".ipBlock")
public class PolicyPeer {

  private LabelSelector podSelector;

  private LabelSelector namespaceSelector;

  private IpBlock ipBlock;

  public LabelSelector getPodSelector() {
    return podSelector;
  }

  public void setPodSelector(LabelSelector podSelector) {
    this.podSelector = podSelector;
  }

  public LabelSelector getNamespaceSelector() {
    return namespaceSelector;
  }

  public void setNamespaceSelector(LabelSelector namespaceSelector) {
    this.namespaceSelector = namespaceSelector;
  }

  public IpBlock getIpBlock() {
    return ipBlock;
  }

  public void setIpBlock(IpBlock ipBlock) {
    this.ipBlock = ipBlock;
  }
}

package io.kvswitch.operator.compiler;

import io.kvswitch.api.v1alpha1.IpBlock;
import io.kvswitch.api.v1alpha1.PolicyPeer;
import io.kvswitch.api.v1alpha1.PolicyPort;
import io.kvswitch.api.v1alpha1.PolicyRule;
import io.kvswitch.api.v1alpha1.SwitchNodeRule;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a network's rules into rules an agent can apply without the API: every label selector is
 * resolved to the addresses of the ports it selects on that network.
 *
 * <p>A namespace selector is matched against the {@code kubernetes.io/metadata.name} label only,
 * the one label every namespace carries: the operator does not watch Namespace objects.
 */
final class PolicyCompiler {

  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private PolicyCompiler() {}

  static List<SwitchNodeRule> compile(VlanNetwork network, List<PlacedPort> portsOnNetwork) {
    List<PolicyRule> rules = network.getSpec().getRules();
    if (rules == null || rules.isEmpty()) {
      return List.of();
    }
    List<SwitchNodeRule> compiled = new ArrayList<>(rules.size());
    for (PolicyRule rule : rules) {
      SwitchNodeRule out = new SwitchNodeRule();
      out.setName(rule.getName());
      out.setAction(rule.getAction());
      out.setDirection(rule.getDirection());
      List<PolicyPeer> peers = rule.getPeers() == null ? List.of() : rule.getPeers();
      out.setAnyPeer(peers.isEmpty());
      out.setPeers(resolve(peers, network.getMetadata().getNamespace(), portsOnNetwork));
      out.setPorts(copyPorts(rule.getPorts()));
      compiled.add(out);
    }
    return List.copyOf(compiled);
  }

  private static List<IpBlock> resolve(
      List<PolicyPeer> peers, String networkNamespace, List<PlacedPort> ports) {
    // Keyed by the block's text so that duplicates collapse and the order is stable.
    Map<String, IpBlock> blocks = new TreeMap<>();
    for (PolicyPeer peer : peers) {
      if (peer.getIpBlock() != null) {
        IpBlock copy = new IpBlock();
        copy.setCidr(peer.getIpBlock().getCidr());
        List<String> except = peer.getIpBlock().getExcept();
        copy.setExcept(except == null ? List.of() : except.stream().sorted().toList());
        blocks.put(copy.getCidr() + " " + copy.getExcept(), copy);
        continue;
      }
      for (PlacedPort port : ports) {
        if (port.ip() != null && selects(peer, networkNamespace, port)) {
          IpBlock host = new IpBlock();
          host.setCidr(port.ip() + "/32");
          blocks.put(host.getCidr() + " []", host);
        }
      }
    }
    return List.copyOf(blocks.values());
  }

  private static boolean selects(PolicyPeer peer, String networkNamespace, PlacedPort port) {
    boolean namespaceMatches =
        peer.getNamespaceSelector() == null
            ? port.namespace().equals(networkNamespace)
            : LabelSelectors.matches(
                peer.getNamespaceSelector(), Map.of(NAMESPACE_NAME_LABEL, port.namespace()));
    return namespaceMatches && LabelSelectors.matches(peer.getPodSelector(), port.labels());
  }

  private static List<PolicyPort> copyPorts(List<PolicyPort> ports) {
    if (ports == null) {
      return List.of();
    }
    List<PolicyPort> copies = new ArrayList<>(ports.size());
    for (PolicyPort port : ports) {
      PolicyPort copy = new PolicyPort();
      copy.setProtocol(port.getProtocol());
      copy.setPort(port.getPort());
      copy.setEndPort(port.getEndPort());
      copies.add(copy);
    }
    return List.copyOf(copies);
  }
}

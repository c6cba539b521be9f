package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node has left when its Node object is gone: Kubernetes deletes it when the node is removed from
 * the cluster (by the cloud controller or an administrator), while a node that is only down keeps
 * its object, and its blocks, until then. Answers are remembered for a while, so that a full pool,
 * which asks on every new client, costs one GET per owner per {@code ttl}.
 */
public final class KubernetesNodeDirectory implements NodeDirectory {

  private final KubernetesClient client;
  private final InstantSource clock;
  private final Duration ttl;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();

  public KubernetesNodeDirectory(KubernetesClient client, InstantSource clock, Duration ttl) {
    this.client = client;
    this.clock = clock;
    this.ttl = ttl;
  }

  @Override
  public boolean hasLeft(String node) {
    Instant now = clock.instant();
    Answer known = answers.get(node);
    if (known != null && now.isBefore(known.until())) {
      return known.left();
    }
    boolean left;
    try {
      left = client.nodes().withName(node).get() == null;
    } catch (KubernetesClientException e) {
      // Cannot tell: keep the node's blocks, and ask again next time.
      return false;
    }
    answers.put(node, new Answer(left, now.plus(ttl)));
    return left;
  }

  private record Answer(boolean left, Instant until) {}
}

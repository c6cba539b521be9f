package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kvswitch.api.v1alpha1.AddressBlock;
import io.kvswitch.api.v1alpha1.AddressBlockSpec;
import io.kvswitch.api.v1alpha1.AddressBlockState;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.dataplane.dhcp.config.AddressRange;
import io.kvswitch.dataplane.dhcp.lease.BlockLedger;
import io.kvswitch.dataplane.dhcp.lease.LeaseConflictException;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreUnavailableException;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import java.net.HttpURLConnection;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The block ledger of one VlanNetwork in the Kubernetes API: one {@link AddressBlock} object per
 * claimed block, named {@code <network>.block-<index>}.
 *
 * <p>Reads come from an informer's cache; the ledger's version is a counter of the changes this
 * cache has seen. A claim whose caller read an older version is refused before any request, so the
 * caller re-reads. The guarantee that one block has one owner comes from the API server: claiming
 * is creating the block's object (or updating a released one at the resourceVersion read), and the
 * loser of a race gets 409. After a 409 the winner's object is read into the cache at once, so the
 * caller's next read already shows the block as taken.
 */
public final class KubernetesBlockLedger implements BlockLedger, AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final String network;
  private final AddressRange range;
  private final int blockSize;
  private final NodeDirectory nodes;
  private final NetworkOwner networkOwner;
  private final Map<Integer, AddressBlock> blocks = new HashMap<>();
  private long version = 1;
  private final SharedIndexInformer<AddressBlock> informer;

  private KubernetesBlockLedger(
      KubernetesClient client,
      String namespace,
      String network,
      AddressRange range,
      int blockSize,
      NodeDirectory nodes,
      NetworkOwner networkOwner) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("block size must be at least 1");
    }
    this.client = client;
    this.namespace = namespace;
    this.network = network;
    this.range = range;
    this.blockSize = blockSize;
    this.nodes = nodes;
    this.networkOwner = networkOwner;
    this.informer =
        client
            .resources(AddressBlock.class)
            .inNamespace(namespace)
            .withLabel(DhcpLabels.NETWORK, network)
            .inform(new CacheFeeder(), 0);
    // inform() returns once the first list is in the informer's own store, but hands its events
    // to the feeder on another thread: take the list from the store too, so that a restarted node
    // knows its blocks before its first claim (a block already held is not remembered twice).
    informer.getStore().list().forEach(this::remember);
  }

  /**
   * Opens the ledger of a network, blocking until every existing block is in the cache.
   *
   * @param range the network's dynamic range, cut into blocks of {@code blockSize} addresses (the
   *     same cut as the {@link io.kvswitch.dataplane.dhcp.lease.BlockAllocator}'s)
   */
  public static KubernetesBlockLedger open(
      KubernetesClient client,
      String namespace,
      String network,
      AddressRange range,
      int blockSize) {
    return open(client, namespace, network, range, blockSize, NodeDirectory.NONE);
  }

  /**
   * Like {@link #open(KubernetesClient, String, String, AddressRange, int)}, with blocks of nodes
   * that {@code nodes} says have left open to {@link #takeOver}.
   */
  public static KubernetesBlockLedger open(
      KubernetesClient client,
      String namespace,
      String network,
      AddressRange range,
      int blockSize,
      NodeDirectory nodes) {
    return open(client, namespace, network, range, blockSize, nodes, NetworkOwner.NONE);
  }

  /**
   * Like {@link #open(KubernetesClient, String, String, AddressRange, int, NodeDirectory)}, with
   * every block it writes owned by {@code networkOwner}, so that deleting the network deletes them.
   */
  public static KubernetesBlockLedger open(
      KubernetesClient client,
      String namespace,
      String network,
      AddressRange range,
      int blockSize,
      NodeDirectory nodes,
      NetworkOwner networkOwner) {
    return new KubernetesBlockLedger(
        client, namespace, network, range, blockSize, nodes, networkOwner);
  }

  @Override
  public synchronized Versioned<Map<Integer, String>> read() {
    Map<Integer, String> owners = new HashMap<>();
    blocks.forEach(
        (index, block) -> {
          if (block.getSpec().getState() == AddressBlockState.Claimed) {
            owners.put(index, block.getSpec().getNode());
          }
        });
    return new Versioned<>(Map.copyOf(owners), version);
  }

  @Override
  public void claim(int block, String node, long expectedVersion) throws LeaseConflictException {
    AddressBlock existing;
    synchronized (this) {
      if (expectedVersion != version) {
        throw new LeaseConflictException(
            "block ledger of "
                + network
                + " is at version "
                + version
                + ", not "
                + expectedVersion);
      }
      existing = blocks.get(block);
    }
    if (existing != null && existing.getSpec().getState() == AddressBlockState.Claimed) {
      throw new LeaseConflictException(
          "block " + block + " of " + network + " is owned by " + existing.getSpec().getNode());
    }
    AddressBlock wanted = object(block, node, AddressBlockState.Claimed);
    try {
      if (existing == null) {
        remember(client.resource(wanted).create());
      } else {
        wanted.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        remember(client.resource(wanted).update());
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        refresh(wanted.getMetadata().getName());
        throw new LeaseConflictException("block " + block + " of " + network + " was just claimed");
      }
      throw new LeaseStoreUnavailableException(
          "cannot claim block " + block + " of " + namespace + "/" + network, e);
    }
  }

  @Override
  public Set<String> departedNodes(Collection<String> owners) {
    return owners.stream().filter(nodes::hasLeft).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Moves a block from a node that has left to {@code node} with one update at the resourceVersion
   * this ledger holds for it: if another node took the block over first, or the owner released it,
   * the API server answers 409 and the caller reads again.
   */
  @Override
  public void takeOver(int block, String departedNode, String node, long expectedVersion)
      throws LeaseConflictException {
    AddressBlock existing;
    synchronized (this) {
      if (expectedVersion != version) {
        throw new LeaseConflictException(
            "block ledger of "
                + network
                + " is at version "
                + version
                + ", not "
                + expectedVersion);
      }
      existing = blocks.get(block);
    }
    if (existing == null
        || existing.getSpec().getState() != AddressBlockState.Claimed
        || !departedNode.equals(existing.getSpec().getNode())) {
      throw new LeaseConflictException(
          "block " + block + " of " + network + " is no longer owned by " + departedNode);
    }
    AddressBlock wanted = object(block, node, AddressBlockState.Claimed);
    wanted.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    try {
      remember(client.resource(wanted).update());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        refresh(wanted.getMetadata().getName());
        throw new LeaseConflictException(
            "block " + block + " of " + network + " changed before it could be taken over");
      }
      throw new LeaseStoreUnavailableException(
          "cannot take over block " + block + " of " + namespace + "/" + network, e);
    }
  }

  /**
   * Gives up every block a node owns, for a node that has left the cluster: any node may then claim
   * them and hand out their free addresses. The leases inside stay valid; they are separate
   * records.
   *
   * @return how many blocks were released
   * @throws LeaseStoreUnavailableException when the API server cannot be reached
   */
  public int releaseBlocksOf(String node) {
    List<AddressBlock> owned;
    synchronized (this) {
      owned =
          blocks.values().stream()
              .filter(b -> b.getSpec().getState() == AddressBlockState.Claimed)
              .filter(b -> b.getSpec().getNode().equals(node))
              .toList();
    }
    int released = 0;
    for (AddressBlock block : owned) {
      AddressBlock wanted = object(block.getSpec().getIndex(), node, AddressBlockState.Released);
      wanted.getMetadata().setResourceVersion(block.getMetadata().getResourceVersion());
      try {
        remember(client.resource(wanted).update());
        released++;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw new LeaseStoreUnavailableException(
              "cannot release blocks of " + node + " in " + namespace + "/" + network, e);
        }
        refresh(wanted.getMetadata().getName());
      }
    }
    return released;
  }

  private AddressBlock object(int index, String node, AddressBlockState state) {
    long first = (long) index * blockSize;
    long last = Math.min(range.size(), first + blockSize) - 1;
    AddressBlockSpec spec = new AddressBlockSpec();
    spec.setNetwork(network);
    spec.setIndex(index);
    spec.setRange(range.get(first) + "-" + range.get(last));
    spec.setNode(node);
    spec.setState(state);
    AddressBlock block = new AddressBlock();
    block.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(AddressBlock.nameOf(network, index))
            .withLabels(Map.of(DhcpLabels.NETWORK, network, DhcpLabels.NODE, node))
            .withOwnerReferences(networkOwner.references())
            .build());
    block.setSpec(spec);
    return block;
  }

  private void refresh(String name) {
    try {
      AddressBlock current =
          client.resources(AddressBlock.class).inNamespace(namespace).withName(name).get();
      if (current != null) {
        remember(current);
      }
    } catch (KubernetesClientException e) {
      // The informer will deliver it; the caller's next read may only miss it for a moment.
    }
  }

  /** Takes an object into the cache unless the cache has the same or a newer version. */
  private synchronized void remember(AddressBlock block) {
    if (block.getSpec() == null || block.getSpec().getIndex() == null) {
      return;
    }
    int index = block.getSpec().getIndex();
    AddressBlock current = blocks.get(index);
    long incoming = ResourceVersions.parse(block.getMetadata().getResourceVersion());
    if (current != null
        && ResourceVersions.parse(current.getMetadata().getResourceVersion()) >= incoming) {
      return;
    }
    blocks.put(index, block);
    version++;
  }

  private synchronized void forget(AddressBlock block) {
    if (block.getSpec() != null && block.getSpec().getIndex() != null) {
      if (blocks.remove(block.getSpec().getIndex()) != null) {
        version++;
      }
    }
  }

  @Override
  public void close() {
    informer.close();
  }

  private final class CacheFeeder implements ResourceEventHandler<AddressBlock> {

    @Override
    public void onAdd(AddressBlock block) {
      remember(block);
    }

    @Override
    public void onUpdate(AddressBlock before, AddressBlock after) {
      remember(after);
    }

    @Override
    public void onDelete(AddressBlock block, boolean finalStateUnknown) {
      forget(block);
    }
  }
}

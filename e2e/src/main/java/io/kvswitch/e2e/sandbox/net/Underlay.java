package io.kvswitch.e2e.sandbox.net;

/**
 * The sandbox's physical network: a Linux bridge in a namespace of its own, which every simulated
 * node and the host join with a veth. Addresses come from 198.18.0.0/15, the range RFC 2544 sets
 * aside for benchmarking, so they can never be mistaken for a real network.
 *
 * <p>The host joins too: the API server listens on the host's underlay address, where both kubectl
 * on the host and the agents inside the nodes reach it.
 */
public final class Underlay {

  /** The host's address on the underlay, where the API server listens. */
  public static final String HOST_ADDRESS = "198.18.0.1";

  public static final int PREFIX = 16;

  private final SandboxNames names;

  public Underlay(SandboxNames names) {
    this.names = names;
  }

  /** Creates the bridge namespace and the host's veth into it. */
  public void create(Ledger ledger) {
    String bridgeNs = names.underlayNamespace();
    ledger.namespace(bridgeNs);
    Ip.run("netns", "add", bridgeNs);
    Ip.inNamespace(bridgeNs, "link", "add", "br0", "type", "bridge");
    Ip.inNamespace(bridgeNs, "link", "set", "br0", "up");
    Ip.inNamespace(bridgeNs, "link", "set", "lo", "up");
    String hostSide = names.hostVeth();
    ledger.hostInterface(hostSide);
    Ip.run("link", "add", hostSide, "type", "veth", "peer", "name", "host", "netns", bridgeNs);
    Ip.inNamespace(bridgeNs, "link", "set", "host", "master", "br0", "up");
    Ip.run("addr", "add", HOST_ADDRESS + "/" + PREFIX, "dev", hostSide);
    Ip.run("link", "set", hostSide, "up");
  }

  /**
   * Joins a node's namespace to the underlay with a veth named {@code eth0} inside the node.
   *
   * @param index 1-based node number; the node's address is 198.18.1.INDEX
   */
  public String attachNode(String nodeNamespace, int index) {
    String address = nodeAddress(index);
    String bridgeSide = "n" + index;
    // Created straight into the two namespaces, so the names only need to be unique there.
    Ip.run(
        "link",
        "add",
        "eth0",
        "netns",
        nodeNamespace,
        "type",
        "veth",
        "peer",
        "name",
        bridgeSide,
        "netns",
        names.underlayNamespace());
    Ip.inNamespace(names.underlayNamespace(), "link", "set", bridgeSide, "master", "br0", "up");
    Ip.inNamespace(nodeNamespace, "addr", "add", address + "/" + PREFIX, "dev", "eth0");
    Ip.inNamespace(nodeNamespace, "link", "set", "eth0", "up");
    Ip.inNamespace(nodeNamespace, "link", "set", "lo", "up");
    return address;
  }

  public static String nodeAddress(int index) {
    if (index < 1 || index > 250) {
      throw new IllegalArgumentException("node index must be 1-250: " + index);
    }
    return "198.18.1." + index;
  }
}

package io.kvswitch.dataplane.dhcp.port;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the switch's DHCP port did with the frames the switch handed it. Malformed DHCP frames are
 * counted by each VLAN's {@link io.kvswitch.dataplane.dhcp.frame.DhcpFrameResponder}, protocol
 * outcomes by its {@link io.kvswitch.dataplane.dhcp.server.DhcpServerCounters}.
 */
public final class DhcpPortCounters {

  final LongAdder ignored = new LongAdder();
  final LongAdder oversize = new LongAdder();
  final LongAdder queueFull = new LongAdder();
  final LongAdder notLocal = new LongAdder();
  final LongAdder requests = new LongAdder();
  final LongAdder replies = new LongAdder();
  final LongAdder repliesDropped = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder arpReplies = new LongAdder();

  /**
   * Frames that were not UDP to port 67 of a served VLAN nor ARP for the server: other traffic,
   * other ARP, stray replies.
   */
  public long ignoredFrames() {
    return ignored.sum();
  }

  /** DHCP frames longer than a tagged 1500-byte frame, dropped unread. */
  public long oversizeFrames() {
    return oversize.sum();
  }

  /** DHCP frames dropped because the server thread was behind. */
  public long queueFullDrops() {
    return queueFull.sum();
  }

  /**
   * DHCP frames from a MAC not learned on a local workload port: another node's client seen through
   * the overlay (its own node answers it), or one whose MAC entry aged out.
   */
  public long notLocalClients() {
    return notLocal.sum();
  }

  /** DHCP frames handed to a VLAN's server. */
  public long requestsHandled() {
    return requests.sum();
  }

  /** Reply frames queued towards the switch. */
  public long repliesSent() {
    return replies.sum();
  }

  /** Replies dropped because the switch was not taking them, or the port was closing. */
  public long repliesDropped() {
    return repliesDropped.sum();
  }

  /** Requests the server failed on (a bug each). */
  public long failedRequests() {
    return failed.sum();
  }

  /** ARP requests for the server's own address answered (networks without a gateway). */
  public long arpReplies() {
    return arpReplies.sum();
  }
}

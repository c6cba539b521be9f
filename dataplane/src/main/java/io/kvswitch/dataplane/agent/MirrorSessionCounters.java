package io.kvswitch.dataplane.agent;

/**
 * One mirror session's counters on this node, for the node status.
 *
 * @param session the MirrorSession as namespace/name
 * @param mirroredPackets copies the destination took
 * @param droppedPackets copies made but not delivered (destination down or full, too long for the
 *     underlay)
 */
public record MirrorSessionCounters(String session, long mirroredPackets, long droppedPackets) {}

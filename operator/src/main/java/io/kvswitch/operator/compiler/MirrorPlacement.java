package io.kvswitch.operator.compiler;

/**
 * Where a mirror session ended up.
 *
 * @param matchedSources distinct ports whose traffic the session mirrors
 * @param activeNodes nodes on which the session is programmed
 * @param destinationFound false when the destination pod has no port on the named network
 */
public record MirrorPlacement(int matchedSources, int activeNodes, boolean destinationFound) {}

package io.kvswitch.dataplane.engine;

import io.kvswitch.dataplane.mirror.MirrorRule;
import java.util.Arrays;
import java.util.List;

/**
 * The mirror sessions of a switch arranged for the forwarding path: per port, the sessions that
 * copy what it receives and what it sends, and which ports are destinations. Immutable; the core
 * swaps in a new one when sessions change.
 */
final class MirrorLayout {

  /** A bit per session marks the ones that already copied a frame, so this many at most. */
  static final int MAX_SESSIONS = 64;

  private static final MirrorRule[] NONE = new MirrorRule[0];

  private final MirrorRule[] rules;
  private final MirrorRule[][] onReceive;
  private final MirrorRule[][] onSend;
  private final int[][] receiveSlots;
  private final int[][] sendSlots;
  private final boolean[] destination;
  private final boolean any;

  MirrorLayout(int maxPorts, List<MirrorRule> sessions) {
    if (sessions.size() > MAX_SESSIONS) {
      throw new IllegalArgumentException(
          "at most " + MAX_SESSIONS + " mirror sessions per switch, not " + sessions.size());
    }
    rules = sessions.toArray(NONE);
    onReceive = new MirrorRule[maxPorts][];
    onSend = new MirrorRule[maxPorts][];
    receiveSlots = new int[maxPorts][];
    sendSlots = new int[maxPorts][];
    destination = new boolean[maxPorts];
    for (MirrorRule rule : rules) {
      check(maxPorts, rule.destination());
      destination[rule.destination()] = true;
    }
    for (int port = 0; port < maxPorts; port++) {
      onReceive[port] = NONE;
      onSend[port] = NONE;
      receiveSlots[port] = new int[0];
      sendSlots[port] = new int[0];
    }
    for (int slot = 0; slot < rules.length; slot++) {
      MirrorRule rule = rules[slot];
      for (int port : rule.receivedOn()) {
        check(maxPorts, port);
        onReceive[port] = append(onReceive[port], rule);
        receiveSlots[port] = append(receiveSlots[port], slot);
      }
      for (int port : rule.sentOn()) {
        check(maxPorts, port);
        onSend[port] = append(onSend[port], rule);
        sendSlots[port] = append(sendSlots[port], slot);
      }
    }
    any = rules.length > 0;
  }

  private static void check(int maxPorts, int port) {
    if (port < 0 || port >= maxPorts) {
      throw new IllegalArgumentException(
          "mirror port index out of range 0-" + (maxPorts - 1) + ": " + port);
    }
  }

  private static MirrorRule[] append(MirrorRule[] rules, MirrorRule rule) {
    MirrorRule[] next = Arrays.copyOf(rules, rules.length + 1);
    next[rules.length] = rule;
    return next;
  }

  private static int[] append(int[] slots, int slot) {
    int[] next = Arrays.copyOf(slots, slots.length + 1);
    next[slots.length] = slot;
    return next;
  }

  /** Whether any session is configured at all: the fast path skips everything else when not. */
  boolean any() {
    return any;
  }

  /** Whether the port is some session's destination, so it takes part in no normal forwarding. */
  boolean isDestination(int port) {
    return destination[port];
  }

  MirrorRule[] onReceive(int port) {
    return onReceive[port];
  }

  int[] receiveSlots(int port) {
    return receiveSlots[port];
  }

  MirrorRule[] onSend(int port) {
    return onSend[port];
  }

  int[] sendSlots(int port) {
    return sendSlots[port];
  }

  List<MirrorRule> rules() {
    return List.of(rules);
  }
}

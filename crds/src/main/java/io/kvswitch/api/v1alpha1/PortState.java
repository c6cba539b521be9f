package io.kvswitch.api.v1alpha1;

/** The state of an attached interface. */
public enum PortState {
  /** Recorded, not yet plugged into the switch. */
  Pending,
  /** Forwarding. */
  Active,
  /**
   * Programmed on a live-migration target but not forwarding until the VM announces itself there.
   */
  Standby,
  /** Plugged in but not forwarding (link down or being removed). */
  Down
}

package io.kvswitch.api.v1alpha1;

/** Whether ports of one VLAN may talk to each other. */
public enum IsolationMode {
  /** Ports of the VLAN reach each other. */
  None,
  /** Ports reach only the gateway, like a private VLAN's isolated ports. */
  Isolated
}

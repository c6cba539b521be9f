package io.kvswitch.dataplane.cni;

import io.kvswitch.api.v1alpha1.SwitchPort;

/** Where attachments are recorded: the SwitchPort objects in the API server. */
public interface SwitchPortRecords {

  /** Creates the record, or replaces one of the same namespace and name. */
  void put(SwitchPort port);

  /** Deletes the record; nothing when there is none. */
  void delete(String namespace, String name);
}

package io.kvswitch.dataplane.cni;

import io.kvswitch.api.v1alpha1.SwitchPort;
import java.util.Map;

/** Where attachments are recorded: the SwitchPort objects in the API server. */
public interface SwitchPortRecords {

  /**
   * The labels of the workload an attachment belongs to, copied onto its record so that policy
   * rules and mirror sessions can select ports by workload label; empty when it has none or is not
   * found.
   */
  Map<String, String> workloadLabels(String namespace, String podName);

  /** Creates the record, or replaces one of the same namespace and name. */
  void put(SwitchPort port);

  /** Deletes the record; nothing when there is none. */
  void delete(String namespace, String name);
}

package io.kvswitch.api.v1alpha1;

/** Encapsulations the overlay can use between nodes. */
public enum OverlayType {
  VXLAN
}

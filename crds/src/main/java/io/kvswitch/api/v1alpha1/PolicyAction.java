package io.kvswitch.api.v1alpha1;

/** What a policy rule does with the traffic it matches. */
public enum PolicyAction {
  Allow,
  Deny
}

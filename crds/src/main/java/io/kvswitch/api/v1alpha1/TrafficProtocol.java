package io.kvswitch.api.v1alpha1;

/** IP protocols that rules and mirror filters can match. */
public enum TrafficProtocol {
  TCP,
  UDP,
  SCTP,
  ICMP
}

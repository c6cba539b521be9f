package io.kvswitch.dataplane.config;

/**
 * One physical link of a bond.
 *
 * @param offloads as for {@link PortConfig#offloads()}; every member of a bond must agree
 */
public record BondMemberConfig(String name, String type, String device, Boolean offloads) {

  /** How the backend opens this member. */
  public PortOptions options() {
    return PortOptions.of(offloads);
  }
}

package io.kvswitch.dataplane.dhcp.lease;

/**
 * A stored value with the version the store gave it (a Kubernetes resourceVersion, mapped to a
 * number by the store). Writes name the version they expect to replace.
 *
 * @param value the stored value
 * @param version positive; 0 is reserved for "does not exist yet" in writes
 */
public record Versioned<T>(T value, long version) {

  public Versioned {
    if (version <= 0) {
      throw new IllegalArgumentException("stored versions are positive, was " + version);
    }
  }
}

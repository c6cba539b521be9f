package io.kvswitch.dataplane.dhcp.lease.kubernetes;

/**
 * Maps Kubernetes resourceVersions to the numeric versions of the lease SPI. The API server
 * documents them as opaque strings, but every server backed by etcd (and fabric8's mock server)
 * hands out the etcd revision, a positive integer; a store that meets anything else refuses the
 * object rather than guess an order.
 */
final class ResourceVersions {

  private ResourceVersions() {}

  static long parse(String resourceVersion) {
    if (resourceVersion == null) {
      throw new IllegalArgumentException("object has no resourceVersion");
    }
    try {
      long version = Long.parseLong(resourceVersion);
      if (version <= 0) {
        throw new IllegalArgumentException(
            "resourceVersion " + resourceVersion + " is not positive");
      }
      return version;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "resourceVersion " + resourceVersion + " is not an integer", e);
    }
  }

  static String format(long version) {
    return Long.toString(version);
  }
}

package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** What an API server's error answer means for a request of the lease store or the projection. */
final class ApiAnswers {

  private ApiAnswers() {}

  /**
   * A definite answer that the request will never be accepted as it is (403 without the rights, 422
   * an object the schema refuses, ...): a 4xx other than 404 and 409, which the callers handle as
   * changes, and 408 and 429, which ask to try again.
   */
  static boolean refusedForGood(KubernetesClientException e) {
    int code = e.getCode();
    return code >= 400 && code < 500 && code != 404 && code != 408 && code != 409 && code != 429;
  }
}

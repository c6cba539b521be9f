package io.kvswitch.dataplane.cni;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The agent's answer: the CNI result to print on success, or an error with its CNI code.
 *
 * @param result the result JSON (ADD), or null for commands that print nothing
 * @param code 0 on success, else a {@link CniError} code
 * @param msg the error's message
 * @param details more about the error
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CniResponse(JsonNode result, int code, String msg, String details) {

  public static CniResponse ok(JsonNode result) {
    return new CniResponse(result, 0, null, null);
  }

  public static CniResponse error(CniError error) {
    return new CniResponse(null, error.code(), error.getMessage(), error.details());
  }

  public boolean succeeded() {
    return code == 0;
  }
}

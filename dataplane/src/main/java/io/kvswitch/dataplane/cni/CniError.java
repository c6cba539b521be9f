package io.kvswitch.dataplane.cni;

/**
 * A CNI failure with its code from the spec (1.0 section "Error"), reported to the runtime as
 * {@code {cniVersion, code, msg, details}} on stdout with a non-zero exit status.
 */
public final class CniError extends RuntimeException {

  /** The runtime asked for a version this plugin does not speak. */
  public static final int INCOMPATIBLE_VERSION = 1;

  /** A field in the network configuration this plugin does not support. */
  public static final int UNSUPPORTED_FIELD = 2;

  /** The container, or its network namespace, does not exist. */
  public static final int UNKNOWN_CONTAINER = 3;

  /** A CNI_* variable is missing or wrong. */
  public static final int INVALID_ENVIRONMENT = 4;

  /** Reading or writing failed (the interface could not be made, the agent went away). */
  public static final int IO_FAILURE = 5;

  /** The configuration on stdin is not JSON. */
  public static final int DECODING_FAILURE = 6;

  /** The configuration is JSON but says something wrong. */
  public static final int INVALID_NETWORK_CONFIG = 7;

  /** A transient problem (the agent is not running yet): the runtime should retry. */
  public static final int TRY_AGAIN_LATER = 11;

  /** STATUS: the plugin cannot serve ADD now. */
  public static final int PLUGIN_NOT_AVAILABLE = 50;

  private final int code;
  private final String details;

  public CniError(int code, String message, String details) {
    super(message);
    this.code = code;
    this.details = details == null ? "" : details;
  }

  public CniError(int code, String message) {
    this(code, message, "");
  }

  public int code() {
    return code;
  }

  public String details() {
    return details;
  }
}

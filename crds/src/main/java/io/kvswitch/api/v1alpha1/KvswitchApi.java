package io.kvswitch.api.v1alpha1;

/** Names every part of the project agrees on: the API group, version and condition types. */
public final class KvswitchApi {

  public static final String GROUP = "kvswitch.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** JSONPath of the Ready condition's status, for printer columns. */
  public static final String READY_JSON_PATH = ".status.conditions[?(@.type==\"Ready\")].status";

  private KvswitchApi() {}
}

package io.kvswitch.e2e.sandbox.net;

/**
 * Names of everything the sandbox creates on the machine, all carrying the sandbox's id so that
 * {@code sandbox down} removes exactly what this sandbox made and nothing another one did.
 *
 * @param id a short id, at most 4 characters, so that interface names stay within 15 bytes
 */
public record SandboxNames(String id) {

  public SandboxNames {
    if (!id.matches("[a-z0-9]{1,4}")) {
      throw new IllegalArgumentException(
          "sandbox id must be 1-4 lowercase letters or digits: " + id);
    }
  }

  public String underlayNamespace() {
    return "kvs" + id + "-underlay";
  }

  /** The host's end of its veth into the underlay. */
  public String hostVeth() {
    return "kvs" + id + "-host";
  }

  public String nodeNamespace(String node) {
    return "kvs" + id + "-" + node;
  }

  public String workloadNamespace(String workload) {
    return "kvs" + id + "-w-" + workload;
  }
}

package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.e2e.sandbox.net.Ip;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Removes what a sandbox recorded in its state: its processes (by pid, newest first), then its
 * namespaces and host interfaces (by name). Steps that are already undone are skipped, so it can
 * run again after a partial failure.
 */
public final class Teardown {

  private final PrintStream out;

  public Teardown(PrintStream out) {
    this.out = out;
  }

  public void run(SandboxState.Record record) {
    List<Long> pids = new ArrayList<>(record.processes);
    if (record.supervisorPid > 0 && record.supervisorPid != ProcessHandle.current().pid()) {
      pids.add(record.supervisorPid);
    }
    for (Long pid : pids.reversed()) {
      stop(pid, record.id);
    }
    if (record.external()) {
      deleteClusterObjects(record);
    }
    for (String namespace : record.namespaces.reversed()) {
      Ip.Result result = Ip.tryRun("netns", "del", namespace);
      out.println(
          result.exitCode() == 0
              ? "removed namespace " + namespace
              : "namespace " + namespace + " was already gone");
    }
    for (String device : record.hostInterfaces) {
      Ip.Result result = Ip.tryRun("link", "del", device);
      out.println(
          result.exitCode() == 0
              ? "removed interface " + device
              : "interface " + device + " was already gone");
    }
  }

  /**
   * Deletes, newest first, what the sandbox recorded creating in an existing cluster, and only
   * objects that still carry this sandbox's label: one with the same name made by someone else
   * since is left alone. The cluster is reached directly with the user's kubeconfig, since the
   * supervisor's relay may be gone.
   */
  private void deleteClusterObjects(SandboxState.Record record) {
    if (record.clusterObjects.isEmpty()) {
      return;
    }
    ExternalCluster cluster;
    try {
      cluster = ExternalCluster.read(Path.of(record.externalKubeconfig));
    } catch (IOException | RuntimeException e) {
      out.println(
          "could not read "
              + record.externalKubeconfig
              + " to delete what the sandbox made in the cluster: "
              + e.getMessage()
              + "; left there: "
              + record.clusterObjects);
      return;
    }
    try (KubernetesClient client = cluster.client()) {
      for (SandboxState.ClusterObject object : record.clusterObjects.reversed()) {
        try {
          var resource =
              object.namespace == null
                  ? client
                      .genericKubernetesResources(object.apiVersion, object.kind)
                      .withName(object.name)
                  : client
                      .genericKubernetesResources(object.apiVersion, object.kind)
                      .inNamespace(object.namespace)
                      .withName(object.name);
          GenericKubernetesResource current = resource.get();
          if (current == null) {
            out.println(object + " was already gone from the cluster");
          } else if (!record.id.equals(
              current.getMetadata().getLabels() == null
                  ? null
                  : current.getMetadata().getLabels().get(SimulatedNodes.SANDBOX_LABEL))) {
            out.println("left " + object + " alone: it no longer carries this sandbox's label");
          } else if ("Pod".equals(object.kind) && onSandboxNode(current, record)) {
            // The sandbox's kubelet stand-in is gone: nothing would confirm a graceful deletion.
            resource.withGracePeriod(0).delete();
            out.println("deleted " + object + " from the cluster");
          } else {
            resource.delete();
            out.println("deleted " + object + " from the cluster");
          }
        } catch (RuntimeException e) {
          out.println("could not delete " + object + " from the cluster: " + e.getMessage());
        }
      }
    }
  }

  private static boolean onSandboxNode(GenericKubernetesResource pod, SandboxState.Record record) {
    Object node = pod.get("spec", "nodeName");
    return node instanceof String name && record.nodes.contains(name);
  }

  /**
   * The process's arguments as the kernel has them. ProcessHandle.Info cuts long argument lists,
   * and the class path of a sandbox process alone is longer than that.
   */
  static String commandLine(long pid) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
              StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Stops one recorded process, but only if that pid still runs kvswitch code or a program inside
   * one of this sandbox's namespaces (a workload's DHCP client, whose command line names the
   * sandbox's files): after a crash the pid may have been reused by something else, which must not
   * be touched.
   */
  private void stop(long pid, String id) {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return;
    }
    String commandLine = commandLine(pid);
    if (!commandLine.contains("io.kvswitch") && !commandLine.contains("kvs" + id + "-")) {
      out.println("left process " + pid + " alone: it is no longer a kvswitch process");
      return;
    }
    process.get().destroy();
    try {
      process.get().onExit().get(10, TimeUnit.SECONDS);
      out.println("stopped process " + pid);
    } catch (TimeoutException | ExecutionException e) {
      process.get().destroyForcibly();
      out.println("killed process " + pid + " (it did not stop in 10 s)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

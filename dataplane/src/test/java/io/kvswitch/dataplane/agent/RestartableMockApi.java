package io.kvswitch.dataplane.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kvswitch.dataplane.testing.ProjectCrds;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode, with the project's CRDs registered, that can go away and
 * come back on the same port with the same objects: an API server outage as a client sees it
 * (connections refused, watches cut).
 */
final class RestartableMockApi implements AutoCloseable {

  private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
  private final InetAddress address = InetAddress.getLoopbackAddress();
  private final int port;
  private KubernetesMockServer server;

  RestartableMockApi() {
    server = newServer();
    server.init(address, 0);
    port = server.getPort();
  }

  private KubernetesMockServer newServer() {
    return new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
  }

  /** A client with its own connections; the caller closes it. */
  KubernetesClient client() {
    return server.createClient();
  }

  /** Registers the CRDs from crds/manifests, as the chart would have installed them. */
  void registerCrds(KubernetesClient client) {
    ProjectCrds.register(client);
  }

  /** Stops answering: open connections and watches are closed, new ones refused. */
  void stop() {
    server.destroy();
  }

  /** Answers again, on the same port, with everything stored before the outage. */
  void restart() {
    server = newServer();
    server.init(address, port);
  }

  @Override
  public void close() {
    server.destroy();
  }
}

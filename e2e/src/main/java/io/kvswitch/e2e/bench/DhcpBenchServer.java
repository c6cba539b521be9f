package io.kvswitch.e2e.bench;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kvswitch.dataplane.agent.DhcpAttachment;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.lease.AddressPool;
import io.kvswitch.dataplane.dhcp.lease.BlockAllocator;
import io.kvswitch.dataplane.dhcp.lease.BlockLedger;
import io.kvswitch.dataplane.dhcp.lease.GroupCommitter;
import io.kvswitch.dataplane.dhcp.lease.InMemoryBlockLedger;
import io.kvswitch.dataplane.dhcp.lease.InMemoryLeaseStore;
import io.kvswitch.dataplane.dhcp.lease.LeaseStore;
import io.kvswitch.dataplane.dhcp.lease.PoolStatusListener;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.KubernetesBlockLedger;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.KubernetesBlockRecordStore;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.KubernetesNetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.LeaseProjector;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.NetworkOwner;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.OwnerResolver;
import io.kvswitch.dataplane.dhcp.server.DhcpServer;
import io.kvswitch.dataplane.dhcp.server.DhcpServerCounters;
import io.kvswitch.dataplane.dhcp.server.DropReason;
import io.kvswitch.dataplane.dhcp.transport.DhcpUdpTransport;
import io.kvswitch.e2e.sandbox.api.SandboxApiServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * kvswitch's DHCP server for {@code e2e/bench/dhcp.sh}: the standalone UDP transport in a network
 * namespace, with either the Kubernetes lease store against a sandbox API server started here, or
 * the in-memory store. Prints {@code ready} once it answers, and runs until the process is
 * terminated.
 *
 * <p>Usage: {@code DhcpBenchServer api|memory NETNS INTERFACE SUBNET GATEWAY RANGE_START RANGE_END
 * CRD_DIR}
 */
public final class DhcpBenchServer {

  private static final String NAMESPACE = "bench";
  private static final String NETWORK = "bench";

  /** The agent's block size: it decides how many leases share one API write. */
  private static final int BLOCK_SIZE = DhcpAttachment.BLOCK_SIZE;

  private static final int MAX_BATCH = DhcpAttachment.MAX_BATCH;

  /** Held so that the level set on it stays (java.util.logging keeps loggers weakly). */
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  private DhcpBenchServer() {}

  public static void main(String[] args) throws Exception {
    try {
      run(args);
    } catch (Exception | LinkageError e) {
      // The API server's threads would keep the JVM alive; the harness must see the failure.
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** What the server did, printed on exit: where a run's lost exchanges went shows here. */
  private static String summary(
      DhcpServer server, DhcpUdpTransport transport, Supplier<String> storeFigures) {
    StringBuilder text = new StringBuilder("received");
    DhcpServerCounters counters = server.counters();
    for (DhcpMessageType type : DhcpMessageType.values()) {
      text.append(' ').append(type).append('=').append(counters.received(type));
    }
    text.append("; sent");
    for (DhcpMessageType type : DhcpMessageType.values()) {
      text.append(' ').append(type).append('=').append(counters.sent(type));
    }
    text.append("; dropped");
    for (DropReason reason : DropReason.values()) {
      text.append(' ').append(reason).append('=').append(counters.dropped(reason));
    }
    return text.append("; conflicts=")
        .append(counters.conflicts())
        .append(" malformed=")
        .append(transport.malformedDatagrams())
        .append(" failed replies=")
        .append(transport.failedReplies())
        .append(storeFigures.get())
        .toString();
  }

  private static void run(String[] args) throws Exception {
    if (args.length != 8 || !List.of("api", "memory").contains(args[0])) {
      System.err.println(
          "usage: DhcpBenchServer api|memory NETNS INTERFACE SUBNET GATEWAY RANGE_START RANGE_END"
              + " CRD_DIR");
      System.exit(2);
    }
    // The API server logs every request at INFO; at thousands of requests a second that would
    // measure the console.
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
    String storeKind = args[0];
    DhcpNetworkConfig config =
        DhcpNetworkConfig.builder(NETWORK, args[3])
            .gateway(args[4])
            .range(args[5], args[6])
            .build();
    List<AutoCloseable> resources = new ArrayList<>();
    LeaseStore store;
    BlockLedger ledger;
    Supplier<String> storeFigures = () -> "";
    if (storeKind.equals("api")) {
      SandboxApiServer api = SandboxApiServer.start(0);
      resources.add(api);
      Path crds = Path.of(args[7]);
      api.installCrds(crds.resolve("dhcpleases.kvswitch.io-v1.yml"));
      api.installCrds(crds.resolve("dhcpleaseblocks.kvswitch.io-v1.yml"));
      api.installCrds(crds.resolve("addressblocks.kvswitch.io-v1.yml"));
      KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder()
                      .withMasterUrl(api.url())
                      .withNamespace(NAMESPACE)
                      .withRequestRetryBackoffLimit(0)
                      .build())
              .build();
      resources.add(client);
      KubernetesBlockRecordStore apiStore =
          KubernetesBlockRecordStore.open(
              client,
              NAMESPACE,
              NETWORK,
              KubernetesNetworkLeaseStores.RECORD_BLOCK_SIZE,
              NetworkOwner.NONE,
              OwnerResolver.NONE);
      KubernetesBlockLedger apiLedger =
          KubernetesBlockLedger.open(client, NAMESPACE, NETWORK, config.range(), BLOCK_SIZE);
      resources.add(apiStore);
      resources.add(apiLedger);
      // The DhcpLease objects, written off the ACK path at the agent's rate, as in the agent.
      LeaseProjector projector =
          LeaseProjector.start(
              client,
              NAMESPACE,
              NETWORK,
              NetworkOwner.NONE,
              apiStore::blocks,
              LeaseProjector.Scope.EVERYTHING,
              LeaseProjector.Settings.DEFAULT);
      apiStore.onChange(projector::changed);
      resources.add(projector);
      store = apiStore;
      ledger = apiLedger;
      // How many lease writes one API request carried: the point of keeping records per block.
      storeFigures =
          () ->
              "; api requests="
                  + apiStore.requestsSent()
                  + " block conflicts="
                  + apiStore.blockConflicts()
                  + "; projected created="
                  + projector.created()
                  + " updated="
                  + projector.updated()
                  + " pending="
                  + projector.pending();
    } else {
      store = new InMemoryLeaseStore();
      ledger = new InMemoryBlockLedger();
    }
    ExecutorService writer = Executors.newSingleThreadExecutor();
    resources.add(writer::close);
    BlockAllocator blocks = new BlockAllocator(config.range(), BLOCK_SIZE, ledger, "bench-node");
    Clock clock = Clock.systemUTC();
    AddressPool pool = new AddressPool(config, store, blocks, clock, PoolStatusListener.NONE);
    DhcpServer server =
        new DhcpServer(
            pool,
            store,
            new GroupCommitter(store, writer, MAX_BATCH),
            clock,
            RateLimits.UNLIMITED,
            "bench-node");
    DhcpUdpTransport transport = DhcpUdpTransport.start(server, args[2], Optional.of(args[1]));
    resources.add(transport);

    Supplier<String> figures = storeFigures;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(
                    () -> {
                      for (AutoCloseable resource : resources.reversed()) {
                        try {
                          resource.close();
                        } catch (Exception e) {
                          System.err.println("closing " + resource + ": " + e.getMessage());
                        }
                      }
                      System.out.println(summary(server, transport, figures));
                      stopped.countDown();
                    }));
    System.out.println("ready");
    System.out.flush();
    stopped.await();
  }
}

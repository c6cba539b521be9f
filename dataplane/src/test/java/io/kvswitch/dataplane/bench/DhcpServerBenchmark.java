package io.kvswitch.dataplane.bench;

import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpWireFormat;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.lease.AddressPool;
import io.kvswitch.dataplane.dhcp.lease.BlockAllocator;
import io.kvswitch.dataplane.dhcp.lease.GroupCommitter;
import io.kvswitch.dataplane.dhcp.lease.InMemoryBlockLedger;
import io.kvswitch.dataplane.dhcp.lease.InMemoryLeaseStore;
import io.kvswitch.dataplane.dhcp.lease.PoolStatusListener;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.server.DhcpServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole exchange (DISCOVER, OFFER, REQUEST, ACK) through the codec and the server, without a
 * socket or a thread hand-off: decode the client's datagram, answer, encode the reply. The lease
 * store is the in-memory one behind a group committer that writes on the calling thread. What the
 * UDP transport and the agent add on top (system calls, the lease writer thread) is not in it, so
 * this is the per-exchange cost of the code itself; run it with {@code -prof gc} for the bytes
 * allocated per exchange. 1,000 clients take turns; after the first round each one gets its own
 * address again, so the pool never runs dry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DhcpServerBenchmark {

  private static final int CLIENTS = 1000;
  private static final Ipv4Address SERVER = Ipv4Address.parse("10.64.0.1");

  private DhcpServer server;
  private ByteBuf[] discovers;
  private ByteBuf[] requests;
  private final ByteBuf reply = Unpooled.buffer(1500);
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    DhcpNetworkConfig config =
        DhcpNetworkConfig.builder("bench", "10.64.0.0/16")
            .gateway(SERVER.toString())
            .range("10.64.1.0", "10.64.254.254")
            .dnsServers("10.64.0.53")
            .domain("bench.example")
            .build();
    InMemoryLeaseStore store = new InMemoryLeaseStore();
    Clock clock = Clock.systemUTC();
    server =
        new DhcpServer(
            new AddressPool(
                config,
                store,
                new BlockAllocator(config.range(), 256, new InMemoryBlockLedger(), "bench-node"),
                clock,
                PoolStatusListener.NONE),
            store,
            new GroupCommitter(store, Runnable::run, 256),
            clock,
            RateLimits.UNLIMITED,
            "bench-node");
    discovers = new ByteBuf[CLIENTS];
    requests = new ByteBuf[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
      TestClient client =
          new TestClient(String.format("02:00:00:02:%02x:%02x", i >> 8, i & 0xff))
              .withOptions(o -> o.parameterRequestList(List.of(1, 3, 6, 15)));
      DhcpMessage discover = client.discover();
      DhcpMessage offer = server.handle(discover, "bench").join().orElseThrow();
      discovers[i] = encode(discover);
      requests[i] = encode(client.select(offer.yiaddr(), SERVER));
    }
  }

  @Benchmark
  public int exchange() {
    int i = next;
    next = (next + 1) % CLIENTS;
    answer(discovers[i]);
    return answer(requests[i]);
  }

  /** Decodes a request, answers it and encodes the reply, as the UDP transport does. */
  private int answer(ByteBuf request) {
    DhcpMessage reply = server.handle(DhcpWireFormat.decode(request), "bench").join().orElseThrow();
    this.reply.clear();
    DhcpWireFormat.encode(reply, this.reply);
    return this.reply.readableBytes();
  }

  private static ByteBuf encode(DhcpMessage message) {
    ByteBuf buf = Unpooled.buffer();
    DhcpWireFormat.encode(message, buf);
    return buf;
  }
}

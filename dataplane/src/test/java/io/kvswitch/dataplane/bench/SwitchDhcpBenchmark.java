package io.kvswitch.dataplane.bench;

import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.dataplane.agent.BridgeSwitchEngine;
import io.kvswitch.dataplane.agent.DhcpAttachment;
import io.kvswitch.dataplane.agent.HostInterfaces;
import io.kvswitch.dataplane.agent.LocalPortTable;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.frame.DhcpFrameCodec;
import io.kvswitch.dataplane.dhcp.lease.InMemoryNetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.port.InMemoryPort;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole DHCP exchange (DISCOVER, OFFER, REQUEST, ACK) through the agent's engine: a running
 * bridge, the switch's DHCP port, its server thread and the server with the in-memory lease store.
 * The client is an in-memory port, so the figure is the switch path and the server, without the
 * kernel or the API server. 200 clients take turns; after the first round each one renews the
 * address it holds, so the pool never runs dry.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SwitchDhcpBenchmark {

  private static final int CLIENTS = 200;
  private static final Ipv4Address SERVER = Ipv4Address.parse("10.0.10.1");

  private Bridge bridge;
  private DhcpAttachment dhcp;
  private InMemoryPort client;
  private TestClient[] clients;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    bridge = Bridge.builder().threads(1).build();
    bridge.start();
    client = new InMemoryPort(HostInterfaces.forPort("bench/client"));
    dhcp =
        new DhcpAttachment(
            new BridgeSwitchEngine(bridge, name -> client),
            bridge,
            new LocalPortTable(),
            new InMemoryNetworkLeaseStores(),
            "fabric",
            "node-a",
            Clock.systemUTC(),
            RateLimits.UNLIMITED);
    SwitchNodeVlan vlan = new SwitchNodeVlan();
    vlan.setVlanId(10);
    vlan.setNetwork("bench/web");
    vlan.setSubnet("10.0.10.0/24");
    vlan.setGateway(SERVER.toString());
    vlan.setDhcp(new DhcpSpec());
    dhcp.putVlan(vlan);
    SwitchNodePort port = new SwitchNodePort();
    port.setName("bench/client");
    port.setVlanId(10);
    port.setState(PortState.Active);
    dhcp.putPort(port);
    while (dhcp.server(10).isEmpty()) {
      Thread.onSpinWait();
    }
    clients = new TestClient[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
      clients[i] = new TestClient(String.format("02:00:00:01:%02x:%02x", i >> 8, i & 0xff));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    dhcp.close();
    bridge.close();
  }

  @Benchmark
  public DhcpMessage exchange() {
    TestClient c = clients[next];
    next = (next + 1) % CLIENTS;
    DhcpMessage offer = roundTrip(c.discover(), c.mac);
    return roundTrip(c.select(offer.yiaddr(), SERVER), c.mac);
  }

  private DhcpMessage roundTrip(DhcpMessage request, MacAddress mac) {
    ByteBuf frame =
        DhcpFrameCodec.build(
            UnpooledByteBufAllocator.DEFAULT,
            request,
            mac,
            Ipv4Address.parse("0.0.0.0"),
            68,
            MacAddress.BROADCAST,
            Ipv4Address.parse("255.255.255.255"),
            67);
    byte[] bytes = new byte[frame.readableBytes()];
    frame.readBytes(bytes);
    frame.release();
    client.inject(bytes);
    while (client.sentCount() == 0) {
      Thread.onSpinWait();
    }
    List<byte[]> sent = client.takeSent();
    return DhcpFrameCodec.parse(Unpooled.wrappedBuffer(sent.getFirst())).message();
  }
}

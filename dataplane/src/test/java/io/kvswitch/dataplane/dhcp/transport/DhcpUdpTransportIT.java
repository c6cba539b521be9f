package io.kvswitch.dataplane.dhcp.transport;

import static io.kvswitch.dataplane.dhcp.net.Ipv4Address.parse;
import static io.kvswitch.dataplane.testing.DhcpClientEvents.awaitEvent;
import static io.kvswitch.dataplane.testing.DhcpClientEvents.dhclientScript;
import static io.kvswitch.dataplane.testing.DhcpClientEvents.field;
import static io.kvswitch.dataplane.testing.DhcpClientEvents.udhcpcScript;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.dhcp.codec.ClasslessRoute;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.codec.DhcpOptions;
import io.kvswitch.dataplane.dhcp.codec.DhcpWireFormat;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.lease.AddressPool;
import io.kvswitch.dataplane.dhcp.lease.BlockAllocator;
import io.kvswitch.dataplane.dhcp.lease.GroupCommitter;
import io.kvswitch.dataplane.dhcp.lease.InMemoryBlockLedger;
import io.kvswitch.dataplane.dhcp.lease.InMemoryLeaseStore;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.lease.PoolStatusListener;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.Ipv4Subnet;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.dhcp.server.DhcpServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real DHCP clients (busybox udhcpc, ISC dhclient) in a client namespace against the server in a
 * server namespace, over a veth pair.
 */
class DhcpUdpTransportIT {

  private static final String RESERVED_MAC = "02:00:00:00:77:42";
  private static final Ipv4Address SERVER = parse("10.77.0.1");

  @TempDir Path temp;

  private NamespacePair ns;
  private InMemoryLeaseStore store;
  private DhcpUdpTransport transport;
  private ExecutorService writer;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void startServer() throws IOException {
    NamespacePair.requireRootAndTools("ip", "busybox", "dhclient");
    ns = NamespacePair.create("10.77.0.1/24");
    DhcpNetworkConfig config =
        DhcpNetworkConfig.builder("it", "10.77.0.0/24")
            .gateway("10.77.0.1")
            .range("10.77.0.100", "10.77.0.150")
            .dnsServers("10.77.0.53")
            .domain("kvt.example")
            .mtu(1400)
            .routes(
                List.of(
                    new ClasslessRoute(Ipv4Subnet.parse("172.30.0.0/16"), parse("10.77.0.254"))))
            .leaseTime(Duration.ofSeconds(60))
            .reserve(RESERVED_MAC, "10.77.0.42")
            .build();
    store = new InMemoryLeaseStore();
    writer = Executors.newSingleThreadExecutor();
    InstantSource clock = InstantSource.system();
    AddressPool pool =
        new AddressPool(
            config,
            store,
            new BlockAllocator(config.range(), 16, new InMemoryBlockLedger(), "it-node"),
            clock,
            PoolStatusListener.NONE);
    DhcpServer server =
        new DhcpServer(
            pool,
            store,
            new GroupCommitter(store, writer, 64),
            clock,
            RateLimits.DEFAULT,
            "it-node");
    transport = DhcpUdpTransport.start(server, ns.serverIf, Optional.of(ns.serverNs));
  }

  @AfterEach
  void stopEverything() throws InterruptedException {
    for (Process process : started) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (transport != null) {
      transport.close();
    }
    if (writer != null) {
      writer.shutdownNow();
      writer.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (ns != null) {
      ns.close();
    }
  }

  private Process startInClientNs(Path log, String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns.clientNs));
    full.addAll(List.of(command));
    // `ip netns exec` replaces itself with the command, so this pid is the client's own.
    Process process =
        new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    started.add(process);
    return process;
  }

  private Lease lease(String ip) {
    return store.byAddress(parse(ip)).map(Versioned::value).orElseThrow();
  }

  private static void signal(Process process, String signal) throws IOException {
    NamespacePair.run("kill", "-" + signal, Long.toString(process.pid()));
  }

  @Test
  void udhcpcObtainsRenewsAndReleasesALease() throws IOException {
    Path events = temp.resolve("udhcpc.events");
    Process udhcpc =
        startInClientNs(
            temp.resolve("udhcpc.log"),
            "busybox",
            "udhcpc",
            "-f",
            "-i",
            ns.clientIf,
            "-s",
            udhcpcScript(temp, events).toString(),
            "-p",
            temp.resolve("udhcpc.pid").toString(),
            "-t",
            "10",
            "-T",
            "1",
            "-A",
            "1",
            "-x",
            "hostname:vm-udhcpc",
            "-O",
            "mtu",
            "-O",
            "staticroutes");

    String bound = awaitEvent(events, "bound", Duration.ofSeconds(30));
    String ip = field(bound, "ip");
    assertThat(parse(ip)).isBetween(parse("10.77.0.100"), parse("10.77.0.150"));
    assertThat(bound)
        .contains("subnet=255.255.255.0", "router=10.77.0.1", "dns=10.77.0.53")
        .contains("domain=kvt.example", "mtu=1400", "lease=60", "serverid=10.77.0.1")
        .contains("172.30.0.0/16 10.77.0.254");
    assertThat(ns.clientAddresses()).contains("inet " + ip + "/24");
    Lease first = lease(ip);
    assertThat(first.state()).isEqualTo(LeaseState.BOUND);
    assertThat(first.hostname()).isEqualTo("vm-udhcpc");
    assertThat(first.mac()).isEqualTo(MacAddress.parse(ns.clientMac()));

    signal(udhcpc, "USR1");
    String renewed = awaitEvent(events, "renew", Duration.ofSeconds(30));

    assertThat(field(renewed, "ip")).isEqualTo(ip);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> lease(ip).expiresAt().isAfter(first.expiresAt()));

    signal(udhcpc, "USR2");
    await().atMost(Duration.ofSeconds(30)).until(() -> lease(ip).state() == LeaseState.RELEASED);
    awaitEvent(events, "deconfig", Duration.ofSeconds(10));
    assertThat(udhcpc.isAlive()).isTrue();
  }

  @Test
  void dhclientObtainsRenewsAndReleasesALease() throws IOException {
    Path events = temp.resolve("dhclient.events");
    Path script = dhclientScript(temp, events);
    Path conf = temp.resolve("dhclient.conf");
    Files.writeString(
        conf,
        "timeout 30;\nretry 10;\ninitial-interval 1;\nsend host-name \"vm-dhclient\";\n"
            + "request subnet-mask, routers, domain-name-servers, domain-name, interface-mtu;\n");
    String[] common = {
      "-lf", temp.resolve("dhclient.leases").toString(),
      "-pf", temp.resolve("dhclient.pid").toString(),
      "-cf", conf.toString(),
      "-sf", script.toString()
    };
    List<String> start = new ArrayList<>(List.of("dhclient", "-d", "-v", "-1"));
    start.addAll(Arrays.asList(common));
    start.add(ns.clientIf);
    Process dhclient = startInClientNs(temp.resolve("dhclient.log"), start.toArray(String[]::new));

    String bound = awaitEvent(events, "BOUND", Duration.ofSeconds(30));
    String ip = field(bound, "ip");
    assertThat(parse(ip)).isBetween(parse("10.77.0.100"), parse("10.77.0.150"));
    assertThat(bound)
        .contains("subnet=255.255.255.0", "router=10.77.0.1", "dns=10.77.0.53")
        .contains("domain=kvt.example", "mtu=1400", "lease=60");
    assertThat(ns.clientAddresses()).contains("inet " + ip + "/24");
    Lease first = lease(ip);
    assertThat(first.hostname()).isEqualTo("vm-dhclient");

    // T1 is half of the 60 s lease: dhclient renews by itself, unicast to the server identifier.
    String renewed = awaitEvent(events, "RENEW", Duration.ofSeconds(60));
    assertThat(field(renewed, "ip")).isEqualTo(ip);
    assertThat(lease(ip).expiresAt()).isAfter(first.expiresAt());

    List<String> release = new ArrayList<>(List.of("ip", "netns", "exec", ns.clientNs));
    release.addAll(List.of("dhclient", "-r", "-v"));
    release.addAll(Arrays.asList(common));
    release.add(ns.clientIf);
    NamespacePair.run(release.toArray(String[]::new));

    await().atMost(Duration.ofSeconds(30)).until(() -> lease(ip).state() == LeaseState.RELEASED);
    await().atMost(Duration.ofSeconds(10)).until(() -> !dhclient.isAlive());
  }

  @Test
  void reservedMacGetsItsReservedAddress() throws IOException {
    ns.setClientMac(RESERVED_MAC);
    Path events = temp.resolve("reserved.events");
    startInClientNs(
        temp.resolve("reserved.log"),
        "busybox",
        "udhcpc",
        "-f",
        "-q",
        "-i",
        ns.clientIf,
        "-s",
        udhcpcScript(temp, events).toString(),
        "-t",
        "10",
        "-T",
        "1",
        "-A",
        "1");

    String bound = awaitEvent(events, "bound", Duration.ofSeconds(30));

    assertThat(field(bound, "ip")).isEqualTo("10.77.0.42");
    assertThat(lease("10.77.0.42").mac()).isEqualTo(MacAddress.parse(RESERVED_MAC));
  }

  @Test
  void garbageDatagramsAreCountedAndDroppedAndAGoodClientIsServedRightAfter() throws Exception {
    NamespacePair.run("ip", "-n", ns.clientNs, "addr", "add", "10.77.0.250/24", "dev", ns.clientIf);
    List<byte[]> garbage = new ArrayList<>();
    byte[] random = new byte[50];
    new Random(3).nextBytes(random);
    garbage.add(random);
    byte[] valid = encode(discover());
    garbage.add(Arrays.copyOf(valid, 120));
    byte[] pastTheEnd = Arrays.copyOf(valid, DhcpWireFormat.MIN_LENGTH + 6);
    System.arraycopy(
        new byte[] {53, 1, 1, 12, (byte) 200, 'a'}, 0, pastTheEnd, DhcpWireFormat.MIN_LENGTH, 6);
    garbage.add(pastTheEnd);
    byte[] noCookie = valid.clone();
    Arrays.fill(noCookie, DhcpWireFormat.HEADER_LENGTH, DhcpWireFormat.MIN_LENGTH, (byte) 0);
    garbage.add(noCookie);

    LinuxSockets.callInNamespace(
        ns.clientNs,
        () -> {
          try (DatagramChannel sender = DatagramChannel.open()) {
            sender.bind(new InetSocketAddress("10.77.0.250", 0));
            for (byte[] datagram : garbage) {
              sender.send(
                  ByteBuffer.wrap(datagram), new InetSocketAddress(SERVER.toInetAddress(), 67));
            }
          }
          return null;
        });

    await().atMost(Duration.ofSeconds(10)).until(() -> transport.malformedDatagrams() == 4);
    NamespacePair.run("ip", "-n", ns.clientNs, "-4", "addr", "flush", "dev", ns.clientIf);
    Path events = temp.resolve("after-garbage.events");
    startInClientNs(
        temp.resolve("after-garbage.log"),
        "busybox",
        "udhcpc",
        "-f",
        "-q",
        "-i",
        ns.clientIf,
        "-s",
        udhcpcScript(temp, events).toString(),
        "-t",
        "10",
        "-T",
        "1",
        "-A",
        "1");

    String bound = awaitEvent(events, "bound", Duration.ofSeconds(30));

    assertThat(parse(field(bound, "ip"))).isBetween(parse("10.77.0.100"), parse("10.77.0.150"));
    assertThat(transport.malformedDatagrams()).isEqualTo(4);
    assertThat(transport.decodedDatagrams()).isGreaterThanOrEqualTo(2);
  }

  /**
   * A relay sends a burst of DISCOVERs, then the REQUESTs for every offer, each burst at once: the
   * replies to one read batch are flushed together and the ACKs come back from the lease writer in
   * batches. Every client must get exactly its own answer (its xid and chaddr, one distinct address
   * each) and every ACKed lease must be in the store for that client.
   */
  @Test
  void aBurstOfRelayedClientsGetsOneOwnAnswerEach() throws Exception {
    NamespacePair.run("ip", "-n", ns.clientNs, "addr", "add", "10.77.0.250/24", "dev", ns.clientIf);
    // The burst is queued, not dropped, while the server works through it.
    assertThat(transport.receiveBufferBytes())
        .isGreaterThanOrEqualTo(DhcpUdpTransport.RECEIVE_BUFFER_BYTES);
    Ipv4Address relay = parse("10.77.0.250");
    int clients = 40;
    try (DatagramSocket socket =
        LinuxSockets.callInNamespace(
            ns.clientNs, () -> new DatagramSocket(new InetSocketAddress("10.77.0.250", 67)))) {
      socket.setSoTimeout(10_000);
      List<DhcpMessage> discovers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        discovers.add(
            DhcpMessage.builder()
                .clientMac(burstMac(i))
                .xid(0x5000 + i)
                .giaddr(relay)
                .options(DhcpOptions.builder().messageType(DhcpMessageType.DISCOVER).build())
                .build());
      }
      Map<Integer, DhcpMessage> offers = exchange(socket, discovers);

      List<DhcpMessage> requests = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        DhcpMessage offer = offers.get(0x5000 + i);
        assertThat(offer.messageType()).contains(DhcpMessageType.OFFER);
        assertThat(offer.clientMac()).contains(burstMac(i));
        requests.add(
            DhcpMessage.builder()
                .clientMac(burstMac(i))
                .xid(0x6000 + i)
                .giaddr(relay)
                .options(
                    DhcpOptions.builder()
                        .messageType(DhcpMessageType.REQUEST)
                        .serverId(SERVER)
                        .requestedIp(offer.yiaddr())
                        .build())
                .build());
      }
      Map<Integer, DhcpMessage> acks = exchange(socket, requests);

      Set<Ipv4Address> addresses = new HashSet<>();
      for (int i = 0; i < clients; i++) {
        DhcpMessage ack = acks.get(0x6000 + i);
        assertThat(ack.messageType()).contains(DhcpMessageType.ACK);
        assertThat(ack.clientMac()).contains(burstMac(i));
        assertThat(ack.yiaddr()).isEqualTo(offers.get(0x5000 + i).yiaddr());
        assertThat(lease(ack.yiaddr().toString()).mac()).isEqualTo(burstMac(i));
        addresses.add(ack.yiaddr());
      }
      assertThat(addresses).hasSize(clients);
    }
  }

  private static MacAddress burstMac(int i) {
    return new MacAddress(0x02_00_00_00_b0_00L + i);
  }

  /** Sends every message at once, then collects one reply per message, keyed by xid. */
  private static Map<Integer, DhcpMessage> exchange(DatagramSocket socket, List<DhcpMessage> sent)
      throws IOException {
    InetSocketAddress server = new InetSocketAddress(SERVER.toInetAddress(), 67);
    for (DhcpMessage message : sent) {
      byte[] bytes = encode(message);
      socket.send(new DatagramPacket(bytes, bytes.length, server));
    }
    Map<Integer, DhcpMessage> replies = new HashMap<>();
    byte[] buffer = new byte[1500];
    while (replies.size() < sent.size()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      socket.receive(packet);
      DhcpMessage reply =
          DhcpWireFormat.decode(
              Unpooled.wrappedBuffer(packet.getData(), packet.getOffset(), packet.getLength()));
      assertThat(replies.put(reply.xid(), reply))
          .as("second reply to xid %x", reply.xid())
          .isNull();
    }
    return replies;
  }

  private static DhcpMessage discover() {
    return DhcpMessage.builder()
        .clientMac(MacAddress.parse("02:00:00:00:99:01"))
        .xid(99)
        .options(DhcpOptions.builder().messageType(DhcpMessageType.DISCOVER).build())
        .build();
  }

  private static byte[] encode(DhcpMessage message) {
    ByteBuf buf = Unpooled.buffer();
    try {
      DhcpWireFormat.encode(message, buf);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      return bytes;
    } finally {
      buf.release();
    }
  }
}

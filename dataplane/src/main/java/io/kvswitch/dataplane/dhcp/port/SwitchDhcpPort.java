package io.kvswitch.dataplane.dhcp.port;

import io.kvswitch.dataplane.dhcp.frame.DhcpFrameResponder;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.EthernetFrame;
import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The switch's own DHCP server, plugged into the bridge as a software port: a trunk of the VLANs
 * whose network has DHCP enabled, without a native VLAN, so every frame crosses it with its VLAN's
 * tag.
 *
 * <p>The forwarding core hands this port every DHCP client request that enters on an access port of
 * a served VLAN ({@link io.kvswitch.dataplane.engine.ForwardingCore#setDhcpServerPort}), whatever
 * its destination MAC: a broadcast DISCOVER or REQUEST, and a renewal or release that the client
 * unicasts to the server identifier at the gateway's (the router's) MAC. So this port does not
 * check destination addresses. Requests from trunks and tunnels reach it by the ordinary flood of
 * their VLAN. Replies leave this port with the server's MAC as source. A reply is addressed by
 * {@link io.kvswitch.dataplane.dhcp.frame.ReplyDestination} (to the client's MAC, or broadcast) and
 * the engine delivers it to the client's port, popping the tag. The node needs no IP address on the
 * VLAN.
 *
 * <p><b>Transmit</b> (frames the switch hands to this port) runs on the forwarding threads. Every
 * frame that is not UDP to port 67 in a served VLAN (nor an ARP request for the server's own
 * address, below) is accepted and dropped there without allocating: a frame of a busy VLAN costs a
 * few header reads. A DHCP frame is copied and queued for the server thread; a full queue drops it
 * and counts it, and the client retries.
 *
 * <p><b>The server thread</b> asks {@link ClientPorts} on which port the client's MAC was learned,
 * and answers only clients on a local access port: with the overlay, a broadcast DISCOVER also
 * reaches every other node's DHCP port, and only the client's own node answers it. The frame goes
 * to the VLAN's {@link DhcpFrameResponder}, which parses it (malformed frames are counted there),
 * calls the server and builds the reply frame.
 *
 * <p><b>ARP.</b> In a network without a gateway the server identifier is an address of the server's
 * own (the subnet's last host address), and the port answers local clients' ARP requests for it
 * with the server's MAC, so renewals and releases that clients unicast to the server identifier
 * reach it. Where the gateway is the server identifier, the router owns that address and the port
 * never answers for it; the core's punt brings those renewals here: see dataplane/DHCP.md.
 *
 * <p><b>Receive</b> (frames this port hands to the switch): replies are tagged with their VLAN and
 * queued; the forwarding thread that owns the port takes them on its next round, woken when a reply
 * is queued.
 */
public final class SwitchDhcpPort implements Port {

  /** The port's name in the bridge and in metrics. */
  public static final String NAME = "dhcp";

  /** Room for the largest request the port takes: a tagged 1500-byte MTU frame. */
  static final int MAX_FRAME = 1522;

  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_ARP = 0x0806;
  private static final int ARP_LENGTH = 28;
  private static final int ARP_REQUEST = 1;
  private static final int ARP_REPLY = 2;
  private static final int PROTOCOL_UDP = 17;
  private static final int SERVER_PORT = 67;
  private static final int TAGGED_L3 = EthernetFrame.TAGGED_HEADER_LENGTH;
  private static final ValueLayout.OfInt BIG_ENDIAN_INT =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private final String name;
  private final ClientPorts clientPorts;
  private final long serverMac;
  private final AtomicIntegerArray ownAddresses = new AtomicIntegerArray(VlanSet.MAX_VID + 1);
  private final AtomicReferenceArray<DhcpFrameResponder> responders =
      new AtomicReferenceArray<>(VlanSet.MAX_VID + 1);
  private final BlockingQueue<Request> requests;
  private final Queue<byte[]> replies = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedReplies = new AtomicInteger();
  private final int maxQueuedReplies;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment receiveBuffer;
  private final Thread serverThread;
  private final DhcpPortCounters counters = new DhcpPortCounters();
  private volatile Runnable receiveWakeup = () -> {};
  private volatile boolean closed;

  /**
   * @param serverMac the MAC the server answers ARP with; the same as its DHCP replies' source
   * @param queueCapacity DHCP frames that may wait for the server thread; more are dropped
   */
  public SwitchDhcpPort(
      String name, ClientPorts clientPorts, MacAddress serverMac, int queueCapacity) {
    this.name = name;
    this.clientPorts = clientPorts;
    this.serverMac = serverMac.value();
    this.requests = new ArrayBlockingQueue<>(queueCapacity);
    this.maxQueuedReplies = queueCapacity;
    this.receiveBuffer = arena.allocate(MAX_FRAME, 64);
    this.serverThread =
        Thread.ofPlatform().name("kvswitch-dhcp").daemon().unstarted(this::serveRequests);
    serverThread.start();
  }

  /**
   * Answers DHCP in {@code vlan} with {@code responder}, replacing the one that did.
   *
   * @param ownAddress an address that belongs to the server alone, whose ARP requests from local
   *     clients the port answers with the server's MAC, so that clients can unicast renewals and
   *     releases to it; empty when the server identifier is an address someone else answers for
   *     (the gateway)
   */
  public void serve(int vlan, DhcpFrameResponder responder, Optional<Ipv4Address> ownAddress) {
    ownAddresses.set(checkVlan(vlan), ownAddress.map(Ipv4Address::value).orElse(0));
    responders.set(vlan, responder);
  }

  /** Stops answering DHCP in {@code vlan}; frames of it are dropped from now on. */
  public void stopServing(int vlan) {
    responders.set(checkVlan(vlan), null);
    ownAddresses.set(vlan, 0);
  }

  /** The VLANs served now: the bridge carries exactly these on this port. */
  public VlanSet servedVlans() {
    int count = 0;
    int[] vids = new int[VlanSet.MAX_VID];
    for (int vid = VlanSet.MIN_VID; vid <= VlanSet.MAX_VID; vid++) {
      if (responders.get(vid) != null) {
        vids[count++] = vid;
      }
    }
    return VlanSet.of(Arrays.copyOf(vids, count));
  }

  /** The responder of {@code vlan}, if it is served. */
  public Optional<DhcpFrameResponder> responder(int vlan) {
    return Optional.ofNullable(responders.get(checkVlan(vlan)));
  }

  public DhcpPortCounters counters() {
    return counters;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void setReceiveWakeup(Runnable wakeup) {
    this.receiveWakeup = wakeup;
  }

  @Override
  public boolean transmit(MemorySegment buffer, long offset, int length) {
    if (closed) {
      return false;
    }
    int vlan = dhcpRequestVlan(buffer, offset, length);
    if (vlan < 0) {
      vlan = arpRequestVlan(buffer, offset, length);
    }
    if (vlan < 0 || responders.get(vlan) == null) {
      counters.ignored.increment();
      return true;
    }
    if (length > MAX_FRAME) {
      counters.oversize.increment();
      return true;
    }
    byte[] frame = buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    if (!requests.offer(new Request(vlan, EthernetFrame.source(buffer, offset), frame))) {
      counters.queueFull.increment();
    }
    return true;
  }

  /**
   * The VLAN of a tagged ARP request for the server's own address in that VLAN, or -1 for any other
   * frame. Allocation-free, like {@link #dhcpRequestVlan}.
   */
  private int arpRequestVlan(MemorySegment buffer, long offset, int length) {
    if (length < TAGGED_L3 + ARP_LENGTH
        || EthernetFrame.etherType(buffer, offset) != EthernetFrame.ETHERTYPE_VLAN
        || EthernetFrame.readU16(buffer, offset + 16) != ETHERTYPE_ARP) {
      return -1;
    }
    long arp = offset + TAGGED_L3;
    int vlan = EthernetFrame.tci(buffer, offset) & EthernetFrame.VID_MASK;
    int own = ownAddresses.get(vlan);
    boolean forUs =
        own != 0
            && EthernetFrame.readU16(buffer, arp) == 1
            && EthernetFrame.readU16(buffer, arp + 2) == ETHERTYPE_IPV4
            && EthernetFrame.readU16(buffer, arp + 6) == ARP_REQUEST
            && buffer.get(BIG_ENDIAN_INT, arp + 24) == own;
    return forUs ? vlan : -1;
  }

  /**
   * The VLAN of a tagged IPv4 UDP frame to port 67, or -1 for any other frame. Reads a few header
   * bytes and nothing else; it never throws on a short frame.
   */
  static int dhcpRequestVlan(MemorySegment buffer, long offset, int length) {
    if (length < TAGGED_L3 + 20 + 8
        || EthernetFrame.etherType(buffer, offset) != EthernetFrame.ETHERTYPE_VLAN
        || EthernetFrame.readU16(buffer, offset + 16) != ETHERTYPE_IPV4) {
      return -1;
    }
    long l3 = offset + TAGGED_L3;
    int versionIhl = buffer.get(ValueLayout.JAVA_BYTE, l3) & 0xff;
    int headerLength = (versionIhl & 0x0f) * 4;
    if (versionIhl >>> 4 != 4
        || headerLength < 20
        || (buffer.get(ValueLayout.JAVA_BYTE, l3 + 9) & 0xff) != PROTOCOL_UDP
        || TAGGED_L3 + headerLength + 8 > length
        || EthernetFrame.readU16(buffer, l3 + headerLength + 2) != SERVER_PORT) {
      return -1;
    }
    return EthernetFrame.tci(buffer, offset) & EthernetFrame.VID_MASK;
  }

  private void serveRequests() {
    while (!closed) {
      Request request;
      try {
        request = requests.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (request != null) {
        try {
          answer(request);
        } catch (RuntimeException e) {
          // A bug costs one reply, never the thread that serves every VLAN.
          counters.failed.increment();
        }
      }
    }
  }

  private void answer(Request request) {
    DhcpFrameResponder responder = responders.get(request.vlan());
    if (responder == null) {
      counters.ignored.increment();
      return;
    }
    Optional<String> clientPort = clientPorts.localPortOf(request.vlan(), request.sourceMac());
    if (clientPort.isEmpty()) {
      counters.notLocal.increment();
      return;
    }
    if (isArp(request.frame())) {
      queueReply(request.vlan(), arpReply(request.frame(), ownAddresses.get(request.vlan())));
      counters.arpReplies.increment();
      return;
    }
    counters.requests.increment();
    ByteBuf frame = Unpooled.wrappedBuffer(request.frame());
    responder
        .answer(frame, clientPort.get())
        .whenComplete(
            (reply, failure) -> {
              frame.release();
              if (failure != null) {
                counters.failed.increment();
              } else {
                reply.ifPresent(r -> queueReply(request.vlan(), r));
              }
            });
  }

  private static boolean isArp(byte[] tagged) {
    return ((tagged[16] & 0xff) << 8 | (tagged[17] & 0xff)) == ETHERTYPE_ARP;
  }

  /** The untagged ARP reply to a tagged request for {@code ownAddress}. */
  private ByteBuf arpReply(byte[] request, int ownAddress) {
    int arp = TAGGED_L3;
    ByteBuf reply = Unpooled.buffer(EthernetFrame.HEADER_LENGTH + ARP_LENGTH);
    reply.writeBytes(request, arp + 8, 6); // to the sender's hardware address
    writeMac(reply, serverMac);
    reply.writeShort(ETHERTYPE_ARP);
    reply.writeShort(1);
    reply.writeShort(ETHERTYPE_IPV4);
    reply.writeByte(6);
    reply.writeByte(4);
    reply.writeShort(ARP_REPLY);
    writeMac(reply, serverMac);
    reply.writeInt(ownAddress);
    reply.writeBytes(request, arp + 8, 10); // target: the sender's MAC and IPv4 address
    return reply;
  }

  private static void writeMac(ByteBuf buffer, long mac) {
    buffer.writeInt((int) (mac >>> 16));
    buffer.writeShort((int) mac);
  }

  private void queueReply(int vlan, ByteBuf reply) {
    try {
      int length = reply.readableBytes();
      if (closed || length < EthernetFrame.HEADER_LENGTH) {
        counters.repliesDropped.increment();
        return;
      }
      if (queuedReplies.incrementAndGet() > maxQueuedReplies) {
        // The forwarding thread is not taking replies; the client will ask again.
        queuedReplies.decrementAndGet();
        counters.repliesDropped.increment();
        return;
      }
      // Insert the 802.1Q tag after the two MACs: a trunk without a native VLAN takes tagged
      // frames only.
      byte[] tagged = new byte[length + EthernetFrame.TAG_LENGTH];
      int start = reply.readerIndex();
      reply.getBytes(start, tagged, 0, 12);
      tagged[12] = (byte) (EthernetFrame.ETHERTYPE_VLAN >>> 8);
      tagged[13] = (byte) EthernetFrame.ETHERTYPE_VLAN;
      tagged[14] = (byte) (vlan >>> 8);
      tagged[15] = (byte) vlan;
      reply.getBytes(start + 12, tagged, 16, length - 12);
      replies.add(tagged);
      counters.replies.increment();
    } finally {
      reply.release();
    }
    receiveWakeup.run();
  }

  @Override
  public int receiveBatch(FrameSink sink, int maxFrames) {
    int delivered = 0;
    while (delivered < maxFrames && !closed) {
      byte[] frame = replies.poll();
      if (frame == null) {
        break;
      }
      queuedReplies.decrementAndGet();
      if (frame.length > MAX_FRAME) {
        counters.repliesDropped.increment();
        continue;
      }
      MemorySegment.copy(frame, 0, receiveBuffer, ValueLayout.JAVA_BYTE, 0, frame.length);
      sink.accept(receiveBuffer, 0, frame.length);
      delivered++;
    }
    return delivered;
  }

  @Override
  public void flushTransmit() {
    // Requests are queued as they arrive; nothing is batched here.
  }

  @Override
  public boolean isLinkUp() {
    return !closed;
  }

  @Override
  public int pollFd() {
    return -1;
  }

  /** Replies come from the server thread, which runs the receive wake-up after each. */
  @Override
  public boolean announcesFrames() {
    return true;
  }

  /**
   * Stops the server thread. Called by the bridge when the port is removed or the bridge closes.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    serverThread.interrupt();
    boolean interrupted = false;
    while (serverThread.isAlive()) {
      try {
        serverThread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    arena.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static int checkVlan(int vlan) {
    if (vlan < VlanSet.MIN_VID || vlan > VlanSet.MAX_VID) {
      throw new IllegalArgumentException("VLAN id out of range 1-4094: " + vlan);
    }
    return vlan;
  }

  private record Request(int vlan, long sourceMac, byte[] frame) {}
}

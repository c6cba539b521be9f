package io.kvswitch.dataplane.port.linux;

import java.util.Objects;

/**
 * How an {@link AfPacketPort} sets up its socket.
 *
 * @param ringVersion which receive ring: {@link RingVersion#TPACKET_V3} packs frames into blocks
 *     (throughput, memory), {@link RingVersion#TPACKET_V2} hands over every frame at once (latency)
 * @param offloads carry a {@code virtio_net_hdr} with every frame ({@code PACKET_VNET_HDR}), so GSO
 *     frames and unfinished checksums pass through untouched; see dataplane/PORTS.md. Without it
 *     the interface's peer must have segmentation and checksum offloads turned off, or TCP breaks:
 *     64 KiB GSO frames cannot be sent on, and partial checksums arrive unfinished.
 * @param blockSize bytes per receive ring block, a multiple of 4096; frames longer than a block
 *     (less its headers) are counted as truncated and dropped, so with offloads it must hold a 64
 *     KiB GSO frame
 * @param blockCount receive ring blocks
 * @param blockTimeoutMillis how long the kernel waits before handing over a block that is not full:
 *     the receive latency at low rates
 * @param transmitBatch most frames per {@code sendmmsg}
 * @param transmitBufferBytes native buffer that queued frames are copied into
 * @param socketBufferBytes receive and send socket buffers, set with {@code SO_RCVBUFFORCE} and
 *     {@code SO_SNDBUFFORCE} (above the sysctl maximum; root only)
 * @param slotSize TPACKET_V2 only: bytes per frame slot, a multiple of 16 that divides {@code
 *     blockSize}. A frame that does not fit its slot (with the kernel's ~76 bytes of headers in
 *     front) arrives whole through the socket's receive queue instead, a copy and a read more
 *     (dataplane/PORTS.md)
 */
public record AfPacketOptions(
    RingVersion ringVersion,
    boolean offloads,
    int blockSize,
    int blockCount,
    int blockTimeoutMillis,
    int transmitBatch,
    int transmitBufferBytes,
    int socketBufferBytes,
    int slotSize) {

  private static final int PAGE = 4096;

  /** Room for the kernel's slot header and a minimum-size frame with its offload header. */
  private static final int MIN_SLOT = 256;

  /** A V2 slot that holds a 1500-byte-MTU frame, tag and offload header included. */
  private static final int SMALL_SLOT = 2048;

  /** The receive ring layout. */
  public enum RingVersion {
    TPACKET_V2,
    TPACKET_V3
  }

  public AfPacketOptions {
    Objects.requireNonNull(ringVersion, "ringVersion");
    if (blockSize < PAGE || blockSize % PAGE != 0) {
      throw new IllegalArgumentException("blockSize must be a multiple of 4096: " + blockSize);
    }
    if (blockCount < 2) {
      throw new IllegalArgumentException("blockCount must be at least 2: " + blockCount);
    }
    if (blockTimeoutMillis < 1) {
      throw new IllegalArgumentException("blockTimeoutMillis must be at least 1");
    }
    if (transmitBatch < 1) {
      throw new IllegalArgumentException("transmitBatch must be at least 1");
    }
    if (transmitBufferBytes < 2048) {
      throw new IllegalArgumentException("transmitBufferBytes must be at least 2048");
    }
    if (socketBufferBytes < 0) {
      throw new IllegalArgumentException("socketBufferBytes must not be negative");
    }
    if (slotSize < MIN_SLOT || slotSize % 16 != 0 || blockSize % slotSize != 0) {
      throw new IllegalArgumentException(
          "slotSize must be a multiple of 16, at least "
              + MIN_SLOT
              + ", that divides blockSize "
              + blockSize
              + ": "
              + slotSize);
    }
  }

  /**
   * TPACKET_V3, offloads on; 32 blocks of 256 KiB (8 MiB) to receive; batches of up to 256 frames
   * in a 1 MiB transmit buffer; 4 MiB socket buffers; 1 ms block timeout, the shortest the kernel
   * offers.
   */
  public static AfPacketOptions defaults() {
    return new AfPacketOptions(
        RingVersion.TPACKET_V3,
        true,
        256 * 1024,
        32,
        1,
        256,
        1024 * 1024,
        4 * 1024 * 1024,
        SMALL_SLOT);
  }

  /**
   * For a pod's or VM's port: {@link #perFrame()} (TPACKET_V2, 2 KiB slots) with a quarter of the
   * receive ring, 8 blocks of 256 KiB (2 MiB, 1024 slots). V2 because a pod notices the round trip
   * of a request at a low rate first, and V3 makes each direction wait for a block to retire (at
   * least 1 ms); at 64-byte rates and for TCP the two measured alike (dataplane/PORTS.md). The
   * kernel allocates, zeroes and maps the ring when the port is opened, which is on the CNI ADD's
   * critical path, and a node holds one ring per workload interface (100 pods: 200 MiB of kernel
   * memory instead of 800 MiB). 2 MiB still holds about 1000 frames that wait for the forwarding
   * thread (GSO frames wait on the socket queue); a longer burst than that, while the thread is
   * busy elsewhere, is dropped and counted. See CNI.md for the measured opening time.
   */
  public static AfPacketOptions podPort() {
    return perFrame().withRing(256 * 1024, 8);
  }

  /**
   * For latency rather than rate: TPACKET_V2 with offloads on, 128 slots of 68 KiB (8.5 MiB), each
   * big enough for a 64 KiB GSO frame and its headers; otherwise as {@link #defaults()}.
   */
  public static AfPacketOptions lowLatency() {
    return defaults()
        .withRingVersion(RingVersion.TPACKET_V2)
        .withRing(17 * PAGE, 128)
        .withSlotSize(17 * PAGE);
  }

  /**
   * TPACKET_V2 with 2 KiB slots: 32 blocks of 256 KiB (8 MiB, 4096 slots), every frame handed over
   * the moment it is written, as many small frames in flight as V3's blocks hold, and frames longer
   * than a slot (GSO frames, jumbo frames) whole through the socket's receive queue; otherwise as
   * {@link #defaults()}.
   */
  public static AfPacketOptions perFrame() {
    return defaults().withRingVersion(RingVersion.TPACKET_V2).withSlotSize(SMALL_SLOT);
  }

  /** Frame slots of {@code slotSize} bytes for TPACKET_V2 (see the record's description). */
  public AfPacketOptions withSlotSize(int slotSize) {
    return new AfPacketOptions(
        ringVersion,
        offloads,
        blockSize,
        blockCount,
        blockTimeoutMillis,
        transmitBatch,
        transmitBufferBytes,
        socketBufferBytes,
        slotSize);
  }

  public AfPacketOptions withRingVersion(RingVersion ringVersion) {
    return new AfPacketOptions(
        ringVersion,
        offloads,
        blockSize,
        blockCount,
        blockTimeoutMillis,
        transmitBatch,
        transmitBufferBytes,
        socketBufferBytes,
        slotSize);
  }

  public AfPacketOptions withOffloads(boolean offloads) {
    return new AfPacketOptions(
        ringVersion,
        offloads,
        blockSize,
        blockCount,
        blockTimeoutMillis,
        transmitBatch,
        transmitBufferBytes,
        socketBufferBytes,
        slotSize);
  }

  public AfPacketOptions withRing(int blockSize, int blockCount) {
    return new AfPacketOptions(
        ringVersion,
        offloads,
        blockSize,
        blockCount,
        blockTimeoutMillis,
        transmitBatch,
        transmitBufferBytes,
        socketBufferBytes,
        slotSize);
  }
}

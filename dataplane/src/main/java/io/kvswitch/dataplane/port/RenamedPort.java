package io.kvswitch.dataplane.port;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A port shown under another name: the config's port name when it differs from the device behind it
 * ({@code name: pod-a, device: veth1a2b}). Counters, static MAC entries and bond members refer to
 * ports by their config name, while the Linux backends name themselves after the device.
 */
public final class RenamedPort implements Port {

  private final String name;
  private final Port port;

  public RenamedPort(String name, Port port) {
    this.name = Objects.requireNonNull(name, "name");
    this.port = Objects.requireNonNull(port, "port");
  }

  /** The port under the new name. */
  public Port port() {
    return port;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int receiveBatch(FrameSink sink, int maxFrames) {
    return port.receiveBatch(sink, maxFrames);
  }

  @Override
  public boolean transmit(MemorySegment buffer, long offset, int length) {
    return port.transmit(buffer, offset, length);
  }

  @Override
  public int offloadHeaderLength() {
    return port.offloadHeaderLength();
  }

  @Override
  public boolean acceptsOffloadedFrames() {
    return port.acceptsOffloadedFrames();
  }

  @Override
  public boolean transmitOffloaded(MemorySegment buffer, long offset, int length) {
    return port.transmitOffloaded(buffer, offset, length);
  }

  @Override
  public void flushTransmit() {
    port.flushTransmit();
  }

  @Override
  public boolean isLinkUp() {
    return port.isLinkUp();
  }

  @Override
  public int pollFd() {
    return port.pollFd();
  }

  @Override
  public int[] pollFds() {
    return port.pollFds();
  }

  @Override
  public boolean announcesFrames() {
    return port.announcesFrames();
  }

  @Override
  public void setReceiveWakeup(Runnable wakeup) {
    port.setReceiveWakeup(wakeup);
  }

  @Override
  public void close() {
    port.close();
  }

  /** {@code port} itself when it already has {@code name}, otherwise it renamed. */
  public static Port named(String name, Port port) {
    return port.name().equals(name) ? port : new RenamedPort(name, port);
  }
}

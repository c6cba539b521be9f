package io.kvswitch.dataplane.port.linux;

import io.kvswitch.dataplane.port.FrameSink;

/** A packet socket's receive ring as the port sees it: frames in, handed to a sink in place. */
interface RxRing {

  /** Hands up to {@code maxFrames} waiting frames to {@code sink}; returns how many it handed. */
  int receive(FrameSink sink, int maxFrames);
}

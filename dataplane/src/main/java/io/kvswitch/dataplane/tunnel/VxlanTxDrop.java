package io.kvswitch.dataplane.tunnel;

import io.kvswitch.dataplane.frame.TcpSegmenter;
import java.util.Locale;

/**
 * Why a frame with an offload header did not go into the tunnel. The switch counts each of these as
 * {@code transmit_refused} on the port too; these say which problem it was.
 */
public enum VxlanTxDrop {
  /** A GSO type the tunnel does not cut (UDP fragmentation offload, UDP L4 GSO). */
  UNSUPPORTED_GSO_TYPE,
  /** An offload header that does not match its frame (see {@link TcpSegmenter.Refusal}). */
  MALFORMED_OFFLOAD_HEADER,
  /**
   * A GSO frame whose segments (headers plus {@code gso_size}) would not fit the underlay MTU once
   * encapsulated: the sender's MSS is larger than the pod MTU the overlay allows.
   */
  SEGMENT_EXCEEDS_UNDERLAY_MTU;

  /** The snake_case label used in metrics. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static VxlanTxDrop of(TcpSegmenter.Refusal refusal) {
    return switch (refusal) {
      case UNSUPPORTED_GSO_TYPE -> UNSUPPORTED_GSO_TYPE;
      case MALFORMED_OFFLOAD_HEADER -> MALFORMED_OFFLOAD_HEADER;
      case SEGMENT_TOO_LONG -> SEGMENT_EXCEEDS_UNDERLAY_MTU;
    };
  }
}

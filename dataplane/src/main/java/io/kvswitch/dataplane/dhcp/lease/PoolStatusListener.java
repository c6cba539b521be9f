package io.kvswitch.dataplane.dhcp.lease;

/**
 * Told when a network's pool runs dry and when it has addresses again; the agent turns this into
 * the {@code PoolExhausted} condition and a Warning event. Called on the allocating thread, so an
 * implementation only records the change and returns.
 */
public interface PoolStatusListener {

  PoolStatusListener NONE =
      new PoolStatusListener() {
        @Override
        public void poolExhausted(String network) {}

        @Override
        public void poolAvailable(String network) {}
      };

  /** A client asked for an address and none was free. */
  void poolExhausted(String network);

  /** An address could be handed out again after {@link #poolExhausted}. */
  void poolAvailable(String network);
}

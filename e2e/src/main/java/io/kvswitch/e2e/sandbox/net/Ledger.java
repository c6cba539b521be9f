package io.kvswitch.e2e.sandbox.net;

/**
 * Where the sandbox notes each thing it is about to create, before it creates it, so that a later
 * {@code sandbox down} can remove it even after a crash.
 */
public interface Ledger {

  void namespace(String name);

  void hostInterface(String name);
}

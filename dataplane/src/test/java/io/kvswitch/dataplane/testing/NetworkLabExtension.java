package io.kvswitch.dataplane.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * For tests that build networks: checks {@link RootRequirement} before any test of the class runs
 * (skip, or fail in CI), and gives each test that asks for a {@link NetworkLab} parameter a fresh
 * lab that is closed, removing everything it made, when the test ends.
 *
 * <pre>{@code
 * @ExtendWith(NetworkLabExtension.class)
 * class SomethingIT {
 *   @Test
 *   void works(NetworkLab lab) { ... }
 * }
 * }</pre>
 */
public final class NetworkLabExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(NetworkLabExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    RootRequirement.check();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == NetworkLab.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    NetworkLab lab = NetworkLab.create();
    // The store closes AutoCloseable values when the test ends, also when it failed.
    context.getStore(STORE).put(lab.prefix(), lab);
    return lab;
  }
}

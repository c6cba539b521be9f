package io.kvswitch.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.e2e.testing.RequiredTool;
import io.kvswitch.e2e.testing.RootOnly;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One sandbox for all scenarios of a test class: starting one takes a while, and each scenario uses
 * names of its own, so they can share it. It is brought down after the class, so that the next
 * class (or SandboxLifecycleIT) finds the machine free.
 */
final class SandboxExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SandboxExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    RootOnly.require("the sandbox creates network namespaces");
    RequiredTool.require("ip", "install iproute2");
    RequiredTool.require("setsid", "install util-linux");
    RequiredTool.require("busybox", "workloads run busybox udhcpc (apt-get install -y busybox)");
    RequiredTool.require("arping", "VM migration announces with arping (iputils-arping)");
    RequiredTool.require("ping", "reachability is checked with ping (iputils-ping)");
    assertThat(Path.of("/run/kvswitch-sandbox/state.json"))
        .as("a sandbox is running on this machine; stop it with ./kvswitch sandbox down first")
        .doesNotExist();
    context.getStore(NAMESPACE).put(Sandbox.class, Sandbox.up());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    Sandbox sandbox = context.getStore(NAMESPACE).remove(Sandbox.class, Sandbox.class);
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Sandbox.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return findInClassStore(context);
  }

  private static Sandbox findInClassStore(ExtensionContext context) {
    ExtensionContext current = context;
    while (current != null) {
      Sandbox sandbox = current.getStore(NAMESPACE).get(Sandbox.class, Sandbox.class);
      if (sandbox != null) {
        return sandbox;
      }
      current = current.getParent().orElse(null);
    }
    throw new IllegalStateException("no sandbox started for " + context.getDisplayName());
  }
}

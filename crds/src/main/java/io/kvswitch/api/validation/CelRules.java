package io.kvswitch.api.validation;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles and runs {@code x-kubernetes-validations} rules the way the API server does: {@code
 * self} is the value at the rule's place in the object, {@code oldSelf} the same place in the
 * stored object on update.
 */
final class CelRules {

  private final CelCompiler compiler =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .addLibraries(CelExtensions.strings())
          .addFunctionDeclarations(KubernetesCelLibrary.declarations())
          .build();

  private final CelRuntime runtime =
      CelRuntimeFactory.standardCelRuntimeBuilder()
          .addLibraries(CelExtensions.strings())
          .addFunctionBindings(KubernetesCelLibrary.bindings())
          .build();

  private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

  /** A rule that reads {@code oldSelf} only runs on update, as in the API server. */
  static boolean isTransitionRule(String rule) {
    return rule.contains("oldSelf");
  }

  /**
   * Evaluates one rule.
   *
   * @throws IllegalArgumentException when the rule does not compile, a defect of the CRD itself
   * @throws CelEvaluationException when the rule fails at run time on this value
   */
  boolean evaluate(String rule, Object self, Object oldSelf) throws CelEvaluationException {
    CelRuntime.Program program = programs.computeIfAbsent(rule, this::compile);
    Map<String, Object> variables =
        oldSelf == null ? Map.of("self", self) : Map.of("self", self, "oldSelf", oldSelf);
    Object result = program.eval(variables);
    if (!(result instanceof Boolean passed)) {
      throw new IllegalArgumentException("rule does not return a bool: " + rule);
    }
    return passed;
  }

  private CelRuntime.Program compile(String rule) {
    try {
      CelAbstractSyntaxTree ast = compiler.compile(rule).getAst();
      return runtime.createProgram(ast);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalArgumentException(
          "rule does not compile: " + rule + ": " + e.getMessage(), e);
    }
  }
}

package io.kvswitch.e2e.helm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Runs a Lua health check the way Argo CD does: the live object as the global {@code obj} (JSON
 * numbers as Lua numbers, arrays as 1-based tables), only the base, package, string, table and math
 * libraries, and a returned table with {@code status} and {@code message}.
 */
final class ArgoCdHealthCheck {

  record Health(String status, String message) {}

  private final String script;

  private ArgoCdHealthCheck(String script) {
    this.script = script;
  }

  static Path scriptFile() {
    return KvswitchChart.directory().resolve("argocd").resolve("health.lua");
  }

  static ArgoCdHealthCheck fromChart() {
    try {
      return new ArgoCdHealthCheck(Files.readString(scriptFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Health evaluate(JsonNode object) {
    Globals globals = new Globals();
    globals.load(new JseBaseLib());
    globals.load(new PackageLib());
    globals.load(new StringLib());
    globals.load(new TableLib());
    globals.load(new JseMathLib());
    LoadState.install(globals);
    LuaC.install(globals);
    globals.set("obj", toLua(object));

    LuaValue result = globals.load(script, "health.lua").call();
    if (!result.istable()) {
      throw new AssertionError("the health check returned " + result.typename() + ", not a table");
    }
    return new Health(
        result.get("status").optjstring(null), result.get("message").optjstring(null));
  }

  private static LuaValue toLua(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return LuaValue.NIL;
    }
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        table.set(field.getKey(), toLua(field.getValue()));
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, toLua(node.get(i)));
      }
      return table;
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.doubleValue());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.booleanValue());
    }
    return LuaValue.valueOf(node.asText());
  }
}

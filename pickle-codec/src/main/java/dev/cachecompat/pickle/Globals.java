package dev.cachecompat.pickle;

import java.util.Map;

/** Python 2 module names as Python 3 knows them (the module part of CPython's _compat_pickle). */
final class Globals {
  private static final Map<String, String> MODULES = Map.of(
      "__builtin__", "builtins",
      "copy_reg", "copyreg");

  private Globals() {}

  static String python3Name(String module, String name) {
    return MODULES.getOrDefault(module, module) + "." + name;
  }

  /** The Python 3 form of a {@code module.name} given by a user. */
  static String python3Name(String qualified) {
    for (Map.Entry<String, String> e : MODULES.entrySet()) {
      if (qualified.startsWith(e.getKey() + ".")) {
        return e.getValue() + qualified.substring(e.getKey().length());
      }
    }
    return qualified;
  }
}

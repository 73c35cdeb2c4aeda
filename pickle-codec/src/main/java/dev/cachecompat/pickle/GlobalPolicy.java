package dev.cachecompat.pickle;

import dev.cachecompat.core.PythonVersion;
import java.util.Set;

/**
 * Which globals a cache reader may let a pickle construct, and which Python a global needs.
 *
 * <p>Names are classified in their Python 3 spelling: a protocol 0-2 pickle's Python 2 name is mapped the way the
 * 3.x unpickler maps it (IMPORT_MAPPING / NAME_MAPPING of {@code _compat_pickle}). The denylist is checked on both
 * spellings, at every protocol, and on every dotted segment of the name (protocol 4 resolves {@code path.join}
 * in {@code os} as {@code os.path.join}).
 *
 * <p>Allowlist decisions: the value types caches hold. {@code copyreg._reconstructor}, {@code copyreg.__newobj__}
 * and {@code copyreg.__newobj_ex__} are allowed because they only instantiate the class they are given, and
 * that class is itself a global of the same pickle, so it is classified too (nothing reaches them that was not
 * looked up by name). {@code _codecs.encode} is how Python 3 writes bytes at protocols 0-2; it only transcodes.
 * {@code fractions.Fraction} parses text and is allowed; {@code builtins.type}, {@code getattr}-like builtins and
 * anything that imports, opens, runs or reaches a module attribute are not.
 */
final class GlobalPolicy {
  private GlobalPolicy() {}

  /** The allowlisted globals, in Python 3 spelling. */
  static final Set<String> ALLOWED = Set.of(
      "builtins.set", "builtins.frozenset", "builtins.bytearray", "builtins.complex", "builtins.list",
      "builtins.dict", "builtins.tuple", "builtins.bytes", "builtins.str", "builtins.int", "builtins.float",
      "builtins.bool", "builtins.object", "builtins.slice", "builtins.range", "builtins.Ellipsis",
      "builtins.NotImplemented",
      "_codecs.encode",
      "copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__",
      "collections.OrderedDict", "collections.defaultdict", "collections.deque", "collections.Counter",
      "datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta", "datetime.timezone",
      "decimal.Decimal", "uuid.UUID", "uuid.SafeUUID", "fractions.Fraction");

  /** Modules (and all their submodules) whose globals execute code, import, or do file, process or network I/O. */
  static final Set<String> DENIED_MODULES = Set.of(
      "os", "posix", "nt", "posixpath", "ntpath", "macpath", "genericpath", "subprocess", "_posixsubprocess",
      "sys", "runpy", "code", "codeop", "pty", "tty", "importlib", "imp", "_imp", "pkgutil", "zipimport",
      "pickle", "_pickle", "cPickle", "pickletools", "marshal", "shelve", "dill", "cloudpickle", "shutil",
      "socket", "_socket", "ssl", "select", "selectors", "webbrowser", "ctypes", "_ctypes", "cffi",
      "multiprocessing", "_multiprocessing", "asyncio", "concurrent", "threading", "_thread", "thread",
      "_dummy_thread", "dummy_threading", "types", "platform", "commands", "popen2", "timeit", "pdb", "bdb",
      "trace", "profile", "cProfile", "_lsprof", "signal", "_signal", "tempfile", "io", "_io", "_pyio",
      "fileinput", "glob", "pathlib", "zipfile", "tarfile", "sqlite3", "dbm", "anydbm", "dumbdbm", "whichdb",
      "gdbm", "urllib", "urllib2", "httplib", "http", "ftplib", "smtplib", "poplib", "imaplib", "nntplib",
      "telnetlib", "xmlrpc", "xmlrpclib", "SimpleXMLRPCServer", "socketserver", "SocketServer",
      "BaseHTTPServer", "CGIHTTPServer", "SimpleHTTPServer", "cgi", "cgitb", "mmap", "resource", "gc",
      "inspect", "site", "sysconfig", "distutils", "setuptools", "pip", "ensurepip", "venv", "tkinter",
      "Tkinter", "idlelib", "lib2to3", "doctest", "unittest", "logging", "operator", "_operator", "functools",
      "_functools", "linecache", "getpass", "atexit", "faulthandler", "tracemalloc", "readline", "rlcompleter",
      "_winapi", "msvcrt", "winreg", "_winreg", "mailcap", "pydoc", "zipapp", "compileall", "py_compile",
      "pwd", "spwd", "grp", "crypt", "syslog", "fcntl", "termios", "pipes");

  /** Builtins that evaluate, import, reach attributes, or do I/O. */
  static final Set<String> DENIED_BUILTINS = Set.of(
      "eval", "exec", "execfile", "compile", "open", "file", "getattr", "setattr", "delattr", "__import__",
      "__build_class__", "__loader__", "__spec__", "__builtins__", "__dict__", "input", "raw_input",
      "breakpoint", "exit", "quit", "globals", "locals", "vars", "help", "reload", "apply", "print",
      "copyright", "credits", "license");

  /** Attribute names that run code or processes in any module. */
  static final Set<String> DENIED_NAMES = Set.of(
      "eval", "exec", "execfile", "compile", "system", "popen", "popen2", "popen3", "popen4", "spawnl",
      "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe", "execl", "execle", "execlp",
      "execlpe", "execv", "execve", "execvp", "execvpe", "fork", "forkpty", "getattr", "setattr", "delattr",
      "import_module", "run_path", "run_module", "check_output", "check_call", "getoutput", "getstatusoutput",
      "breakpoint", "globals", "locals", "vars", "loads", "load");

  /** Python-3-only names within modules both Pythons have. */
  private static final Set<String> PY3_ONLY_NAMES = Set.of("datetime.timezone", "uuid.SafeUUID");

  /**
   * Why a global is dangerous, or null when it is not: checked on the name as written and on its Python 3
   * spelling, whatever the protocol.
   */
  static String dangerReason(String module, String name) {
    String r = dangerReasonOne(module, name);
    if (r != null) {
      return r;
    }
    String mapped = mapPy2(module, name);
    if (mapped == null) {
      return null;
    }
    String mappedModule = mappedModule(module, name);
    return dangerReasonOne(mappedModule, mapped.substring(mappedModule.length() + 1));
  }

  private static String dangerReasonOne(String module, String name) {
    String top = module;
    int dot = module.indexOf('.');
    if (dot >= 0) {
      top = module.substring(0, dot);
    }
    if (DENIED_MODULES.contains(top) || DENIED_MODULES.contains(module)) {
      return "module " + top + " runs code or does I/O";
    }
    boolean builtins = module.equals("builtins") || module.equals("__builtin__");
    int from = 0;
    boolean dotted = name.indexOf('.') >= 0;
    while (true) {
      int end = name.indexOf('.', from);
      String seg = end < 0 ? name.substring(from) : name.substring(from, end);
      if (builtins && from == 0 && DENIED_BUILTINS.contains(seg)) {
        return "builtin " + seg + " evaluates, reaches attributes or does I/O";
      }
      if (DENIED_NAMES.contains(seg)) {
        return "attribute " + seg + " runs code";
      }
      String bare = seg;
      while (bare.startsWith("_") && bare.length() > 1) {
        bare = bare.substring(1);
      }
      if (DENIED_MODULES.contains(seg) || DENIED_MODULES.contains(bare)) {
        return "the name reaches module " + bare;
      }
      if (dotted && seg.length() > 4 && seg.startsWith("__") && seg.endsWith("__")) {
        return "the dotted name goes through " + seg;
      }
      if (end < 0) {
        return null;
      }
      from = end + 1;
    }
  }

  /** The Python 3 spelling of a Python 2 global, as "module.name", or null when the mapping leaves it alone. */
  static String mapPy2(String module, String name) {
    String q = module + "." + name;
    String mapped = GlobalCompatNames.NAME_MAPPING.get(q);
    if (mapped != null) {
      return mapped;
    }
    String m = GlobalCompatNames.IMPORT_MAPPING.get(module);
    return m == null ? null : m + "." + name;
  }

  private static String mappedModule(String module, String name) {
    String mapped = GlobalCompatNames.NAME_MAPPING.get(module + "." + name);
    if (mapped != null) {
      return mapped.substring(0, mapped.lastIndexOf('.'));
    }
    String m = GlobalCompatNames.IMPORT_MAPPING.get(module);
    return m == null ? module : m;
  }

  /**
   * Whether the global is allowed: on the built-in allowlist in the spelling the unpickler resolves (Python 2
   * names mapped when {@code protocol} is below 3), or allowed by the user in either spelling.
   */
  static boolean allowed(String module, String name, int protocol, Set<String> userAllowed) {
    String raw = module + "." + name;
    String resolved = raw;
    if (protocol < 3) {
      String mapped = mapPy2(module, name);
      if (mapped != null) {
        resolved = mapped;
      }
    }
    return ALLOWED.contains(resolved) || userAllowed.contains(raw) || userAllowed.contains(resolved);
  }

  /** The oldest Python whose unpickler resolves the name as written. */
  static PythonVersion minPython(String module, String name) {
    if (GlobalCompatNames.PY3_ONLY_MODULES.contains(module) || PY3_ONLY_NAMES.contains(module + "." + name)) {
      return PythonVersion.PY3_0;
    }
    int dot = module.indexOf('.');
    while (dot > 0) {
      if (GlobalCompatNames.PY3_ONLY_MODULES.contains(module.substring(0, dot))) {
        return PythonVersion.PY3_0;
      }
      dot = module.indexOf('.', dot + 1);
    }
    return name.indexOf('.') >= 0 ? PythonVersion.PY3_4 : PythonVersion.PY2_7;
  }
}

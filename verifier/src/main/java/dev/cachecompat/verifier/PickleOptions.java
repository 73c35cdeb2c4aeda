package dev.cachecompat.verifier;

import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.Py2Str;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The pickle decoding options that decode and scan share: the Python 2 str policy and extra globals. */
final class PickleOptions {
  @Option(names = "--py2-str", defaultValue = "bytes", paramLabel = "POLICY",
      description = "How Python 2 str decodes: bytes (default), latin1, utf8 or ascii.")
  String py2Str = "bytes";

  @Option(names = "--allow", paramLabel = "MODULE.NAME",
      description = "Also allow this global (repeatable); denylisted globals stay unsafe.")
  List<String> allow = new ArrayList<>();

  static Py2Str policy(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "bytes":
        return Py2Str.BYTES;
      case "latin1":
      case "latin-1":
        return Py2Str.LATIN1;
      case "utf8":
      case "utf-8":
        return Py2Str.UTF8;
      case "ascii":
        return Py2Str.ASCII;
      default:
        throw new IllegalArgumentException("--py2-str must be bytes, latin1, utf8 or ascii: '" + text + "'");
    }
  }

  PickleDecoder decoder() {
    PickleDecoder.Builder b = PickleDecoder.builder().py2Str(policy(py2Str));
    allow.forEach(b::allowGlobal);
    return b.build();
  }
}

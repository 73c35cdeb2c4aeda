package dev.cachecompat.verifier;

import dev.cachecompat.json.CanonicalJson;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The canonical JSON style options that {@code json canonicalize} and {@code json check} share. */
final class JsonStyleOptions {
  @Option(names = "--style", defaultValue = "python", paramLabel = "STYLE",
      description = "python (default: json.dumps(sort_keys=True)) or rfc8785.")
  String style;

  @Option(names = "--compact", description = "Python style: separators ',' and ':'.")
  boolean compact;

  @Option(names = "--ensure-ascii", defaultValue = "true", arity = "1", paramLabel = "BOOL",
      description = "Python style: escape every non-ASCII character (default true).")
  boolean ensureAscii;

  CanonicalJson canonicalJson() {
    switch (style.toLowerCase(Locale.ROOT)) {
      case "python":
        return CanonicalJson.python().toBuilder().compact(compact).ensureAscii(ensureAscii).build();
      case "rfc8785":
        return CanonicalJson.rfc8785();
      default:
        throw new IllegalArgumentException("--style must be python or rfc8785: '" + style + "'");
    }
  }
}

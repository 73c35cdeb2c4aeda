package dev.cachecompat.verifier;

import dev.cachecompat.core.PythonVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits raw keys into namespace and user key by the key scheme, and knows which Python reads each namespace.
 *
 * <p>{@code django}: {@code PREFIX:VERSION:key} as Django's default_key_func writes it; with no declared
 * namespace every key of that form is in the namespace its prefix and version name, otherwise only the declared
 * ones count. {@code prefix}: a declared prefix starts the key. {@code none}: no namespaces.
 */
final class NamespaceResolver {
  private static final Pattern DJANGO = Pattern.compile("(?s)([^:]*):(-?\\d{1,9}):(.*)");

  enum Scheme { DJANGO, PREFIX, NONE }

  /** A namespace: for django a prefix and version, for prefix the prefix alone (version null). */
  record Ns(String prefix, Integer version) {
    String label() {
      return version == null ? prefix : prefix + ":" + version;
    }
  }

  /** Where a raw key belongs. */
  record Resolved(Ns namespace, String userKey) {}

  private final Scheme scheme;
  private final List<Ns> declared;
  private final Map<String, PythonVersion> expected;

  NamespaceResolver(Scheme scheme, List<String> namespaces, List<String> expectations) {
    this.scheme = scheme;
    this.declared = new ArrayList<>();
    for (String n : namespaces) {
      declared.add(parseNamespace(scheme, n, "--namespace"));
    }
    this.expected = new LinkedHashMap<>();
    for (String e : expectations) {
      int eq = e.lastIndexOf('=');
      if (eq <= 0 || eq == e.length() - 1) {
        throw new IllegalArgumentException("--expect must be PREFIX:VERSION=PYTHON, e.g. shop:2=2.7: '" + e + "'");
      }
      Ns ns = parseNamespace(scheme, e.substring(0, eq), "--expect");
      expected.put(ns.label(), PythonVersion.parse(e.substring(eq + 1)));
    }
    if (scheme == Scheme.PREFIX && declared.isEmpty()) {
      throw new IllegalArgumentException("--key-scheme=prefix needs at least one --namespace=PREFIX");
    }
  }

  static Scheme scheme(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "django":
        return Scheme.DJANGO;
      case "prefix":
        return Scheme.PREFIX;
      case "none":
        return Scheme.NONE;
      default:
        throw new IllegalArgumentException("--key-scheme must be django, prefix or none: '" + text + "'");
    }
  }

  private static Ns parseNamespace(Scheme scheme, String text, String option) {
    if (scheme == Scheme.DJANGO) {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(option + " must be PREFIX:VERSION under the django scheme: '" + text + "'");
      }
      try {
        return new Ns(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " version must be an integer: '" + text + "'");
      }
    }
    return new Ns(text, null);
  }

  Resolved resolve(String rawKey) {
    switch (scheme) {
      case DJANGO: {
        Matcher m = DJANGO.matcher(rawKey);
        if (!m.matches()) {
          return new Resolved(null, rawKey);
        }
        Ns ns = new Ns(m.group(1), Integer.parseInt(m.group(2)));
        if (!declared.isEmpty() && !declared.contains(ns)) {
          return new Resolved(null, rawKey);
        }
        return new Resolved(ns, m.group(3));
      }
      case PREFIX: {
        Ns best = null;
        for (Ns ns : declared) {
          if (rawKey.startsWith(ns.prefix()) && (best == null || ns.prefix().length() > best.prefix().length())) {
            best = ns;
          }
        }
        return best == null ? new Resolved(null, rawKey)
            : new Resolved(best, rawKey.substring(best.prefix().length()));
      }
      default:
        return new Resolved(null, rawKey);
    }
  }

  /** The oldest Python declared to read the namespace, or null when nothing was declared. */
  PythonVersion readers(Ns ns) {
    return ns == null ? null : expected.get(ns.label());
  }
}

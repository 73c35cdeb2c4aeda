package dev.cachecompat.verifier;

import dev.cachecompat.core.PythonVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Splits raw keys into namespace and user key by the key scheme, and knows which Python reads each namespace.
 *
 * <p>{@code django}: {@code PREFIX:VERSION:key} as Django's default_key_func writes it; with no declared
 * namespace every key of that form is in the namespace its prefix and version name, otherwise only the declared
 * ones count. {@code prefix}: a declared prefix starts the key. {@code none}: no namespaces.
 */
final class NamespaceResolver {
  enum Scheme { DJANGO, PREFIX, NONE }

  /**
   * A namespace: for django a prefix and version, for prefix the prefix alone (version null). A value class (equal
   * by prefix and version) that keeps its label and its part of a scan line, made once: the resolver hands out the
   * same instance for every key of a namespace it saw last. Immutable and thread-safe.
   */
  static final class Ns {
    private static final byte[] OPEN = ",\"namespace\":{\"prefix\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = ",\"version\":null},\"user_key\":".getBytes(StandardCharsets.US_ASCII);

    private final String prefix;
    private final Integer version;
    private final String label;
    /** {@link #jsonThroughUserKey()}, made on first use. */
    private volatile byte[] json;

    Ns(String prefix, Integer version) {
      this.prefix = prefix;
      this.version = version;
      this.label = version == null ? prefix : prefix + ":" + version;
    }

    String prefix() {
      return prefix;
    }

    Integer version() {
      return version;
    }

    /** {@code PREFIX:VERSION}, or the prefix alone when there is no version. */
    String label() {
      return label;
    }

    /**
     * The scan line's bytes from the comma before {@code "namespace"} up to the value of {@code "user_key"}:
     * {@code ,"namespace":{"prefix":P,"version":V},"user_key":}, P and V as {@link ScanLine} writes them.
     */
    byte[] jsonThroughUserKey() {
      byte[] j = json;
      if (j == null) {
        ScanLine.Bytes b = new ScanLine.Bytes(64 + 3 * prefix.length());
        b.write(OPEN);
        b.string(prefix);
        if (version == null) {
          b.write(CLOSE);
        } else {
          b.write(CLOSE, 0, 11); // ,"version":
          b.number(version.intValue());
          b.write(CLOSE, 15, CLOSE.length - 15); // },"user_key":
        }
        j = b.toByteArray();
        json = j;
      }
      return j;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ns n && Objects.equals(prefix, n.prefix) && Objects.equals(version, n.version);
    }

    @Override
    public int hashCode() {
      return Objects.hash(prefix, version);
    }

    @Override
    public String toString() {
      return "Ns[prefix=" + prefix + ", version=" + version + "]";
    }
  }

  /**
   * Where a raw key belongs.
   *
   * @param readers the oldest Python declared to read the namespace ({@link #readers}), null when none was
   */
  record Resolved(Ns namespace, String userKey, PythonVersion readers) {}

  private final Scheme scheme;
  private final List<Ns> declared;
  private final Map<String, PythonVersion> expected;
  /** {@link #readers} of each declared namespace, in {@link #declared}'s order. */
  private final List<PythonVersion> declaredReaders = new ArrayList<>();

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
    for (Ns ns : declared) {
      declaredReaders.add(readers(ns));
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

  /**
   * Where {@code rawKey} belongs. Thread-safe: several classify threads share one resolver; a key of a Django
   * namespace seen recently makes no namespace object (and no label) of its own.
   */
  Resolved resolve(String rawKey) {
    switch (scheme) {
      case DJANGO: {
        // PREFIX:VERSION: at the start, VERSION an optional '-' and 1 to 9 digits; no regex, no substring per key
        int first = rawKey.indexOf(':');
        if (first < 0) {
          return new Resolved(null, rawKey, null);
        }
        int i = first + 1;
        boolean negative = i < rawKey.length() && rawKey.charAt(i) == '-';
        if (negative) {
          i++;
        }
        int digitsStart = i;
        int version = 0;
        char c = 0;
        while (i < rawKey.length() && (c = rawKey.charAt(i)) >= '0' && c <= '9' && i - digitsStart < 10) {
          version = version * 10 + (c - '0');
          i++;
        }
        if (i == digitsStart || i - digitsStart > 9 || i >= rawKey.length() || rawKey.charAt(i) != ':') {
          return new Resolved(null, rawKey, null);
        }
        if (negative) {
          version = -version;
        }
        int slot = (first * 31 + version) & (SEEN_SLOTS - 1);
        Seen seen = this.seen[slot];
        if (seen == null || seen.version != version || seen.ns.prefix().length() != first
            || !rawKey.startsWith(seen.ns.prefix())) {
          Ns ns = new Ns(rawKey.substring(0, first), version);
          seen = new Seen(ns, version, declared.isEmpty() || declared.contains(ns), readers(ns));
          this.seen[slot] = seen;
        }
        if (!seen.counted) {
          return new Resolved(null, rawKey, null);
        }
        return new Resolved(seen.ns, rawKey.substring(i + 1), seen.readers);
      }
      case PREFIX: {
        int best = -1;
        for (int k = 0; k < declared.size(); k++) {
          String p = declared.get(k).prefix();
          if (rawKey.startsWith(p) && (best < 0 || p.length() > declared.get(best).prefix().length())) {
            best = k;
          }
        }
        return best < 0 ? new Resolved(null, rawKey, null)
            : new Resolved(declared.get(best), rawKey.substring(declared.get(best).prefix().length()),
                declaredReaders.get(best));
      }
      default:
        return new Resolved(null, rawKey, null);
    }
  }

  /** How many Django namespaces {@link #resolve} keeps at hand (a power of two). */
  private static final int SEEN_SLOTS = 16;

  /**
   * A Django namespace {@link #resolve} met, and what it answers for the namespace's keys. Immutable: read and
   * replaced racily by the classify threads, which at worst make the same namespace again.
   */
  private static final class Seen {
    final Ns ns;
    final int version;
    final boolean counted;
    final PythonVersion readers;

    Seen(Ns ns, int version, boolean counted, PythonVersion readers) {
      this.ns = ns;
      this.version = version;
      this.counted = counted;
      this.readers = readers;
    }
  }

  private final Seen[] seen = new Seen[SEEN_SLOTS];

  /** {@code PREFIX:VERSION:} at the start of a Django key (VERSION at most 9 digits), or null; no regex per key. */
  static Ns djangoNamespace(String rawKey) {
    int first = rawKey.indexOf(':');
    if (first < 0) {
      return null;
    }
    int i = first + 1;
    int start = i;
    if (i < rawKey.length() && rawKey.charAt(i) == '-') {
      i++;
    }
    int digitsStart = i;
    while (i < rawKey.length() && rawKey.charAt(i) >= '0' && rawKey.charAt(i) <= '9') {
      i++;
    }
    if (i == digitsStart || i - digitsStart > 9 || i >= rawKey.length() || rawKey.charAt(i) != ':') {
      return null;
    }
    return new Ns(rawKey.substring(0, first), Integer.parseInt(rawKey.substring(start, i)));
  }

  /** The oldest Python declared to read the namespace, or null when nothing was declared. */
  PythonVersion readers(Ns ns) {
    return ns == null ? null : expected.get(ns.label());
  }
}

package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cachecompat.core.PythonVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The resolver, which keeps the namespaces it met, answers what the plain per-key parse answered before. */
class NamespaceResolverTest {
  /** The resolver before it kept namespaces: a parse, a namespace and its label per key. */
  private static final class Oracle {
    final NamespaceResolver.Scheme scheme;
    final List<NamespaceResolver.Ns> declared = new ArrayList<>();
    final Map<String, PythonVersion> expected = new LinkedHashMap<>();

    Oracle(NamespaceResolver.Scheme scheme, List<NamespaceResolver.Ns> declared, Map<String, PythonVersion> expected) {
      this.scheme = scheme;
      this.declared.addAll(declared);
      this.expected.putAll(expected);
    }

    NamespaceResolver.Resolved resolve(String rawKey) {
      NamespaceResolver.Ns ns = null;
      String userKey = rawKey;
      if (scheme == NamespaceResolver.Scheme.DJANGO) {
        NamespaceResolver.Ns found = djangoNamespace(rawKey);
        if (found != null && (declared.isEmpty() || declared.contains(found))) {
          ns = found;
          userKey = rawKey.substring(rawKey.indexOf(':', found.prefix().length() + 1) + 1);
        }
      } else if (scheme == NamespaceResolver.Scheme.PREFIX) {
        for (NamespaceResolver.Ns d : declared) {
          if (rawKey.startsWith(d.prefix()) && (ns == null || d.prefix().length() > ns.prefix().length())) {
            ns = d;
          }
        }
        if (ns != null) {
          userKey = rawKey.substring(ns.prefix().length());
        }
      }
      return new NamespaceResolver.Resolved(ns, userKey, ns == null ? null : expected.get(ns.label()));
    }

    static NamespaceResolver.Ns djangoNamespace(String rawKey) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("([^:]*):(-?[0-9]{1,9}):.*", java.util.regex.Pattern.DOTALL)
          .matcher(rawKey);
      return m.matches() ? new NamespaceResolver.Ns(m.group(1), Integer.parseInt(m.group(2))) : null;
    }
  }

  private static String randomKey(Random random) {
    String alphabet = "ab:-0123456789:x\u00e9\ud83d\ude00";
    StringBuilder b = new StringBuilder();
    if (random.nextInt(3) > 0) { // mostly keys of a few namespaces
      b.append(List.of("app", "shop", "a", "", "ap", "b:c").get(random.nextInt(6))).append(':')
          .append(List.of("3", "03", "-3", "2", "-0", "0", "999999999", "1234567890", "x", "").get(random.nextInt(10)))
          .append(':');
    }
    for (int n = random.nextInt(10); n > 0; n--) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private static void assertResolvesAsTheOracle(NamespaceResolver resolver, Oracle oracle, long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 20_000; i++) {
      String key = randomKey(random);
      assertEquals(oracle.resolve(key), resolver.resolve(key), key);
    }
  }

  @Test
  void djangoKeysOfEveryNamespaceResolveAsTheParsePerKeyDid() {
    NamespaceResolver resolver = new NamespaceResolver(NamespaceResolver.Scheme.DJANGO, List.of(), List.of("app:3=3.8"));
    Oracle oracle = new Oracle(NamespaceResolver.Scheme.DJANGO, List.of(),
        Map.of("app:3", PythonVersion.PY3_8));
    assertResolvesAsTheOracle(resolver, oracle, 1);
  }

  @Test
  void djangoKeysOfDeclaredNamespacesResolveAsTheParsePerKeyDid() {
    NamespaceResolver resolver = new NamespaceResolver(NamespaceResolver.Scheme.DJANGO,
        List.of("app:3", "shop:-3", ":0"), List.of("app:3=3.8", "shop:-3=2.7"));
    Oracle oracle = new Oracle(NamespaceResolver.Scheme.DJANGO, List.of(new NamespaceResolver.Ns("app", 3),
        new NamespaceResolver.Ns("shop", -3), new NamespaceResolver.Ns("", 0)),
        Map.of("app:3", PythonVersion.PY3_8, "shop:-3", PythonVersion.PY2_7));
    assertResolvesAsTheOracle(resolver, oracle, 2);
  }

  @Test
  void prefixAndNoSchemeResolveAsBefore() {
    NamespaceResolver prefix = new NamespaceResolver(NamespaceResolver.Scheme.PREFIX, List.of("a", "ap", "app:3:"),
        List.of("ap=2.7"));
    assertResolvesAsTheOracle(prefix, new Oracle(NamespaceResolver.Scheme.PREFIX, List.of(
        new NamespaceResolver.Ns("a", null), new NamespaceResolver.Ns("ap", null),
        new NamespaceResolver.Ns("app:3:", null)), Map.of("ap", PythonVersion.PY2_7)), 3);
    NamespaceResolver none = new NamespaceResolver(NamespaceResolver.Scheme.NONE, List.of(), List.of());
    assertResolvesAsTheOracle(none, new Oracle(NamespaceResolver.Scheme.NONE, List.of(), Map.of()), 4);
  }

  @Test
  void keysOfANamespaceSeenLastShareItsNamespaceObject() {
    NamespaceResolver resolver = new NamespaceResolver(NamespaceResolver.Scheme.DJANGO, List.of(), List.of());
    NamespaceResolver.Ns first = resolver.resolve("app:3:user:1").namespace();
    assertSame(first, resolver.resolve("app:3:user:2").namespace());
    assertSame(first, resolver.resolve("app:03:user:3").namespace()); // the same namespace, spelt otherwise
    assertEquals(new NamespaceResolver.Ns("app", 4), resolver.resolve("app:4:user:1").namespace());
    assertEquals(new NamespaceResolver.Ns("apq", 3), resolver.resolve("apq:3:user:1").namespace());
  }

  @Test
  void threadsSharingOneResolverGetWhatTheParsePerKeyGives() throws Exception {
    NamespaceResolver resolver = new NamespaceResolver(NamespaceResolver.Scheme.DJANGO, List.of(), List.of("a:2=2.7"));
    Oracle oracle = new Oracle(NamespaceResolver.Scheme.DJANGO, List.of(), Map.of("a:2", PythonVersion.PY2_7));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = 10 + t;
        done.add(pool.submit((Callable<Void>) () -> {
          assertResolvesAsTheOracle(resolver, oracle, seed);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void namespacesAreEqualByPrefixAndVersionAndWriteTheirLinePart() {
    NamespaceResolver.Ns a = new NamespaceResolver.Ns("sh\"op", 2);
    assertEquals(new NamespaceResolver.Ns("sh\"op", 2), a);
    assertEquals(new NamespaceResolver.Ns("sh\"op", 2).hashCode(), a.hashCode());
    assertEquals("sh\"op:2", a.label());
    assertEquals("Ns[prefix=sh\"op, version=2]", a.toString());
    assertEquals(",\"namespace\":{\"prefix\":\"sh\\\"op\",\"version\":2},\"user_key\":",
        new String(a.jsonThroughUserKey(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(",\"namespace\":{\"prefix\":\"p\",\"version\":null},\"user_key\":",
        new String(new NamespaceResolver.Ns("p", null).jsonThroughUserKey(), java.nio.charset.StandardCharsets.UTF_8));
  }
}

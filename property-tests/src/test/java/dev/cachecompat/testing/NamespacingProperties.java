package dev.cachecompat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.namespace.KeyScheme;
import dev.cachecompat.namespace.MemcachedKeyPolicy;
import dev.cachecompat.namespace.Namespace;
import dev.cachecompat.namespace.NamespaceException;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Namespaced keys: memcached gets a valid key or a clear error, distinct namespaces never collide, stripping
 * inverts prefixing, and Redis hash tags keep their slot.
 */
class NamespacingProperties {
  private static final Set<String> KEY_ERRORS =
      Set.of("key-too-long", "key-invalid-character", "key-unpaired-surrogate");

  @Provide
  Arbitrary<Namespace> namespaces() {
    Arbitrary<String> prefix = Arbitraries.strings().withCharRange('a', 'z').withChars('_', '-', '.')
        .ofMinLength(0).ofMaxLength(12);
    Arbitrary<Integer> version = Arbitraries.integers().between(1, 1000);
    Arbitrary<PythonVersion> readers = Arbitraries.of(PythonVersion.PY2_7, PythonVersion.PY3_4, PythonVersion.PY3_8);
    return Combinators.combine(prefix, version, readers).as(Namespace::django);
  }

  @Provide
  Arbitrary<String> keys() {
    return CacheKeys.anyKeys();
  }

  @Provide
  Arbitrary<CacheKeys.HashTaggedKey> redisKeys() {
    return CacheKeys.redisKeys();
  }

  @Property(tries = 1000)
  void memcachedGetsAValidKeyOrAClearError(@ForAll("namespaces") Namespace ns, @ForAll("keys") String key) {
    String raw = ns.rawKey(key);
    boolean valid = CacheKeys.isValidMemcachedKey(raw);
    try {
      String wire = MemcachedKeyPolicy.REJECT.wireKey(raw);
      assertTrue(valid, () -> "REJECT passed the invalid key '" + raw + "'");
      assertEquals(raw, wire);
    } catch (NamespaceException e) {
      assertTrue(!valid, () -> "REJECT refused the valid key '" + raw + "': " + e.getMessage());
      assertTrue(KEY_ERRORS.contains(e.code()), e::code);
      assertTrue(e.getMessage().startsWith("memcached key "), e::getMessage);
    }
    try {
      String wire = MemcachedKeyPolicy.HASH.wireKey(raw);
      assertTrue(CacheKeys.isValidMemcachedKey(wire), () -> "HASH made the invalid key '" + wire + "'");
      if (valid) {
        assertEquals(raw, wire);
      } else {
        assertTrue(wire.matches("(?s).*#[0-9a-f]{64}"), wire);
      }
    } catch (NamespaceException e) {
      assertEquals("key-unpaired-surrogate", e.code(), e::getMessage);
    }
  }

  @Property(tries = 1000)
  void distinctNamespacesNeverCollide(@ForAll("namespaces") Namespace a, @ForAll("namespaces") Namespace b,
      @ForAll("keys") String k1, @ForAll("keys") String k2) {
    Assume.that(!a.scheme().rawPrefix().equals(b.scheme().rawPrefix()));
    assertNotEquals(a.rawKey(k1), b.rawKey(k2));
    assertNull(b.scheme().logicalKey(a.rawKey(k1)), () -> b + " claims " + a.rawKey(k1));
  }

  @Property(tries = 1000)
  void strippingInvertsPrefixing(@ForAll("namespaces") Namespace ns, @ForAll("keys") String key) {
    assertEquals(key, ns.scheme().logicalKey(ns.rawKey(key)));
    assertEquals(key, KeyScheme.prefix("p.").logicalKey(KeyScheme.prefix("p.").rawKey(key)));
  }

  @Property(tries = 1000)
  void hashTagsKeepTheirSlot(@ForAll("namespaces") Namespace ns, @ForAll("redisKeys") CacheKeys.HashTaggedKey key) {
    String raw = ns.rawKey(key.key());
    if (key.tagged()) {
      assertEquals(key.hashedPart(), CacheKeys.hashedPart(raw), raw);
      assertEquals(CacheKeys.redisSlot(key.key()), CacheKeys.redisSlot(raw), raw);
    } else {
      assertEquals(raw, CacheKeys.hashedPart(raw));
    }
  }

  @Property(tries = 500)
  void generatedMemcachedKeysAgreeWithTheLibrarysPolicy(@ForAll("validKeys") String valid,
      @ForAll("invalidKeys") String invalid) {
    assertTrue(MemcachedKeyPolicy.isValid(valid), valid);
    assertTrue(!MemcachedKeyPolicy.isValid(invalid), invalid);
  }

  @Provide
  Arbitrary<String> validKeys() {
    return CacheKeys.memcachedKeys();
  }

  @Provide
  Arbitrary<String> invalidKeys() {
    return CacheKeys.invalidMemcachedKeys();
  }
}

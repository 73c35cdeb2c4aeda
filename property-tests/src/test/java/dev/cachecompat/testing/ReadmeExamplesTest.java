package dev.cachecompat.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleInspector;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The examples of property-tests/README.md, kept compiling and passing. Keep the two in step. */
class ReadmeExamplesTest {
  // README: "Round-trip your own cache code"
  @Provide
  Arbitrary<Object> cacheValues() {
    return PythonValues.values();
  }

  @Property(tries = 200)
  void myCacheRoundTrips(@ForAll("cacheValues") Object value) {
    byte[] stored = dev.cachecompat.pickle.PickleEncoder.forReaders(PythonVersion.PY2_7).encode(value);
    Object readBack = PickleDecoder.defaults().decode(stored);
    assertTrue(PythonValues.equivalent(value, readBack));
  }

  // README: "Pickles for the oldest reader"
  @Provide
  Arbitrary<Pickles.Pickled> py27Pickles() {
    return Pickles.forReaders(PythonValues.values(), PythonVersion.PY2_7);
  }

  @Property(tries = 200)
  void py27CanReadIt(@ForAll("py27Pickles") Pickles.Pickled p) {
    assertTrue(PickleInspector.defaults().inspect(p.pickle()).minPython().compareTo(PythonVersion.PY2_7) <= 0);
  }

  // README: "JSON documents with the traps"
  @Provide
  Arbitrary<String> documents() {
    return JsonDocuments.pythonDocuments();
  }

  @Property(tries = 200)
  void canonicalFormIsStable(@ForAll("documents") String doc) {
    byte[] once = CanonicalJson.python().canonicalize(doc.getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(once, CanonicalJson.python().canonicalize(once));
  }

  // README: "Cache keys"
  @Provide
  Arbitrary<CacheKeys.HashTaggedKey> redisKeys() {
    return CacheKeys.redisKeys();
  }

  @Property(tries = 200)
  void prefixKeepsTheSlot(@ForAll("redisKeys") CacheKeys.HashTaggedKey k) {
    String prefixed = "app:v2:" + k.key();
    if (k.tagged()) {
      assertEquals(CacheKeys.redisSlot(k.key()), CacheKeys.redisSlot(prefixed));
    }
  }

  @Property(tries = 200)
  void invalidKeysAreInvalid(@ForAll("invalid") String key) {
    assertTrue(!CacheKeys.isValidMemcachedKey(key));
  }

  @Provide
  Arbitrary<String> invalid() {
    return CacheKeys.invalidMemcachedKeys();
  }
}

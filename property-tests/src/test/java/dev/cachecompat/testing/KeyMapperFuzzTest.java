package dev.cachecompat.testing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.namespace.KeyScheme;
import dev.cachecompat.namespace.MemcachedKeyPolicy;
import dev.cachecompat.namespace.Namespace;
import dev.cachecompat.namespace.NamespaceException;

/**
 * Jazzer target for the key mapper: any prefix, version and key map to a raw key that strips back to the key, and
 * memcached gets a valid key or a NamespaceException.
 */
class KeyMapperFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void keyMapper(FuzzedDataProvider data) {
    String prefix = data.consumeString(40);
    int version = data.consumeInt();
    String key = data.consumeRemainingAsString();
    for (KeyScheme scheme : new KeyScheme[] {KeyScheme.django(prefix, version), KeyScheme.prefix(prefix)}) {
      String raw = scheme.rawKey(key);
      if (!key.equals(scheme.logicalKey(raw))) {
        throw new AssertionError(scheme + " does not strip back '" + key + "' from '" + raw + "'");
      }
      for (MemcachedKeyPolicy policy : MemcachedKeyPolicy.values()) {
        try {
          String wire = policy.wireKey(raw);
          if (!CacheKeys.isValidMemcachedKey(wire)) {
            throw new AssertionError(policy + " made the invalid memcached key '" + wire + "'");
          }
        } catch (NamespaceException e) {
          if (CacheKeys.isValidMemcachedKey(raw)) {
            throw new AssertionError(policy + " refused the valid key '" + raw + "'", e);
          }
        }
      }
    }
    Namespace.django(prefix, version, PythonVersion.PY3_8).rawKey(key);
  }
}

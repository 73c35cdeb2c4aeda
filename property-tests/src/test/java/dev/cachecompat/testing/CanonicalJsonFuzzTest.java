package dev.cachecompat.testing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.json.JsonCanonicalException;
import java.util.Arrays;

/**
 * Jazzer target for the canonicalizer: on any bytes both styles throw nothing but JsonCanonicalException, and what
 * they write canonicalizes to itself.
 */
class CanonicalJsonFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void canonicalizer(byte[] data) {
    for (CanonicalJson json : new CanonicalJson[] {CanonicalJson.python(), CanonicalJson.rfc8785()}) {
      byte[] once;
      try {
        once = json.canonicalize(data);
      } catch (JsonCanonicalException e) {
        continue;
      }
      byte[] twice = json.canonicalize(once);
      if (!Arrays.equals(once, twice)) {
        throw new AssertionError(json + " is not idempotent on " + Hex.of(data));
      }
    }
  }
}

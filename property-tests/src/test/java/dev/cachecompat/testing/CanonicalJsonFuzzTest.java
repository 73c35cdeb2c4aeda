package dev.cachecompat.testing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.json.JsonCanonicalException;
import java.util.Arrays;

/**
 * Jazzer target for the canonicalizer: on any bytes both styles throw nothing but JsonCanonicalException, what
 * they write canonicalizes to itself, and it is what they write of the same bytes read into a Jackson tree
 * ({@code writeBytes(parse(data))}: the reader's other mode, whose strings are all {@code String}s).
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
      byte[] viaTree = json.writeBytes(json.parse(data));
      if (!Arrays.equals(once, viaTree)) {
        throw new AssertionError(json + " writes " + Hex.of(once) + " of " + Hex.of(data) + " but " + Hex.of(viaTree)
            + " of its Jackson tree");
      }
    }
  }
}

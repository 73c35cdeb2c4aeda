package dev.cachecompat.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Properties over seeded random documents (see {@link RandomJson}), for every option combination. */
class CanonicalJsonProperties {
  private static CanonicalJson python(boolean ensureAscii, boolean compact) {
    return CanonicalJson.builder().ensureAscii(ensureAscii).compact(compact).build();
  }

  @Property(tries = 300)
  void canonicalizeIsIdempotent(@ForAll long seed, @ForAll boolean compact) {
    RandomJson gen = new RandomJson(seed, true, true);
    byte[] noisy = gen.noisy(gen.value(0));
    CanonicalJson cj = python(true, compact);
    byte[] once = cj.canonicalize(noisy);
    assertArrayEquals(once, cj.canonicalize(once));
  }

  @Property(tries = 300)
  void canonicalFormReadsBackAsTheSameValue(@ForAll long seed, @ForAll boolean ensureAscii) {
    RandomJson gen = new RandomJson(seed, ensureAscii, true);
    byte[] noisy = gen.noisy(gen.value(0));
    CanonicalJson cj = python(ensureAscii, false);
    JsonNode before = cj.parse(noisy);
    JsonNode after = cj.parse(cj.canonicalize(noisy));
    assertEquals(before, after);
  }

  @Property(tries = 300)
  void writingTheValueEqualsCanonicalizingItsText(@ForAll long seed, @ForAll boolean ensureAscii,
      @ForAll boolean compact) {
    RandomJson gen = new RandomJson(seed, ensureAscii, true);
    Object value = gen.value(0);
    CanonicalJson cj = python(ensureAscii, compact);
    assertArrayEquals(cj.canonicalize(gen.noisy(value)), cj.writeBytes(value));
    assertEquals(new String(cj.writeBytes(value), java.nio.charset.StandardCharsets.UTF_8), cj.writeString(value));
  }

  @Property(tries = 300)
  void checkAgreesWithCanonicalize(@ForAll long seed, @ForAll boolean rfc) {
    RandomJson gen = new RandomJson(seed, !rfc, !rfc);
    byte[] noisy = gen.noisy(gen.value(0));
    CanonicalJson cj = rfc ? CanonicalJson.rfc8785() : CanonicalJson.python();
    byte[] canonical;
    try {
      canonical = cj.canonicalize(noisy);
    } catch (JsonCanonicalException e) {
      assertTrue(rfc, "Python style accepts every generated document: " + e.getMessage());
      // RFC 8785 refuses the noisy duplicate keys and integers beyond the double range
      assertTrue(e.code().equals("duplicate-key") || e.code().equals("non-finite-number"), e.getMessage());
      return;
    }
    CheckResult r = cj.check(noisy);
    assertEquals(Arrays.equals(noisy, canonical), r.canonical());
    assertEquals(r.canonical(), r.findings().isEmpty());
    CheckResult again = cj.check(canonical);
    assertTrue(again.canonical(), () -> again.findings().toString());
  }

  @Property(tries = 300)
  void rfcOutputIsIdempotentAndReadsBackAsPythonsNumbers(@ForAll long seed) {
    RandomJson gen = new RandomJson(seed, false, false);
    Object value = gen.value(0);
    CanonicalJson rfc = CanonicalJson.rfc8785();
    byte[] once;
    try {
      once = rfc.writeBytes(value);
    } catch (JsonCanonicalException e) {
      assertEquals("non-finite-number", e.code(), "only integers beyond the double range: " + e.getMessage());
      return;
    }
    assertArrayEquals(once, rfc.canonicalize(once));
    byte[] python = python(false, true).writeBytes(value);
    assertArrayEquals(once, rfc.canonicalize(python));
  }
}

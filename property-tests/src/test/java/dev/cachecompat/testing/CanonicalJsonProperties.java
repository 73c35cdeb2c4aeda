package dev.cachecompat.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.json.CheckResult;
import dev.cachecompat.json.JsonCanonicalException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Canonicalization is idempotent, and check() calls exactly the canonical form canonical. */
class CanonicalJsonProperties {
  @Provide
  Arbitrary<String> pythonDocuments() {
    return JsonDocuments.pythonDocuments();
  }

  @Provide
  Arbitrary<String> rfcDocuments() {
    return JsonDocuments.rfc8785Documents();
  }

  @Property(tries = 500)
  void pythonStyleIsIdempotent(@ForAll("pythonDocuments") String doc) {
    idempotent(CanonicalJson.python(), doc);
    CanonicalJson raw = CanonicalJson.python().toBuilder().compact(true).ensureAscii(false).build();
    try {
      idempotent(raw, doc);
    } catch (JsonCanonicalException e) {
      // Documented: raw UTF-8 output cannot hold a lone surrogate, which Python documents may have.
      assertTrue(e.getMessage().contains("lone surrogate"), e::getMessage);
    }
  }

  @Property(tries = 500)
  void rfc8785IsIdempotent(@ForAll("rfcDocuments") String doc) {
    idempotent(CanonicalJson.rfc8785(), doc);
  }

  private static void idempotent(CanonicalJson json, String doc) {
    byte[] once = json.canonicalize(doc.getBytes(StandardCharsets.UTF_8));
    byte[] twice = json.canonicalize(once);
    assertArrayEquals(once, twice, () -> json + " on " + doc + ": " + new String(once, StandardCharsets.UTF_8)
        + " then " + new String(twice, StandardCharsets.UTF_8));
    CheckResult check = json.check(once);
    assertTrue(check.canonical(), () -> json + " calls its own output non-canonical: " + check);
    byte[] written = json.writeBytes(json.parse(once));
    assertArrayEquals(once, written, () -> json + " writeBytes(parse(c)) differs from c for " + doc);
  }
}

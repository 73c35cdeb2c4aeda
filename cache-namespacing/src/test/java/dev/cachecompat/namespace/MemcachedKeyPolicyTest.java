package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MemcachedKeyPolicyTest {
  @Test
  void validKeysPassUnchangedUnderBothPolicies() {
    String k = "shop:2:caf\u00e9:\uD83D\uDE00";
    assertEquals(k, MemcachedKeyPolicy.REJECT.wireKey(k));
    assertEquals(k, MemcachedKeyPolicy.HASH.wireKey(k));
    String exactly250 = "a".repeat(248) + "\u00e9";
    assertEquals(250, exactly250.getBytes(StandardCharsets.UTF_8).length);
    assertEquals(exactly250, MemcachedKeyPolicy.REJECT.wireKey(exactly250));
  }

  @Test
  void rejectsKeyOverTwoHundredFiftyBytesCountingUtf8() {
    String k = "a".repeat(249) + "\u00e9"; // 249 characters under Django's count, 251 bytes on the wire
    NamespaceException e = assertThrows(NamespaceException.class, () -> MemcachedKeyPolicy.REJECT.wireKey(k));
    assertEquals("key-too-long", e.code());
    assertTrue(e.getMessage().startsWith("memcached key is 251 bytes of UTF-8, over the 250-byte limit: 'aaa"),
        e.getMessage());
  }

  @Test
  void rejectsWhitespaceAndControlCharacters() {
    NamespaceException e = assertThrows(NamespaceException.class,
        () -> MemcachedKeyPolicy.REJECT.wireKey("shop:2:a b"));
    assertEquals("key-invalid-character", e.code());
    assertEquals("memcached key has character U+0020 at index 8 (no whitespace or control characters allowed):"
        + " 'shop:2:a b'", e.getMessage());
    assertFalse(MemcachedKeyPolicy.isValid("a\u007fb"));
    assertFalse(MemcachedKeyPolicy.isValid("a\nb"));
    assertTrue(MemcachedKeyPolicy.isValid("a!~b"));
  }

  @Test
  void rejectsUnpairedSurrogateEvenWhenHashing() {
    NamespaceException e = assertThrows(NamespaceException.class,
        () -> MemcachedKeyPolicy.HASH.wireKey("k\uD800"));
    assertEquals("key-unpaired-surrogate", e.code());
  }

  @Test
  void hashKeepsReadableHeadAndFitsTheLimit() {
    String raw = "shop:2:" + "\u00e9".repeat(300);
    String wire = MemcachedKeyPolicy.HASH.wireKey(raw);
    byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
    assertTrue(bytes.length <= 250, "length " + bytes.length);
    assertTrue(wire.startsWith("shop:2:\u00e9\u00e9"));
    assertTrue(MemcachedKeyPolicy.isValid(wire));
    assertTrue(wire.matches(".*#[0-9a-f]{64}"));
    // a 2-byte character never straddles the head limit
    assertEquals(7 + 89 * 2, wire.substring(0, wire.indexOf('#')).getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void hashStopsHeadAtFirstInvalidCharacterAndDistinguishesKeys() {
    String a = MemcachedKeyPolicy.HASH.wireKey("shop:2:a b");
    String b = MemcachedKeyPolicy.HASH.wireKey("shop:2:a  b");
    assertTrue(a.startsWith("shop:2:a#"), a);
    assertNotEquals(a, b);
    assertEquals(9 + 64, a.length());
  }
}

package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cachecompat.core.PythonVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamespacedCodecTest {
  static final Namespace PY38 = Namespace.django("shop", 3, PythonVersion.PY3_8);

  @Test
  void refusesPrefixesWithBraces() {
    Namespace bad = Namespace.builder(KeyScheme.prefix("{shop}:"), PythonVersion.PY3_8).name("b").build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NamespacedCodec.of(bad, ValueOptions.defaults()));
    assertEquals("namespace b: raw-key prefix '{shop}:' has a brace, which would change the Redis Cluster hash"
        + " slot of keys with a {hash tag}", e.getMessage());
  }

  @Test
  void decodesOnlyKeysOfItsNamespace() {
    NamespacedCodec codec = NamespacedCodec.of(PY38, ValueOptions.defaults());
    assertEquals("a:b", codec.decodeKey(ByteBuffer.wrap("shop:3:a:b".getBytes(StandardCharsets.UTF_8))));
    assertNull(codec.decodeKey(ByteBuffer.wrap("shop:2:a:b".getBytes(StandardCharsets.UTF_8))));
    assertFalse(codec.isEstimateExact());
  }

  @Test
  void escapesGlobCharactersOfThePrefixOnly() {
    Namespace odd = Namespace.builder(KeyScheme.prefix("a*b?[c]\\:"), PythonVersion.PY3_8).name("odd").build();
    NamespacedCodec codec = NamespacedCodec.of(odd, ValueOptions.defaults());
    assertEquals("a\\*b\\?\\[c\\]\\\\:user:*", new String(codec.matchPattern("user:*"), StandardCharsets.UTF_8));
  }

  @Test
  void unpairedSurrogateKeyIsRefusedNotReplaced() {
    NamespacedCodec codec = NamespacedCodec.of(PY38, ValueOptions.defaults());
    NamespaceException e = assertThrows(NamespaceException.class, () -> codec.encodeKey("x\uDC00"));
    assertEquals("key-unpaired-surrogate", e.code());
  }

  /** A custom scheme whose raw key is not the prefix followed by the key: {@code v2|key|shop}. */
  static final class SuffixScheme implements KeyScheme {
    @Override
    public String rawKey(String key) {
      return "v2|" + key + "|shop";
    }

    @Override
    public String logicalKey(String rawKey) {
      return rawKey.startsWith("v2|") && rawKey.endsWith("|shop") && rawKey.length() >= 8
          ? rawKey.substring(3, rawKey.length() - 5) : null;
    }

    @Override
    public String rawPrefix() {
      return "v2|";
    }
  }

  @Test
  void customSchemeDecidesTheRawKeyOnEveryKeyPath() {
    Namespace ns = Namespace.builder(new SuffixScheme(), PythonVersion.PY3_8).name("custom").build();
    NamespacedCodec codec = NamespacedCodec.of(ns, ValueOptions.defaults());
    for (String key : List.of("k", "caf\u00e9", "{user:42}:feed")) {
      String want = "v2|" + key + "|shop";
      assertEquals(want, StandardCharsets.UTF_8.decode(codec.encodeKey(key)).toString());
      io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
      codec.encodeKey(key, buf);
      assertEquals(want, buf.toString(StandardCharsets.UTF_8));
      buf.release();
      assertEquals(want.getBytes(StandardCharsets.UTF_8).length, codec.estimateSize(key));
      assertEquals(key, codec.decodeKey(ByteBuffer.wrap(want.getBytes(StandardCharsets.UTF_8))));
    }
    assertNull(codec.decodeKey(ByteBuffer.wrap("v2|k|other".getBytes(StandardCharsets.UTF_8))));
  }
}

package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cachecompat.core.PythonVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
}

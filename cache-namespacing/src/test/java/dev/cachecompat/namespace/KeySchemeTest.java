package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cachecompat.core.PythonVersion;
import org.junit.jupiter.api.Test;

class KeySchemeTest {
  @Test
  void djangoSchemeIsPrefixVersionKey() {
    KeyScheme s = KeyScheme.django("shop", 2);
    assertEquals("shop:2:cart:7", s.rawKey("cart:7"));
    assertEquals("shop:2:", s.rawPrefix());
    assertEquals(":1:k", KeyScheme.django("", 1).rawKey("k"));
  }

  @Test
  void djangoSchemeParsesItsOwnRawKeysBack() {
    KeyScheme s = KeyScheme.django("shop", 2);
    assertEquals("cart:7", s.logicalKey("shop:2:cart:7"));
    assertEquals("", s.logicalKey("shop:2:"));
    assertNull(s.logicalKey("shop:3:cart:7"));
    assertNull(s.logicalKey("shop:22:cart"));
    assertNull(s.logicalKey("other"));
  }

  @Test
  void prefixSchemeConcatenates() {
    KeyScheme s = KeyScheme.prefix("v3/");
    assertEquals("v3/{user:42}:feed", s.rawKey("{user:42}:feed"));
    assertEquals("{user:42}:feed", s.logicalKey("v3/{user:42}:feed"));
    assertNull(s.logicalKey("v2/x"));
  }

  @Test
  void namespaceNameAndProtocolFollowSchemeAndReaders() {
    Namespace ns = Namespace.django("shop", 2, PythonVersion.PY2_7);
    assertEquals("shop:2", ns.name());
    assertEquals(2, ns.pickleProtocol());
    assertEquals(5, Namespace.django("shop", 3, PythonVersion.PY3_8).pickleProtocol());
    assertEquals(4, Namespace.django("shop", 3, PythonVersion.PY3_4).pickleProtocol());
    assertEquals(3, Namespace.django("shop", 3, PythonVersion.PY3_0).pickleProtocol());
  }

  @Test
  void groupRefusesNamespacesThatShareRawKeys() {
    Namespace a = Namespace.django("shop", 2, PythonVersion.PY2_7);
    Namespace b = Namespace.builder(KeyScheme.prefix("shop:2:"), PythonVersion.PY3_8).name("other").build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NamespaceGroup.of(MigrationMode.OWN, a, b));
    assertEquals("namespaces 'other' and another make the same raw key 'shop:2:k'", e.getMessage());
  }
}

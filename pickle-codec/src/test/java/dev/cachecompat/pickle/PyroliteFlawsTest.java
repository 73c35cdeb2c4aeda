package dev.cachecompat.pickle;

import static dev.cachecompat.pickle.PickleDecoderTest.bytes;
import static dev.cachecompat.pickle.PickleDecoderTest.golden;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import net.razorvine.pickle.Unpickler;
import org.junit.jupiter.api.Test;

/**
 * What plain Pyrolite 1.5 does with the same CPython pickles, measured, beside what the decoder does. If a
 * Pyrolite upgrade changes one of these, the test says which workaround may have become unnecessary.
 */
class PyroliteFlawsTest {
  private static Object pyrolite(byte[] pickle) throws IOException {
    return new Unpickler().loads(pickle);
  }

  private static Object ours(byte[] pickle) {
    return PickleDecoder.defaults().decode(pickle);
  }

  @Test
  void pyroliteMakesPython2StrLatin1TextWeKeepBytes() throws IOException {
    byte[] p = golden("2.7", "py2-str-binary-p2");
    assertEquals("\u0000\u00ff\u0080abc\n\\'\"", pyrolite(p));
    assertArrayEquals(bytes(0, 0xff, 0x80, 'a', 'b', 'c', '\n', '\\', '\'', '"'), (byte[]) ours(p));
  }

  @Test
  void pyroliteReplacesMalformedUtf8AndLoneSurrogatesWithUfffdWeRejectOrKeep() throws IOException {
    byte[] bad = bytes(0x80, 2, 'X', 2, 0, 0, 0, 0xc3, '(', '.');
    assertEquals("\ufffd(", pyrolite(bad));
    assertEquals("bad-utf8", assertThrows(PickleException.class, () -> ours(bad)).code());
    byte[] surrogate = golden("3.13", "text-lone-surrogate-p2");
    assertEquals("a\ufffdb", pyrolite(surrogate));
    assertEquals("a\ud800b", ours(surrogate));
  }

  @Test
  void pyroliteCannotConstructPython2FrozensetWeCan() {
    byte[] p = golden("2.7", "frozenset-p2");
    assertThrows(net.razorvine.pickle.PickleException.class, () -> pyrolite(p));
    assertEquals(PyFrozenSet.copyOf(List.of("a")), ours(p));
  }

  @Test
  void pyroliteGivesIntegerArraysHashSetsAndClassDictsWeGivePythonShapedTypes() throws IOException {
    assertInstanceOf(Integer.class, pyrolite(golden("3.13", "int-one-p2")));
    assertInstanceOf(Long.class, ours(golden("3.13", "int-one-p2")));
    assertInstanceOf(Object[].class, ((List<?>) pyrolite(golden("3.13", "tuple-sizes-p2"))).get(0));
    assertInstanceOf(PyTuple.class, ((List<?>) ours(golden("3.13", "tuple-sizes-p2"))).get(0));
    assertInstanceOf(java.util.HashSet.class, pyrolite(golden("3.13", "set-p4")));
    assertInstanceOf(LinkedHashSet.class, ours(golden("3.13", "set-p4")));
    assertInstanceOf(net.razorvine.pickle.objects.ClassDict.class, pyrolite(golden("3.13", "ordereddict-p2")));
    assertInstanceOf(LinkedHashMap.class, ours(golden("3.13", "ordereddict-p2")));
    assertInstanceOf(byte[].class, pyrolite(golden("3.13", "bytearray-p5")));
    assertInstanceOf(PyByteArray.class, ours(golden("3.13", "bytearray-p5")));
    assertInstanceOf(java.util.Calendar.class, pyrolite(golden("2.7", "datetime-p2")));
    assertInstanceOf(java.time.LocalDateTime.class, ours(golden("2.7", "datetime-p2")));
    assertInstanceOf(net.razorvine.pickle.objects.ClassDict.class, pyrolite(golden("3.13", "uuid-p2")));
    assertInstanceOf(java.util.UUID.class, ours(golden("3.13", "uuid-p2")));
  }
}

package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cachecompat.core.Verdict;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PickleJsonViewTest {
  private static String view(Object v) {
    return PickleJsonView.toJson(v).toString();
  }

  @Test
  void scalarsKeepTheirKind() {
    com.fasterxml.jackson.databind.JsonNode n =
        PickleJsonView.toJson(Arrays.asList(null, true, 1L, 1.0, -0.0, BigInteger.TWO.pow(64), "a\ud800"));
    assertEquals("[null,true,1,1.0,-0.0,18446744073709551616,\"a?\"]", n.toString().replace('\ud800', '?'));
    assertEquals(true, n.get(2).isIntegralNumber());
    assertEquals(true, n.get(5).isBigInteger());
    assertEquals("a\ud800", n.get(6).textValue());
    assertEquals("[{\"$float\":\"nan\"},{\"$float\":\"inf\"},{\"$float\":\"-inf\"}]",
        view(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)));
  }

  @Test
  void dictsWithOnlyPlainStringKeysAreObjectsInOrder() {
    Map<Object, Object> plain = new LinkedHashMap<>();
    plain.put("z", 1L);
    plain.put("a", 2L);
    assertEquals("{\"z\":1,\"a\":2}", view(plain));
    Map<Object, Object> dollar = new LinkedHashMap<>();
    dollar.put("$bytes", "not a tag");
    assertEquals("{\"$dict\":[[\"$bytes\",\"not a tag\"]]}", view(dollar));
    Map<Object, Object> mixed = new LinkedHashMap<>();
    mixed.put(new byte[] {1}, PyTuple.of(1L));
    assertEquals("{\"$dict\":[[{\"$bytes\":\"AQ==\"},{\"$tuple\":[1]}]]}", view(mixed));
  }

  @Test
  void pythonTypesAreTagged() {
    assertEquals("{\"$set\":[1]}", view(new LinkedHashSet<>(List.of(1L))));
    assertEquals("{\"$frozenset\":[]}", view(PyFrozenSet.copyOf(List.of())));
    assertEquals("{\"$bytearray\":\"AP8=\"}", view(PyByteArray.copyOf(new byte[] {0, -1})));
    assertEquals("{\"$complex\":[1.5,{\"$float\":\"nan\"}]}", view(new PyComplex(1.5, Double.NaN)));
    assertEquals("{\"$decimal\":\"1E+3\"}", view(new BigDecimal("1E+3")));
    assertEquals("{\"$decimal\":\"-0E-7\"}", view(new PyDecimal("-0E-7")));
    assertEquals("{\"$datetime\":\"0001-01-01T00:00:00\"}", view(LocalDateTime.of(1, 1, 1, 0, 0)));
    assertEquals("{\"$time\":\"05:06:07.000001\"}", view(LocalTime.of(5, 6, 7, 1_000)));
    assertEquals("{\"$timedelta\":[-1,86399,999999]}", view(Duration.ofNanos(-1_000)));
    assertEquals("{\"$object\":\"m.C\",\"args\":[1],\"state\":{\"a\":null}}",
        view(new PyObject("m.C", List.of(1L), java.util.Collections.singletonMap("a", null))));
  }

  @Test
  void cyclesRenderAsBackReferences() {
    List<Object> outer = new ArrayList<>();
    List<Object> inner = new ArrayList<>();
    outer.add(inner);
    inner.add(outer);
    inner.add(inner);
    assertEquals("[[{\"$cycle\":2},{\"$cycle\":1}]]", view(outer));
  }

  @Test
  void deepNestingUsesNoJavaStack() {
    List<Object> root = new ArrayList<>();
    List<Object> cur = root;
    for (int i = 0; i < 200_000; i++) {
      List<Object> next = new ArrayList<>();
      cur.add(next);
      cur = next;
    }
    com.fasterxml.jackson.databind.JsonNode n = PickleJsonView.toJson(root);
    int depth = 0;
    while (n.size() == 1) {
      n = n.get(0);
      depth++;
    }
    assertEquals(200_000, depth);
  }

  @Test
  void sharedReferencesAreExpandedUnderABudget() {
    List<Object> v = List.of(1L, 2L);
    for (int i = 0; i < 40; i++) {
      v = List.of(v, v); // 2^40 leaves when expanded
    }
    List<Object> bomb = v;
    PickleException e = assertThrows(PickleException.class, () -> PickleJsonView.toJson(bomb, 1000));
    assertEquals(Verdict.OVER_LIMIT, e.verdict());
    assertEquals("view-too-large", e.code());
    assertEquals("the JSON view would hold more than 1000 values (shared references are expanded)", e.getMessage());
  }

  @Test
  void foreignJavaTypesAreACallerError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> view(new Object()));
    assertEquals("no pickle JSON view for Java type java.lang.Object", e.getMessage());
  }
}

package dev.cachecompat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleEncoder;
import dev.cachecompat.pickle.PickleInspector;
import dev.cachecompat.pickle.PickleReport;
import dev.cachecompat.core.Verdict;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** decode(encode(v)) is v at every protocol, and the inspector's minimum Python is within what was asked for. */
class PickleRoundTripProperties {
  private static final PickleDecoder DECODER = PickleDecoder.defaults();
  private static final PickleInspector INSPECTOR = PickleInspector.defaults();

  @Provide
  Arbitrary<Object> values() {
    return PythonValues.values();
  }

  @Provide
  Arbitrary<Object> shared() {
    return PythonValues.withSharedReferences();
  }

  @Provide
  Arbitrary<PythonVersion> readers() {
    return Arbitraries.of(PythonVersion.PY2_7, PythonVersion.PY3_0, PythonVersion.parse("3.3"), PythonVersion.PY3_4,
        PythonVersion.parse("3.6"), PythonVersion.parse("3.7"), PythonVersion.PY3_8, PythonVersion.parse("3.13"));
  }

  @Property(tries = 600)
  void decodeOfEncodeIsTheValueAtEveryProtocol(@ForAll("values") Object v, @ForAll @IntRange(min = 0, max = 5) int p) {
    PickleEncoder encoder = PickleEncoder.protocol(p);
    byte[] pickle = encoder.encode(v);
    PickleDecoder.Decoded decoded = DECODER.decodeDetailed(pickle);
    assertTrue(PythonValues.equivalent(v, decoded.value()),
        () -> "protocol " + p + ": " + PythonValues.describe(v) + " decoded as "
            + PythonValues.describe(decoded.value()));
    PickleReport report = decoded.report();
    assertEquals(Verdict.VALID, report.verdict(), report::toString);
    assertTrue(report.minPython().compareTo(encoder.oldestReader()) <= 0,
        () -> "protocol " + p + " pickle needs " + report.minPython() + ", encoder promised "
            + encoder.oldestReader() + ": " + report);
  }

  @Property(tries = 400)
  void picklesForReadersLoadInTheOldestReader(@ForAll("values") Object v, @ForAll("readers") PythonVersion oldest) {
    byte[] pickle = PickleEncoder.forReaders(oldest).encode(v);
    PickleReport report = INSPECTOR.inspect(pickle);
    assertEquals(Verdict.VALID, report.verdict(), report::toString);
    assertTrue(report.minPython().compareTo(oldest) <= 0,
        () -> "pickle for readers from " + oldest + " needs " + report.minPython() + ": " + report);
    assertTrue(PythonValues.equivalent(v, DECODER.decode(pickle)), () -> PythonValues.describe(v));
  }

  @Property(tries = 300)
  void sharedReferencesStayShared(@ForAll("shared") Object v, @ForAll @IntRange(min = 0, max = 5) int p) {
    Object decoded = DECODER.decode(PickleEncoder.protocol(p).encode(v));
    assertTrue(PythonValues.equivalent(v, decoded),
        () -> "protocol " + p + ": " + PythonValues.describe(v) + " decoded as " + PythonValues.describe(decoded));
  }

  @Property(tries = 300)
  void encodingIsDeterministic(@ForAll("values") Object v, @ForAll @IntRange(min = 0, max = 5) int p) {
    PickleEncoder encoder = PickleEncoder.protocol(p);
    assertEquals(java.util.Arrays.toString(encoder.encode(v)), java.util.Arrays.toString(encoder.encode(v)));
  }

  @Property(tries = 300)
  void selfReferentialListsAndDictsRoundTrip(@ForAll("values") Object v, @ForAll @IntRange(min = 0, max = 5) int p) {
    java.util.List<Object> list = new java.util.ArrayList<>(java.util.Arrays.asList(v, null));
    java.util.Map<Object, Object> dict = new java.util.LinkedHashMap<>();
    dict.put("self", dict);
    dict.put("list", list);
    list.add(list);
    list.add(dict);
    Object decoded = DECODER.decode(PickleEncoder.protocol(p).encode(list));
    assertTrue(PythonValues.equivalent(list, decoded), () -> "protocol " + p + ": " + PythonValues.describe(decoded));
  }

  @Property(tries = 300)
  void dictsAndSetsKeepTheirOrder(@ForAll("values") Object v, @ForAll @IntRange(min = 0, max = 5) int p) {
    Object decoded = DECODER.decode(PickleEncoder.protocol(p).encode(v));
    assertEquals(keyOrder(v), keyOrder(decoded));
  }

  private static String keyOrder(Object v) {
    StringBuilder sb = new StringBuilder();
    if (v instanceof java.util.Map) {
      sb.append('{');
      for (java.util.Map.Entry<?, ?> e : ((java.util.Map<?, ?>) v).entrySet()) {
        sb.append(PythonValues.describe(e.getKey())).append(':').append(keyOrder(e.getValue())).append(',');
      }
      sb.append('}');
    } else if (v instanceof java.util.Collection) {
      sb.append('[');
      for (Object o : (java.util.Collection<?>) v) {
        sb.append(keyOrder(o)).append(',');
      }
      sb.append(']');
    } else if (v instanceof dev.cachecompat.pickle.PyTuple) {
      sb.append(keyOrder(((dev.cachecompat.pickle.PyTuple) v).items()));
    } else if (v instanceof dev.cachecompat.pickle.PyFrozenSet) {
      sb.append(keyOrder(((dev.cachecompat.pickle.PyFrozenSet) v).items()));
    }
    return sb.toString();
  }
}

package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleEncoder;
import dev.cachecompat.pickle.PickleException;
import dev.cachecompat.pickle.PyTuple;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random values pickled by {@link PickleEncoder} at protocols 2-5, with and without the memo, and with shared
 * references: when the fused pass handles the pickle its bytes are the classic path's; when the value holds only
 * what the pass supports, it handles it.
 */
class PickleViewPassProperties {
  private final PickleDecoder decoder = PickleDecoder.defaults();
  private final PickleViewWriter writer = new PickleViewWriter();

  @Property(tries = 500)
  void handledPicklesAreWrittenAsTheClassicPathWritesThem(@ForAll("anything") Object value,
      @ForAll @IntRange(min = 2, max = 5) int protocol, @ForAll boolean memoize, @ForAll boolean fixImports) {
    byte[] pickle;
    try {
      pickle = PickleEncoder.builder().protocol(protocol).memoize(memoize).fixImports(fixImports).build()
          .encode(value);
    } catch (PickleException noPython2Form) { // e.g. a datetime.timezone for Python 2.7 readers
      Assume.that(false);
      return;
    }
    PickleViewPassTest.assertAgrees(decoder, writer, pickle, "protocol " + protocol);
  }

  @Property(tries = 500)
  void picklesOfSupportedValuesAreHandled(@ForAll("supported") Object value,
      @ForAll @IntRange(min = 2, max = 5) int protocol, @ForAll boolean memoize) {
    byte[] pickle = PickleEncoder.builder().protocol(protocol).memoize(memoize).build().encode(value);
    assertTrue(PickleViewPassTest.assertAgrees(decoder, writer, pickle, "protocol " + protocol),
        "not handled at protocol " + protocol + ": " + value);
  }

  @Provide
  Arbitrary<Object> supported() {
    return Arbitraries.recursive(() -> scalars(false), inner -> containers(inner, false), 0, 5);
  }

  @Provide
  Arbitrary<Object> anything() {
    return Arbitraries.recursive(() -> scalars(true), inner -> containers(inner, true), 0, 6);
  }

  private static Arbitrary<String> text(boolean any) {
    if (any) {
      return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(10),
          Arbitraries.of("", "$", "$tuple", "\ud83d\ude00", "\ud800", "\ufffd", "a\u0000b", "\u007f", "\u00ff"));
    }
    // no surrogates (lone or paired are both fine for the pass, but U+FFFD is left to the classic path)
    return Arbitraries.oneOf(Arbitraries.strings().ascii().ofMaxLength(12),
        Arbitraries.strings().withCharRange('\u0080', '\ud7ff').withChars('a', '"', '\\', '\n').ofMaxLength(6),
        Arbitraries.of("", "\u007f", "\u00ff", "\ud83d\ude00", "tab\tcr\r"));
  }

  private static Arbitrary<String> keys(boolean any) {
    return any ? text(true) : text(false).filter(k -> !k.startsWith("$") && k.indexOf('\ufffd') < 0);
  }

  private static Arbitrary<Object> scalars(boolean any) {
    List<Arbitrary<?>> s = new ArrayList<>(List.of(
        Arbitraries.just(null),
        Arbitraries.of(true, false),
        Arbitraries.longs(),
        Arbitraries.longs().between(-300, 70_000),
        Arbitraries.longs().map(Double::longBitsToDouble),
        Arbitraries.doubles().withSpecialValue(Double.NaN).withSpecialValue(-0.0).withSpecialValue(1e16),
        text(any),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
        Arbitraries.longs().between(0, 315_000_000_000L)
            .map(s2 -> LocalDateTime.of(1, 1, 1, 0, 0).plusSeconds(s2).plusNanos(s2 % 3 * 7_000L))));
    if (any) {
      s.add(Arbitraries.bigIntegers().between(BigInteger.TWO.pow(70).negate(), BigInteger.TWO.pow(70)));
      s.add(Arbitraries.longs().between(0, 1_000_000L)
          .map(x -> LocalDateTime.of(2020, 1, 1, 0, 0).plusSeconds(x).atOffset(ZoneOffset.ofHours(2))));
      s.add(Arbitraries.longs().between(-5, 5).set().ofMaxSize(3).map(LinkedHashSet::new));
    }
    return Arbitraries.oneOf(s.stream().map(a -> a.map(v -> (Object) v)).toList());
  }

  private static Arbitrary<Object> containers(Arbitrary<Object> inner, boolean any) {
    Arbitrary<List<Object>> items = inner.list().ofMaxSize(5);
    Arbitrary<Object> lists = items.map(l -> (Object) new ArrayList<>(l));
    Arbitrary<Object> tuples = items.map(l -> (Object) PyTuple.copyOf(l));
    Arbitrary<Object> dicts = Combinators.combine(keys(any).list().ofMaxSize(20), items).as((ks, vs) -> {
      Map<Object, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < ks.size(); i++) {
        m.put(ks.get(i), vs.isEmpty() ? (Object) (long) i : vs.get(i % vs.size()));
      }
      return (Object) m;
    });
    // shared references: the same object twice, pickled once and fetched from the memo (with memoize on)
    Arbitrary<Object> shared = inner.map(v -> {
      Map<Object, Object> m = new LinkedHashMap<>();
      m.put("a", v);
      m.put("b", new ArrayList<>(Arrays.asList(v, PyTuple.copyOf(Arrays.asList(v)))));
      return (Object) m;
    });
    return Arbitraries.oneOf(lists, tuples, dicts, shared);
  }
}

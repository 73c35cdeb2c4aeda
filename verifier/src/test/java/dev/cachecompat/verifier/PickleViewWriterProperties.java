package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cachecompat.core.Limits;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.pickle.PyByteArray;
import dev.cachecompat.pickle.PyComplex;
import dev.cachecompat.pickle.PyFrozenSet;
import dev.cachecompat.pickle.PyObject;
import dev.cachecompat.pickle.PyTuple;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random decoded values (unicode with lone surrogates, every double bit pattern, big integers, nested containers,
 * cycles, dicts that need pairs) give the same bytes or the same error as the view tree rendered canonically,
 * with the scan's limits and with tight ones that make the node budget, the depth limit and the output cap trip.
 */
class PickleViewWriterProperties {
  private final PickleViewWriter reused = new PickleViewWriter();

  /** Where a generated value refers back to its n-th mutable container up: made a cycle by {@link #cyclic}. */
  record Up(int n) {}

  @Property(tries = 400)
  void writesWhatTheViewTreeRenders(@ForAll("values") Object value) {
    PickleViewWriterTest.assertSame(reused, cyclic(value, new ArrayList<>()), "value");
  }

  @Property(tries = 400)
  void failsAsTheViewTreeFailsUnderTightLimits(@ForAll("values") Object value,
      @ForAll @IntRange(min = 1, max = 80) int maxNodes, @ForAll @IntRange(min = 1, max = 10) int maxDepth,
      @ForAll @IntRange(min = 1, max = 120) int maxPayloadBytes) {
    CanonicalJson style = JsonLines.VALUES.toBuilder()
        .limits(Limits.builder().maxDepth(maxDepth).maxPayloadBytes(maxPayloadBytes).build()).build();
    PickleViewWriterTest.assertSame(style, maxNodes, cyclic(value, new ArrayList<>()),
        "limits " + maxNodes + "/" + maxDepth);
  }

  /**
   * A copy of {@code v} whose {@link Up}s are its mutable containers (lists and dicts, as in Python), so generated
   * values stay acyclic for jqwik, which hashes them.
   */
  static Object cyclic(Object v, List<Object> mutable) {
    if (v instanceof Up u) {
      return mutable.isEmpty() ? (Object) 0L : mutable.get(Math.max(0, mutable.size() - u.n()));
    }
    if (v instanceof List<?> l) {
      List<Object> copy = new ArrayList<>(l.size());
      mutable.add(copy);
      for (Object x : l) {
        copy.add(cyclic(x, mutable));
      }
      mutable.remove(mutable.size() - 1);
      return copy;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      mutable.add(copy);
      for (Map.Entry<?, ?> e : m.entrySet()) {
        copy.put(e.getKey(), cyclic(e.getValue(), mutable));
      }
      mutable.remove(mutable.size() - 1);
      return copy;
    }
    if (v instanceof PyTuple t) {
      List<Object> items = new ArrayList<>();
      for (Object x : t.items()) {
        items.add(cyclic(x, mutable));
      }
      return PyTuple.copyOf(items);
    }
    if (v instanceof PyObject o) {
      @SuppressWarnings("unchecked")
      List<Object> args = (List<Object>) cyclic(o.args(), mutable);
      return new PyObject(o.qualifiedName(), args, cyclic(o.state(), mutable));
    }
    return v;
  }

  @Provide
  Arbitrary<Object> values() {
    return Arbitraries.recursive(this::scalars, this::containers, 0, 6);
  }

  private Arbitrary<String> strings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(8),
        Arbitraries.strings().all().ofMaxLength(12),
        Arbitraries.strings().withCharRange('\ud7f0', '\ue010').withChars('a', '$', '"', '\\').ofMaxLength(6),
        Arbitraries.of("", "$", "$tuple", "\ud83d\ude00", "\ud800", "\udfff\ud800", "\uffff", "a\u0000b", "\u007f"));
  }

  private Arbitrary<Object> scalars() {
    return Arbitraries.oneOf(
        strings().map(s -> s),
        Arbitraries.longs().map(l -> l),
        Arbitraries.integers().map(i -> i),
        Arbitraries.bigIntegers().between(BigInteger.TWO.pow(70).negate(), BigInteger.TWO.pow(70)).map(b -> b),
        Arbitraries.longs().map(Double::longBitsToDouble),
        Arbitraries.doubles().withSpecialValue(Double.NaN).withSpecialValue(-0.0).withSpecialValue(5e-324)
            .withSpecialValue(1e16).withSpecialValue(1e-5).map(d -> d),
        Arbitraries.of(true, false).map(b -> b),
        Arbitraries.just(null),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(7).map(b -> b),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(4).map(PyByteArray::copyOf),
        Arbitraries.longs().map(Double::longBitsToDouble).tuple2().map(t -> new PyComplex(t.get1(), t.get2())),
        Arbitraries.longs().between(-86_400L * 1_000_000, 86_400L * 1_000_000).map(Duration::ofSeconds),
        Arbitraries.longs().between(0, 250_000_000_000L).map(s -> LocalDateTime.of(1, 1, 1, 0, 0).plusSeconds(s)));
  }

  private Arbitrary<Object> containers(Arbitrary<Object> inner) {
    Arbitrary<List<Object>> items = inner.list().ofMaxSize(5);
    Arbitrary<Object> lists = Combinators.combine(items, Arbitraries.integers().between(0, 9)).as((l, c) -> {
      List<Object> a = new ArrayList<>(l);
      if (c < 3) {
        a.add(new Up(1 + c)); // a cycle
      }
      return a;
    });
    Arbitrary<Object> tuples = items.map(PyTuple::copyOf);
    Arbitrary<Object> dicts = Combinators.combine(strings().list().ofMaxSize(30), items, Arbitraries.integers()
        .between(0, 9)).as((keys, vals, c) -> {
          Map<Object, Object> m = new LinkedHashMap<>();
          for (int i = 0; i < keys.size(); i++) {
            m.put(keys.get(i), vals.isEmpty() ? (long) i : vals.get(i % vals.size()));
          }
          if (c == 1) {
            m.put((long) keys.size(), new Up(1)); // a non-string key: pairs, and a cycle through them
          } else if (c == 2) {
            m.put("self", new Up(2));
          }
          return m;
        });
    Arbitrary<Object> sets = Arbitraries.oneOf(strings().map(s -> (Object) s), Arbitraries.longs().map(l -> l))
        .list().ofMaxSize(4).map(l -> new LinkedHashSet<>(l));
    Arbitrary<Object> frozen = Arbitraries.longs().list().ofMaxSize(4).map(PyFrozenSet::copyOf);
    Arbitrary<Object> objects = Combinators.combine(strings(), items, inner)
        .as((name, args, state) -> new PyObject("m." + name, args, state));
    return Arbitraries.oneOf(lists, tuples, dicts, sets, frozen, objects);
  }
}

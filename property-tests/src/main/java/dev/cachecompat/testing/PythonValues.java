package dev.cachecompat.testing;

import dev.cachecompat.pickle.PyByteArray;
import dev.cachecompat.pickle.PyComplex;
import dev.cachecompat.pickle.PyFrozenSet;
import dev.cachecompat.pickle.PyTuple;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * jqwik arbitraries for the values Python workers put in caches, as {@link dev.cachecompat.pickle.PickleDecoder}
 * maps them to Java: {@code null}, {@link Boolean}, {@link Long} (and {@link BigInteger} only outside the long
 * range), {@link Double}, {@link String} (astral text and lone surrogates included), {@code byte[]},
 * {@link PyByteArray}, {@link PyComplex}, {@link java.util.ArrayList}, {@link PyTuple},
 * {@link java.util.LinkedHashMap}, {@link java.util.LinkedHashSet} and {@link PyFrozenSet}, nested, with shared
 * references.
 *
 * <p>Every generated value can be written by {@link dev.cachecompat.pickle.PickleEncoder} at every protocol:
 * dict keys and set elements are hashable in Python and distinct as Python sees them (no {@code 1} beside
 * {@code True}). Values are fresh mutable objects on every draw; tests must not share them between threads.
 *
 * <p>Compare a decoded value with the generated one with {@link #equivalent(Object, Object)}: {@code equals}
 * fails on {@code byte[]}, and does not see whether shared references stayed shared.
 *
 * <p>All methods are static and thread-safe; each returns a new arbitrary.
 */
public final class PythonValues {
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private PythonValues() {}

  /**
   * Python ints as the decoder maps them: a {@link Long} inside the long range, a {@link BigInteger} outside
   * it. Biased towards the edges of every pickle int opcode (BININT1/2, BININT, LONG1 sign bytes, the long
   * range) and up to 400 bits.
   *
   * @return ints as {@code Long} or {@code BigInteger}
   */
  public static Arbitrary<Object> ints() {
    Arbitrary<BigInteger> edges = Arbitraries.of(
        0L, 1L, -1L, 127L, 128L, 255L, 256L, -128L, -129L, -256L, 65535L, 65536L, -32768L, -32769L,
        (long) Integer.MAX_VALUE, (long) Integer.MAX_VALUE + 1, (long) Integer.MIN_VALUE,
        (long) Integer.MIN_VALUE - 1, 4294967295L, 4294967296L, Long.MAX_VALUE, Long.MIN_VALUE)
        .map(BigInteger::valueOf);
    Arbitrary<BigInteger> beyondLong = Arbitraries.of(
        LONG_MAX.add(BigInteger.ONE), LONG_MIN.subtract(BigInteger.ONE), BigInteger.ONE.shiftLeft(64),
        BigInteger.ONE.shiftLeft(64).negate(), BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE),
        BigInteger.ONE.shiftLeft(255), BigInteger.ONE.shiftLeft(256).negate());
    Arbitrary<BigInteger> small = Arbitraries.longs().between(-1000, 1000).map(BigInteger::valueOf);
    Arbitrary<BigInteger> anyLong = Arbitraries.longs().map(BigInteger::valueOf);
    Arbitrary<BigInteger> big = Arbitraries.bigIntegers()
        .between(BigInteger.ONE.shiftLeft(400).negate(), BigInteger.ONE.shiftLeft(400));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, edges), net.jqwik.api.Tuple.of(1, beyondLong),
        net.jqwik.api.Tuple.of(3, small), net.jqwik.api.Tuple.of(3, anyLong), net.jqwik.api.Tuple.of(2, big))
        .map(PythonValues::asDecoded);
  }

  private static Object asDecoded(BigInteger i) {
    return i.bitLength() < 64 ? (Object) i.longValue() : i;
  }

  /**
   * Python floats as {@link Double}: NaN, both zeros, both infinities, subnormals, the largest and smallest
   * normals, decimal-looking values whose shortest repr is long, and arbitrary bit patterns.
   *
   * @return floats
   */
  public static Arbitrary<Double> floats() {
    Arbitrary<Double> edges = Arbitraries.of(
        Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
        -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL, 0.1, 0.2 + 0.1, 1.0, -1.5,
        1e16, 1e22, 1e23, 9007199254740993.0, 123456789012345680.0, 5e-324, 2.2250738585072009e-308, 1e-7,
        1e21, 100.0);
    Arbitrary<Double> bits = Arbitraries.longs().map(Double::longBitsToDouble);
    Arbitrary<Double> plain = Arbitraries.doubles().between(-1e6, 1e6).ofScale(3);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, edges), net.jqwik.api.Tuple.of(3, bits), net.jqwik.api.Tuple.of(2, plain));
  }

  /**
   * Python str as {@link String}: ASCII including control characters and the protocol 0 escape traps
   * ({@code \}, {@code \n}, a literal {@code \u0041}), Latin-1, the BMP, astral characters (surrogate pairs)
   * and lone surrogates, from empty to past the 255-byte SHORT_BINUNICODE boundary.
   *
   * @return text
   */
  public static Arbitrary<String> text() {
    return text(true);
  }

  /**
   * Like {@link #text()}, optionally without lone surrogates (for consumers that need well-formed UTF-16).
   *
   * @param loneSurrogates whether lone surrogates may appear
   * @return text
   */
  public static Arbitrary<String> text(boolean loneSurrogates) {
    Arbitrary<String> ascii = Arbitraries.chars().range('\0', '\u007f').map(String::valueOf);
    Arbitrary<String> latin1 = Arbitraries.chars().range('\u0080', '\u00ff').map(String::valueOf);
    Arbitrary<String> bmp = Arbitraries.chars().range('\u0100', '\ud7ff').map(String::valueOf);
    Arbitrary<String> bmpHigh = Arbitraries.chars().range('\ue000', '\uffff').map(String::valueOf);
    Arbitrary<String> astral = Arbitraries.integers().between(0x10000, 0x10ffff).map(Character::toString);
    Arbitrary<String> lone = Arbitraries.chars().range('\ud800', '\udfff').map(String::valueOf);
    Arbitrary<String> traps = Arbitraries.of("\\", "\n", "\r\n", "\\u0041", "\\U0001f600", "'", "\"", "\u0000",
        "\u2028", "\ufeff", "\ud83d\ude00");
    List<net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<String>>> parts = new ArrayList<>(List.of(
        net.jqwik.api.Tuple.of(8, ascii), net.jqwik.api.Tuple.of(2, latin1), net.jqwik.api.Tuple.of(2, bmp),
        net.jqwik.api.Tuple.of(1, bmpHigh), net.jqwik.api.Tuple.of(2, astral), net.jqwik.api.Tuple.of(2, traps)));
    if (loneSurrogates) {
      parts.add(net.jqwik.api.Tuple.of(1, lone));
    }
    Arbitrary<String> unit = Arbitraries.frequencyOf(parts);
    Arbitrary<String> shortText = unit.list().ofMaxSize(12).map(l -> String.join("", l));
    Arbitrary<String> longText = unit.list().ofMinSize(80).ofMaxSize(300).map(l -> String.join("", l));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, shortText), net.jqwik.api.Tuple.of(1, longText))
        .edgeCases(c -> c.add(""));
  }

  /**
   * Python 3 bytes as {@code byte[]}: any bytes, empty to past the 255-byte SHORT_BINBYTES boundary.
   *
   * @return byte strings
   */
  public static Arbitrary<byte[]> bytes() {
    Arbitrary<byte[]> shortBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(16);
    Arbitrary<byte[]> longBytes = Arbitraries.bytes().array(byte[].class).ofMinSize(250).ofMaxSize(300);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, shortBytes), net.jqwik.api.Tuple.of(1, longBytes));
  }

  /**
   * Scalars: None, bool, int, float, str, bytes, bytearray and complex.
   *
   * @return scalar values
   */
  public static Arbitrary<Object> scalars() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.just(null)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(Boolean.TRUE, Boolean.FALSE)),
        net.jqwik.api.Tuple.of(4, ints()),
        net.jqwik.api.Tuple.of(3, floats()),
        net.jqwik.api.Tuple.of(4, text()),
        net.jqwik.api.Tuple.of(2, bytes()),
        net.jqwik.api.Tuple.of(1, bytes().map(PyByteArray::copyOf)),
        net.jqwik.api.Tuple.of(1, floats().tuple2().map(t -> new PyComplex(t.get1(), t.get2()))));
  }

  /**
   * Hashable values that are distinct keys in Python whenever they are distinct in Java: strs, ints and tuples
   * of them (no floats or bools, which Python merges with equal ints).
   *
   * @return dict keys and set elements
   */
  public static Arbitrary<Object> keys() {
    Arbitrary<Object> atom = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, text().map(s -> (Object) s)),
        net.jqwik.api.Tuple.of(2, ints()));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, atom),
        net.jqwik.api.Tuple.of(1, atom.list().ofMaxSize(3).map(l -> (Object) PyTuple.copyOf(l))));
  }

  /**
   * Any value: scalars and nested lists, tuples, dicts, sets and frozensets, up to four levels deep.
   *
   * @return values
   */
  public static Arbitrary<Object> values() {
    // Built level by level rather than with Arbitraries.recursive, whose per-sample flatMap makes generation
    // dominate the run time of every property using it.
    Arbitrary<Object> scalars = scalars();
    Arbitrary<Object> level = scalars;
    for (int depth = 1; depth <= 3; depth++) {
      level = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, scalars), net.jqwik.api.Tuple.of(1, containersOf(level)));
    }
    return level;
  }

  /**
   * Containers whose elements come from {@code elements}: list, tuple, dict (keys from {@link #keys()}), set
   * and frozenset (elements from {@link #keys()}).
   *
   * @param elements the element values
   * @return containers
   */
  public static Arbitrary<Object> containersOf(Arbitrary<Object> elements) {
    Arbitrary<List<Object>> items = elements.list().ofMaxSize(5);
    Arbitrary<Object> list = items.map(l -> (Object) new ArrayList<>(l));
    Arbitrary<Object> tuple = items.map(l -> (Object) PyTuple.copyOf(l));
    // Pairs into a LinkedHashMap (a repeated key keeps its first place, last value) rather than
    // Arbitraries.maps, whose unique-key generation is many times slower.
    Arbitrary<Object> dict = net.jqwik.api.Combinators.combine(keys(), elements).as(net.jqwik.api.Tuple::of)
        .list().ofMaxSize(5).map(PythonValues::toDict);
    Arbitrary<Object> set = keys().set().ofMaxSize(5).map(s -> (Object) new LinkedHashSet<>(s));
    Arbitrary<Object> frozen = keys().set().ofMaxSize(5).map(s -> (Object) PyFrozenSet.copyOf(s));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, list), net.jqwik.api.Tuple.of(2, tuple), net.jqwik.api.Tuple.of(3, dict),
        net.jqwik.api.Tuple.of(1, set), net.jqwik.api.Tuple.of(1, frozen));
  }

  private static Object toDict(List<net.jqwik.api.Tuple.Tuple2<Object, Object>> pairs) {
    Map<Object, Object> m = new LinkedHashMap<>();
    for (net.jqwik.api.Tuple.Tuple2<Object, Object> p : pairs) {
      m.put(p.get1(), p.get2());
    }
    return m;
  }

  /**
   * Values in which one list, dict or bytearray is reached more than once (a diamond, not a cycle): pickle's
   * memo must keep them one object. Compare with {@link #equivalent(Object, Object)}, which checks the sharing.
   *
   * @return values with shared references
   */
  public static Arbitrary<Object> withSharedReferences() {
    Arbitrary<Object> shared = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, values().list().ofMaxSize(3).map(l -> (Object) new ArrayList<>(l))),
        net.jqwik.api.Tuple.of(1, net.jqwik.api.Combinators.combine(keys(), scalars()).as(net.jqwik.api.Tuple::of)
            .list().ofMaxSize(3).map(PythonValues::toDict)),
        net.jqwik.api.Tuple.of(1, bytes().map(b -> (Object) PyByteArray.copyOf(b))));
    return net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 3), shared, shared)
        .as((shape, s, other) -> {
      switch (shape) {
        case 0:
          return new ArrayList<>(Arrays.asList(s, other, s));
        case 1:
          return PyTuple.of(s, s);
        case 2: {
          Map<Object, Object> m = new LinkedHashMap<>();
          m.put("a", s);
          m.put("b", List.of(s));
          m.put("c", other);
          return m;
        }
        default:
          return new ArrayList<>(Arrays.asList(PyTuple.of(s, other), new ArrayList<>(List.of(s))));
      }
    });
  }

  /**
   * Whether two decoded or generated values are the same Python value: same Python types (a {@code Long} and an
   * equal {@code BigInteger} are one int), {@code byte[]} by content, NaN equal to NaN and {@code 0.0} distinct
   * from {@code -0.0} (as pickle round trips them), lists and tuples in order, dicts and sets regardless of
   * order, and the same sharing: where one value reaches a list, dict, set or bytearray twice, so must the
   * other. Cycles are handled.
   *
   * @param a a value, may be null
   * @param b a value, may be null
   * @return whether they are equivalent
   */
  public static boolean equivalent(Object a, Object b) {
    return new Equivalence().eq(a, b);
  }

  private static final class Equivalence {
    private final Map<Object, Object> aToB = new IdentityHashMap<>();
    private final Map<Object, Object> bToA = new IdentityHashMap<>();

    boolean eq(Object a, Object b) {
      if (a == null || b == null) {
        return a == b;
      }
      if (isInt(a) || isInt(b)) {
        return isInt(a) && isInt(b) && toBig(a).equals(toBig(b));
      }
      if (a instanceof Double || b instanceof Double) {
        return a instanceof Double && b instanceof Double && a.equals(b);
      }
      if (a instanceof byte[] || b instanceof byte[]) {
        return a instanceof byte[] && b instanceof byte[] && Arrays.equals((byte[]) a, (byte[]) b);
      }
      boolean mutable = a instanceof List || a instanceof Map || a instanceof Set || a instanceof PyByteArray;
      if (mutable) {
        Object seenB = aToB.get(a);
        Object seenA = bToA.get(b);
        if (seenB != null || seenA != null) {
          return seenB == b && seenA == a;
        }
        aToB.put(a, b);
        bToA.put(b, a);
      }
      if (a instanceof List) {
        return b instanceof List && sequences((List<?>) a, (List<?>) b);
      }
      if (a instanceof PyTuple) {
        return b instanceof PyTuple && sequences(((PyTuple) a).items(), ((PyTuple) b).items());
      }
      if (a instanceof Map) {
        if (!(b instanceof Map)) {
          return false;
        }
        Map<?, ?> x = (Map<?, ?>) a;
        Map<?, ?> y = (Map<?, ?>) b;
        if (x.size() != y.size() || !x.keySet().equals(y.keySet())) {
          return false;
        }
        for (Map.Entry<?, ?> e : x.entrySet()) {
          if (!eq(e.getValue(), y.get(e.getKey()))) {
            return false;
          }
        }
        return true;
      }
      if (a instanceof Set) {
        return b instanceof Set && a.equals(b);
      }
      return a.getClass() == b.getClass() && a.equals(b);
    }

    private boolean sequences(List<?> x, List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!eq(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }

    private static boolean isInt(Object o) {
      return o instanceof Long || o instanceof Integer || o instanceof BigInteger;
    }

    private static BigInteger toBig(Object o) {
      return o instanceof BigInteger ? (BigInteger) o : BigInteger.valueOf(((Number) o).longValue());
    }
  }

  /**
   * A readable rendering for failure messages: like {@code toString} but with {@code byte[]} content shown.
   *
   * @param value any value, may be null
   * @return text
   */
  public static String describe(Object value) {
    return describe(value, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static String describe(Object value, Set<Object> open) {
    if (value instanceof byte[]) {
      return "b" + Arrays.toString((byte[]) value);
    }
    boolean container = value instanceof List || value instanceof Map || value instanceof PyTuple;
    if (container && !open.add(value)) {
      return "<cycle>";
    }
    try {
      if (value instanceof List || value instanceof PyTuple) {
        List<?> items = value instanceof PyTuple ? ((PyTuple) value).items() : (List<?>) value;
        List<String> parts = new ArrayList<>();
        for (Object o : items) {
          parts.add(describe(o, open));
        }
        String body = String.join(", ", parts);
        return value instanceof PyTuple ? "(" + body + ")" : "[" + body + "]";
      }
      if (value instanceof Map) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          parts.add(describe(e.getKey(), open) + ": " + describe(e.getValue(), open));
        }
        return "{" + String.join(", ", parts) + "}";
      }
    } finally {
      if (container) {
        open.remove(value);
      }
    }
    return Objects.toString(value);
  }
}

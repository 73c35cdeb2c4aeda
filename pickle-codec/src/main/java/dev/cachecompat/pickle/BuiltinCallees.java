package dev.cachecompat.pickle;

import dev.cachecompat.core.Verdict;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The globals every decoder knows, with the Java type each builds. Arguments are read as the producing Python
 * meant them whatever the str policy: a Python 2 datetime's binary str state is bytes, a Decimal's str is text.
 */
final class BuiltinCallees {
  private BuiltinCallees() {}

  static final Map<String, Callee> ALL = Map.ofEntries(
      Map.entry("builtins.set", BuiltinCallees::set),
      Map.entry("builtins.frozenset", c -> PyFrozenSet.copyOf(hashableItems(c))),
      Map.entry("builtins.bytearray", c -> PyByteArray.copyOf(bytesLike(c))),
      Map.entry("builtins.bytes", BuiltinCallees::bytesLike),
      Map.entry("_codecs.encode", BuiltinCallees::codecsEncode),
      Map.entry("builtins.complex", BuiltinCallees::complex),
      Map.entry("builtins.object", c -> {
        throw c.fail("plain object instances are not supported");
      }),
      Map.entry("copyreg._reconstructor", BuiltinCallees::reconstructor),
      Map.entry("copyreg.__newobj__", BuiltinCallees::newobj),
      Map.entry("decimal.Decimal", BuiltinCallees::decimal),
      Map.entry("datetime.datetime", c -> javaTime(c, BuiltinCallees::datetime)),
      Map.entry("datetime.date", c -> javaTime(c, BuiltinCallees::date)),
      Map.entry("datetime.time", c -> javaTime(c, BuiltinCallees::time)),
      Map.entry("datetime.timedelta", BuiltinCallees::timedelta),
      Map.entry("datetime.timezone", BuiltinCallees::timezone),
      Map.entry("collections.OrderedDict", new OrderedDictCallee()),
      Map.entry("collections.Counter", new OrderedDictCallee()),
      Map.entry("collections.defaultdict", BuiltinCallees::defaultdict),
      Map.entry("collections.deque", BuiltinCallees::deque),
      Map.entry("copyreg.__newobj_ex__", BuiltinCallees::newobjEx),
      Map.entry("builtins.list", c -> new ArrayList<Object>(iterable(c))),
      Map.entry("builtins.tuple", c -> PyTuple.copyOf(new ArrayList<Object>(iterable(c)))),
      Map.entry("builtins.dict", new OrderedDictCallee()),
      Map.entry("builtins.str", BuiltinCallees::str),
      Map.entry("builtins.int", BuiltinCallees::integer),
      Map.entry("builtins.float", BuiltinCallees::floating),
      Map.entry("builtins.bool", BuiltinCallees::bool),
      Map.entry("uuid.UUID", new UuidCallee()));

  private static Collection<?> iterable(Call c) {
    c.arity(0, 1);
    if (c.size() == 0) {
      return List.of();
    }
    Object v = c.value(0);
    if (v instanceof Collection<?> items) {
      return items;
    }
    if (v instanceof PyTuple t) {
      return t.items();
    }
    if (v instanceof PyFrozenSet fs) {
      return fs.items();
    }
    if (v instanceof Map<?, ?> m) {
      return m.keySet();
    }
    throw c.fail("argument must be iterable, got " + DecoderPass.pythonType(v));
  }

  private static Object set(Call c) {
    return new LinkedHashSet<Object>(hashableItems(c));
  }

  /** The items of set()'s and frozenset()'s argument, refused as CPython refuses them when one is unhashable. */
  private static Collection<?> hashableItems(Call c) {
    Collection<?> items = iterable(c);
    for (Object item : items) {
      String bad = DecoderPass.unhashableType(item);
      if (bad != null) {
        throw c.fail("unhashable type: '" + bad + "'");
      }
    }
    return items;
  }

  /** bytes() and bytearray(): no argument, bytes, a list of ints, or (text, encoding). */
  private static byte[] bytesLike(Call c) {
    c.arity(0, 2);
    if (c.size() == 0) {
      return new byte[0];
    }
    if (c.size() == 2) {
      return encode(c, c.text(0), c.text(1));
    }
    if (c.isBytes(0)) {
      return c.bytes(0).clone();
    }
    Object v = c.value(0);
    if (v instanceof PyByteArray ba) {
      return ba.toByteArray();
    }
    if (v instanceof List<?> ints) {
      byte[] out = new byte[ints.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(ints.get(i) instanceof Long l) || l < 0 || l > 255) {
          throw c.fail("bytes must be in range(0, 256), got " + ints.get(i));
        }
        out[i] = (byte) (long) l;
      }
      return out;
    }
    throw c.fail("cannot make bytes from " + DecoderPass.pythonType(v));
  }

  private static byte[] codecsEncode(Call c) {
    // No pickler writes the one-argument form, and it means ASCII in Python 2 but UTF-8 in Python 3: the bytes
    // would depend on the reader, so it is refused (found by CPythonPropertiesIT on a mutant that 2.7 refused).
    if (c.size() == 1) {
      throw c.fail("needs an explicit encoding (the default is ASCII in Python 2 and UTF-8 in Python 3)");
    }
    c.arity(2, 3);
    if (c.size() == 3 && !c.text(2).equals("strict")) {
      throw c.fail("unsupported errors handler '" + c.text(2) + "'");
    }
    return encode(c, c.text(0), c.text(1));
  }

  private static byte[] encode(Call c, String text, String encoding) {
    String e = encoding.toLowerCase(Locale.ROOT).replace('_', '-');
    switch (e) {
      case "latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1" -> {
        byte[] b = new byte[text.length()];
        for (int i = 0; i < b.length; i++) {
          char ch = text.charAt(i);
          if (ch > 0xFF) {
            throw c.fail(String.format("'latin-1' codec can't encode U+%04X at position %d", (int) ch, i));
          }
          b[i] = (byte) ch;
        }
        return b;
      }
      case "utf-8", "utf8" -> {
        for (int i = 0; i < text.length(); i++) {
          if (Character.isSurrogate(text.charAt(i))
              && !(Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()
                  && Character.isLowSurrogate(text.charAt(++i)))) {
            throw c.fail("'utf-8' codec can't encode a lone surrogate at position " + i);
          }
        }
        return text.getBytes(StandardCharsets.UTF_8);
      }
      case "ascii", "us-ascii" -> {
        for (int i = 0; i < text.length(); i++) {
          if (text.charAt(i) > 0x7F) {
            throw c.fail(String.format("'ascii' codec can't encode U+%04X at position %d", (int) text.charAt(i), i));
          }
        }
        return text.getBytes(StandardCharsets.US_ASCII);
      }
      default -> throw c.fail("unsupported encoding '" + encoding + "'");
    }
  }

  private static Object complex(Call c) {
    c.arity(0, 2);
    return new PyComplex(c.size() > 0 ? c.real(0) : 0.0, c.size() > 1 ? c.real(1) : 0.0);
  }

  /** copyreg._reconstructor(cls, object, None): object.__new__(cls), as protocols 0 and 1 write it. */
  private static Object reconstructor(Call c) {
    c.arity(3, 3);
    DecoderPass.GlobalRef cls = c.global(0);
    DecoderPass.GlobalRef base = c.global(1);
    if (!base.name().equals("builtins.object") || c.raw(2) != null) {
      throw c.fail("only the base builtins.object with state None is supported, got " + base.name());
    }
    c.owner(cls);
    return cls.callee().call(new Call(c.run(), cls, c.opcode(), c.offset(), List.of()));
  }

  /** copyreg.__newobj__(cls, *args): cls.__new__(cls, *args). */
  private static Object newobj(Call c) {
    if (c.size() < 1) {
      throw c.fail("needs a class argument");
    }
    DecoderPass.GlobalRef cls = c.global(0);
    List<Object> rest = new ArrayList<>();
    for (int i = 1; i < c.size(); i++) {
      rest.add(c.raw(i));
    }
    c.owner(cls);
    return cls.callee().call(new Call(c.run(), cls, c.opcode(), c.offset(), rest));
  }

  /** copyreg.__newobj_ex__(cls, args, kwargs): cls.__new__(cls, *args, **kwargs), without keywords. */
  private static Object newobjEx(Call c) {
    c.arity(3, 3);
    DecoderPass.GlobalRef cls = c.global(0);
    Object args = c.value(1);
    Object kwargs = c.value(2);
    if (!(args instanceof PyTuple t) || !(kwargs instanceof Map<?, ?> kw) || !kw.isEmpty()) {
      throw c.fail("only a tuple of arguments and no keyword arguments are supported");
    }
    c.owner(cls);
    return cls.callee().call(new Call(c.run(), cls, c.opcode(), c.offset(), t.items()));
  }

  /** defaultdict(factory): the factory is dropped, items follow by SETITEMS. */
  private static Object defaultdict(Call c) {
    c.arity(0, 1);
    if (c.size() == 1 && c.raw(0) != null && !(c.raw(0) instanceof DecoderPass.GlobalRef)) {
      throw c.fail("default_factory must be a class or None, got " + DecoderPass.pythonType(c.raw(0)));
    }
    return new LinkedHashMap<Object, Object>();
  }

  /** deque(iterable, maxlen): a list; maxlen is dropped, items may follow by APPENDS. */
  private static Object deque(Call c) {
    c.arity(0, 2);
    return new ArrayList<Object>(c.size() == 0 ? List.of() : iterableArg(c, c.value(0)));
  }

  private static Collection<?> iterableArg(Call c, Object v) {
    if (v instanceof Collection<?> items) {
      return items;
    }
    if (v instanceof PyTuple t) {
      return t.items();
    }
    if (v instanceof PyFrozenSet fs) {
      return fs.items();
    }
    throw c.fail("argument must be iterable, got " + DecoderPass.pythonType(v));
  }

  private static Object str(Call c) {
    c.arity(0, 3);
    if (c.size() == 0) {
      return "";
    }
    if (c.size() == 1 && c.raw(0) instanceof String s) {
      return s;
    }
    if (c.size() >= 2 && c.isBytes(0)) {
      String e = c.text(1).toLowerCase(Locale.ROOT).replace('_', '-');
      byte[] b = c.bytes(0);
      return switch (e) {
        case "latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1" -> DecoderPass.latin1(b);
        case "utf-8", "utf8" -> PickleText.utf8OrThrow(b, false, c.opcode() + " " + c.name(), c.offset());
        case "ascii", "us-ascii" -> PickleText.py2Str(b, Py2Str.ASCII, c.opcode() + " " + c.name(), c.offset());
        default -> throw c.fail("unsupported encoding '" + c.text(1) + "'");
      };
    }
    throw c.fail("only str(), str(text) and str(bytes, encoding) are supported");
  }

  private static Object integer(Call c) {
    c.arity(0, 2);
    if (c.size() == 0) {
      return 0L;
    }
    Object v = c.raw(0);
    if (c.size() == 1 && (v instanceof Long || v instanceof BigInteger)) {
      return v;
    }
    if (c.size() == 1 && v instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (c.isText(0)) {
      int base = c.size() == 2 ? c.smallInt(1) : 10;
      String t = c.text(0).strip().replace("_", "");
      if (t.length() > c.run().limits().maxIntDigits() + 1) {
        throw new PickleException(Verdict.OVER_LIMIT, "int-too-long", c.offset(),
            String.format("%s at offset %d: %s text has %d characters but at most %d digits are allowed",
                c.opcode(), c.offset(), c.name(), t.length(), c.run().limits().maxIntDigits()));
      }
      if (base < 2 || base > 36 || t.isEmpty()) {
        throw c.fail("invalid literal for int() with base " + base);
      }
      try {
        return DecoderPass.normalize(new BigInteger(t, base));
      } catch (NumberFormatException e) {
        throw c.fail("invalid literal for int() with base " + base);
      }
    }
    throw c.fail("cannot make an int from " + DecoderPass.pythonType(v));
  }

  private static Object floating(Call c) {
    c.arity(0, 1);
    if (c.size() == 0) {
      return 0.0;
    }
    Object v = c.raw(0);
    if (v instanceof Double || v instanceof Long || v instanceof BigInteger) {
      return c.real(0);
    }
    if (c.isText(0)) {
      String t = c.text(0).strip().toLowerCase(Locale.ROOT);
      String u = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
      if (u.equals("nan")) {
        return Double.NaN;
      }
      if (u.equals("inf") || u.equals("infinity")) {
        return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      }
      if (t.matches("[+-]?(\\d+\\.?\\d*(e[+-]?\\d+)?|\\.\\d+(e[+-]?\\d+)?)")) {
        return Double.parseDouble(t);
      }
      throw c.fail("could not convert string to float");
    }
    throw c.fail("cannot make a float from " + DecoderPass.pythonType(v));
  }

  private static Object bool(Call c) {
    c.arity(0, 1);
    if (c.size() == 0) {
      return Boolean.FALSE;
    }
    Object v = c.raw(0);
    if (v instanceof Boolean) {
      return v;
    }
    if (v instanceof Long || v instanceof BigInteger) {
      return c.integer(0).signum() != 0;
    }
    throw c.fail("only bool(), bool(bool) and bool(int) are supported");
  }

  private static final Pattern SPECIAL_DECIMAL =
      Pattern.compile("([+-]?)(inf|infinity|nan(\\d*)|snan(\\d*))", Pattern.CASE_INSENSITIVE);

  private static Object decimal(Call c) {
    c.arity(0, 2);
    if (c.size() == 0) {
      return BigDecimal.ZERO;
    }
    if (c.raw(0) instanceof Long || c.raw(0) instanceof BigInteger) {
      return new BigDecimal(c.integer(0));
    }
    String text = c.text(0).strip();
    int max = c.run().limits().maxIntDigits();
    if (text.length() > max) { // BigDecimal parsing is quadratic in the digits
      throw new PickleException(Verdict.OVER_LIMIT, "decimal-too-long", c.offset(),
          String.format("%s at offset %d: %s text has %d characters but at most %d are allowed", c.opcode(),
              c.offset(), c.name(), text.length(), max));
    }
    return parseDecimal(c, text);
  }

  static Object parseDecimal(Call c, String s) {
    Matcher m = SPECIAL_DECIMAL.matcher(s);
    if (m.matches()) {
      String sign = m.group(1).equals("-") ? "-" : "";
      String word = m.group(2).toLowerCase(Locale.ROOT);
      if (word.startsWith("inf")) {
        return new PyDecimal(sign + "Infinity");
      }
      String payload = word.startsWith("nan") ? m.group(3) : m.group(4);
      payload = payload.replaceFirst("^0+", "");
      return new PyDecimal(sign + (word.startsWith("nan") ? "NaN" : "sNaN") + payload);
    }
    BigDecimal d;
    try {
      d = new BigDecimal(s);
    } catch (NumberFormatException e) {
      throw c.fail("invalid literal for Decimal: '" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'");
    }
    if (d.signum() == 0 && s.startsWith("-")) {
      return new PyDecimal("-" + d);
    }
    return d;
  }

  /** java.time's range errors as our own message ("Invalid value for DayOfMonth ...: 36"). */
  private static Object javaTime(Call c, Callee inner) {
    try {
      return inner.call(c);
    } catch (DateTimeException e) {
      throw c.fail(e.getMessage());
    }
  }

  /** The tzinfo argument: null (naive), or a fixed offset (datetime.timezone); other tzinfo classes fail. */
  private static ZoneOffset tz(Call c, int tzIndex) {
    if (c.size() <= tzIndex || c.raw(tzIndex) == null) {
      return null;
    }
    Object tz = c.value(tzIndex);
    if (tz instanceof ZoneOffset offset) {
      return offset;
    }
    throw c.fail("tzinfo " + DecoderPass.pythonType(tz) + " is not supported, only datetime.timezone");
  }

  /** datetime.timezone(offset[, name]): a fixed offset; the name is dropped. */
  private static Object timezone(Call c) {
    c.arity(1, 2);
    Object offset = c.value(0);
    if (!(offset instanceof Duration d)) {
      throw c.fail("offset must be a timedelta, got " + DecoderPass.pythonType(offset));
    }
    if (d.getNano() != 0 || Math.abs(d.getSeconds()) > 18 * 3600) {
      throw c.fail("offset " + d + " is not whole seconds within +-18:00, which ZoneOffset needs");
    }
    return ZoneOffset.ofTotalSeconds((int) d.getSeconds());
  }

  private static Object datetime(Call c) {
    if (c.size() >= 1 && c.size() <= 2 && (c.isBytes(0) || c.isText(0))) {
      byte[] b = c.bytes(0);
      if (b.length != 10 || (b[2] & 0x7F) < 1 || (b[2] & 0x7F) > 12) {
        throw c.fail("state must be 10 bytes with a month 1-12, got " + b.length + " bytes");
      }
      ZoneOffset tz = tz(c, 1);
      int micros = (b[7] & 0xFF) << 16 | (b[8] & 0xFF) << 8 | (b[9] & 0xFF);
      return aware(LocalDateTime.of((b[0] & 0xFF) << 8 | (b[1] & 0xFF), b[2] & 0x7F, b[3] & 0xFF, b[4] & 0xFF,
          b[5] & 0xFF, b[6] & 0xFF, micros(c, micros)), tz);
    }
    c.arity(3, 8);
    ZoneOffset tz = tz(c, 7);
    return aware(LocalDateTime.of(c.smallInt(0), c.smallInt(1), c.smallInt(2), optInt(c, 3), optInt(c, 4),
        optInt(c, 5), micros(c, optInt(c, 6))), tz);
  }

  private static Object aware(LocalDateTime t, ZoneOffset tz) {
    return tz == null ? t : OffsetDateTime.of(t, tz);
  }

  private static Object aware(LocalTime t, ZoneOffset tz) {
    return tz == null ? t : OffsetTime.of(t, tz);
  }

  private static Object date(Call c) {
    if (c.size() == 1) {
      byte[] b = c.bytes(0);
      if (b.length != 4 || b[2] < 1 || b[2] > 12) {
        throw c.fail("state must be 4 bytes with a month 1-12, got " + b.length + " bytes");
      }
      return LocalDate.of((b[0] & 0xFF) << 8 | (b[1] & 0xFF), b[2], b[3] & 0xFF);
    }
    c.arity(3, 3);
    return LocalDate.of(c.smallInt(0), c.smallInt(1), c.smallInt(2));
  }

  private static Object time(Call c) {
    if (c.size() >= 1 && c.size() <= 2 && (c.isBytes(0) || c.isText(0))) {
      byte[] b = c.bytes(0);
      if (b.length != 6 || (b[0] & 0x7F) > 23) {
        throw c.fail("state must be 6 bytes with an hour 0-23, got " + b.length + " bytes");
      }
      ZoneOffset tz = tz(c, 1);
      int micros = (b[3] & 0xFF) << 16 | (b[4] & 0xFF) << 8 | (b[5] & 0xFF);
      return aware(LocalTime.of(b[0] & 0x7F, b[1] & 0xFF, b[2] & 0xFF, micros(c, micros)), tz);
    }
    c.arity(0, 5);
    ZoneOffset tz = tz(c, 4);
    return aware(LocalTime.of(optInt(c, 0), optInt(c, 1), optInt(c, 2), micros(c, optInt(c, 3))), tz);
  }

  private static int micros(Call c, int micros) {
    if (micros < 0 || micros > 999_999) {
      throw c.fail("microsecond must be in 0..999999, got " + micros);
    }
    return micros * 1000;
  }

  private static int optInt(Call c, int i) {
    return c.size() > i ? c.smallInt(i) : 0;
  }

  private static Object timedelta(Call c) {
    c.arity(0, 3);
    BigInteger days = c.size() > 0 ? c.integer(0) : BigInteger.ZERO;
    BigInteger seconds = c.size() > 1 ? c.integer(1) : BigInteger.ZERO;
    BigInteger micros = c.size() > 2 ? c.integer(2) : BigInteger.ZERO;
    BigInteger total = days.multiply(BigInteger.valueOf(86_400_000_000L))
        .add(seconds.multiply(BigInteger.valueOf(1_000_000L))).add(micros);
    BigInteger[] sm = total.divideAndRemainder(BigInteger.valueOf(1_000_000L));
    if (sm[1].signum() < 0) {
      sm[0] = sm[0].subtract(BigInteger.ONE);
      sm[1] = sm[1].add(BigInteger.valueOf(1_000_000L));
    }
    // Python's own bound: |days| <= 999999999
    if (sm[0].abs().compareTo(BigInteger.valueOf(1_000_000_000L * 86_400L)) > 0) {
      throw c.fail("days out of range: " + days);
    }
    return Duration.ofSeconds(sm[0].longValueExact(), sm[1].longValueExact() * 1000);
  }

  /** collections.OrderedDict: no argument (protocol 2+ then SETITEMS) or a list of pairs (Python 2). */
  private static final class OrderedDictCallee implements Callee {
    @Override
    public Object call(Call c) {
      c.arity(0, 1);
      Map<Object, Object> map = new LinkedHashMap<>();
      if (c.size() == 1) {
        Object items = c.value(0);
        if (items instanceof Map<?, ?> m) {
          map.putAll(m);
        } else if (items instanceof List<?> pairs) {
          for (Object pair : pairs) {
            List<?> kv = pair instanceof PyTuple t ? t.items() : pair instanceof List<?> l ? l : null;
            if (kv == null || kv.size() != 2) {
              throw c.fail("items must be (key, value) pairs, got " + DecoderPass.pythonType(pair));
            }
            map.put(kv.get(0), kv.get(1));
          }
        } else {
          throw c.fail("argument must be a list of pairs, got " + DecoderPass.pythonType(items));
        }
      }
      return map;
    }

    @Override
    public Object build(Object instance, Object state, Call c) {
      if (state == null || state instanceof Map<?, ?> m && m.isEmpty()) {
        return instance;
      }
      throw c.fail("attributes on an OrderedDict are not supported");
    }
  }

  /** uuid.UUID: created empty (NEWOBJ or copyreg._reconstructor), then BUILD with {'int': n}. */
  private static final class UuidCallee implements Callee {
    @Override
    public Object call(Call c) {
      c.arity(0, 1);
      if (c.size() == 0) {
        return new DecoderPass.Pending(c.name(), c.offset());
      }
      String hex = c.text(0).replace("urn:", "").replace("uuid:", "").replaceAll("[{}-]", "");
      if (!hex.matches("[0-9a-fA-F]{32}")) {
        throw c.fail("badly formed hexadecimal UUID string");
      }
      return fromInt(c, new BigInteger(hex, 16));
    }

    @Override
    public Object build(Object instance, Object state, Call c) {
      Object dict = state;
      if (state instanceof PyTuple t && t.size() == 2) { // (dict, slots) of classes with __slots__
        Map<Object, Object> merged = new LinkedHashMap<>();
        for (Object part : t.items()) {
          if (part instanceof Map<?, ?> m) {
            merged.putAll(m);
          }
        }
        dict = merged;
      }
      if (!(instance instanceof DecoderPass.Pending) || !(dict instanceof Map<?, ?> m)) {
        throw c.fail("state must be a dict with 'int', got " + DecoderPass.pythonType(state));
      }
      Object n = field(m, "int");
      if (n instanceof Long l) {
        return fromInt(c, BigInteger.valueOf(l));
      }
      if (n instanceof BigInteger b) {
        return fromInt(c, b);
      }
      throw c.fail("state has no int 'int'");
    }

    private static Object field(Map<?, ?> m, String key) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object k = e.getKey();
        if (key.equals(k) || k instanceof byte[] b && key.equals(DecoderPass.latin1(b))) {
          return e.getValue();
        }
      }
      return null;
    }

    private static UUID fromInt(Call c, BigInteger n) {
      if (n.signum() < 0 || n.bitLength() > 128) {
        throw c.fail("int is out of range (need 0 <= int < 1<<128)");
      }
      return new UUID(n.shiftRight(64).longValue(), n.longValue());
    }
  }
}

package dev.cachecompat.pickle;

import dev.cachecompat.core.Limits;
import dev.cachecompat.core.Verdict;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import net.razorvine.pickle.Unpickler;

/**
 * The decoder's differential oracle in the tests (issue #8): the decoder as it was before {@link DecoderPass},
 * Pyrolite's {@link Unpickler} (stack, memo, MARK, PROTO, FRAME, GET, the plain scalar and
 * bytes opcodes) with every opcode where Pyrolite's result differs from CPython's dispatched here instead.
 * Not thread-safe: {@link PickleDecoder} makes one per call.
 *
 * <p>Two kinds of value live only during decoding: a {@link RawStr} (a Python 2 str whose policy is applied
 * when it lands in a container or the result, so that known constructors see the bytes Python 2 meant) and a
 * {@link RawTuple} (a tuple whose direct items may still be raw, so that REDUCE's argument tuple keeps them).
 */
final class Unpickling extends Unpickler implements DecodeRun {
  private static final Pattern FLOAT_TEXT =
      Pattern.compile("[+-]?(\\d+\\.?\\d*([eE][+-]?\\d+)?|\\.\\d+([eE][+-]?\\d+)?)");
  private static final Pattern INT_TEXT = Pattern.compile("[+-]?\\d+");
  /** Names of the opcodes left to Pyrolite, built once: formatting one per opcode cost ~5% of a decode. */
  private static final String[] OPCODE_NAMES = new String[256];

  static {
    for (int i = 0; i < OPCODE_NAMES.length; i++) {
      OPCODE_NAMES[i] = "opcode 0x" + Integer.toHexString(i);
    }
  }

  private final Py2Str policy;
  private final Limits limits;
  private final BiFunction<String, String, Callee> globals;
  private final PickleInput in;
  private int protocol;
  private final IdentityHashMap<Object, DecoderPass.GlobalRef> builtBy = new IdentityHashMap<>();
  private final IdentityHashMap<Object, List<Integer>> memoKeys = new IdentityHashMap<>();
  private long opOffset;
  private String opName = "?";

  /**
   * A run over one payload.
   *
   * @param globals finds the callee for (resolved Python 3 name, name as written), or null if not allowed
   */
  Unpickling(byte[] payload, Py2Str policy, Limits limits,
      BiFunction<String, String, Callee> globals) {
    this.policy = policy;
    this.limits = limits;
    this.globals = globals;
    this.in = new PickleInput(payload);
  }

  Object run() throws IOException {
    return load(in);
  }

  Py2Str policy() {
    return policy;
  }

  @Override
  public Limits limits() {
    return limits;
  }

  @Override
  protected Object dispatch(short key) throws IOException {
    opOffset = in.position() - 1;
    switch (key) {
      // ints: Pyrolite gives Integer for small ones, we want Long (BigInteger beyond long)
      case 'I' -> intText();
      case 'J' -> stack.add((long) in.intLe4(op("BININT"), opOffset));
      case 'K' -> stack.add((long) in.u8(op("BININT1"), opOffset));
      case 'M' -> stack.add(in.uintLe(2, op("BININT2"), opOffset));
      case 'L' -> longText();
      case 0x8a -> stack.add(longBytes(in.u8(op("LONG1"), opOffset)));
      case 0x8b -> stack.add(longBytes(in.uintLe(4, op("LONG4"), opOffset)));
      case 'F' -> floatText();
      // Python 2 str
      case 'S' -> stringText();
      case 'T' -> {
        op("BINSTRING");
        int n = in.intLe4(opName, opOffset);
        stack.add(new DecoderPass.RawStr(in.bytes(n, opName, opOffset), opName, opOffset));
      }
      case 'U' -> {
        op("SHORT_BINSTRING");
        stack.add(new DecoderPass.RawStr(in.bytes(in.u8(opName, opOffset), opName, opOffset), opName, opOffset));
      }
      // text: strict UTF-8 with surrogatepass (Pyrolite silently writes U+FFFD)
      case 'V' -> {
        op("UNICODE");
        int[] line = in.line(opName, opOffset);
        stack.add(PickleText.rawUnicodeEscape(in.buffer(), line[0], line[1], opOffset));
      }
      case 'X' -> unicode("BINUNICODE", in.uintLe(4, "BINUNICODE", opOffset));
      case 0x8c -> unicode("SHORT_BINUNICODE", in.u8("SHORT_BINUNICODE", opOffset));
      case 0x8d -> unicode("BINUNICODE8", in.uintLe(8, "BINUNICODE8", opOffset));
      case 0x96 -> {
        op("BYTEARRAY8");
        stack.add(PyByteArray.copyOf(in.bytes(in.uintLe(8, opName, opOffset), opName, opOffset)));
      }
      // tuples, lists, dicts, sets
      case ')' -> stack.add(new DecoderPass.RawTuple(List.of(), opOffset));
      case 't' -> tuple(stack.pop_all_since_marker());
      case 0x85 -> tuple(popN(1));
      case 0x86 -> tuple(popN(2));
      case 0x87 -> tuple(popN(3));
      case ']' -> stack.add(new ArrayList<>());
      case 'l' -> {
        op("LIST");
        stack.add(resolveAll(stack.pop_all_since_marker()));
      }
      case 'a' -> {
        op("APPEND");
        Object v = resolve(stack.pop());
        list(stack.peek()).add(v);
      }
      case 'e' -> {
        op("APPENDS");
        List<Object> items = resolveAll(stack.pop_all_since_marker());
        list(stack.peek()).addAll(items);
      }
      case '}' -> stack.add(new LinkedHashMap<Object, Object>());
      case 'd' -> {
        op("DICT");
        Map<Object, Object> d = new LinkedHashMap<>();
        setItems(d, stack.pop_all_since_marker());
        stack.add(d);
      }
      case 's' -> {
        op("SETITEM");
        Object v = stack.pop();
        Object k = stack.pop();
        setItems(dict(stack.peek()), java.util.Arrays.asList(k, v));
      }
      case 'u' -> {
        op("SETITEMS");
        List<Object> items = stack.pop_all_since_marker();
        setItems(dict(stack.peek()), items);
      }
      case 0x8f -> stack.add(new LinkedHashSet<Object>());
      case 0x90 -> {
        op("ADDITEMS");
        List<Object> items = resolveAll(stack.pop_all_since_marker());
        Set<Object> set = set(stack.peek());
        for (Object item : items) {
          set.add(hashable(item));
        }
      }
      case 0x91 -> {
        op("FROZENSET");
        List<Object> items = resolveAll(stack.pop_all_since_marker());
        for (Object item : items) {
          hashable(item);
        }
        stack.add(PyFrozenSet.copyOf(items));
      }
      // memo: tracked so BUILD can replace an instance everywhere it was memoized
      case 'p' -> {
        op("PUT");
        memoize(parseIndex(in.ascii(in.line(opName, opOffset))));
      }
      case 'q' -> memoize(in.u8(op("BINPUT"), opOffset));
      case 'r' -> memoize(in.uintLe(4, op("LONG_BINPUT"), opOffset));
      case 0x94 -> {
        op("MEMOIZE");
        memoize(memo.size());
      }
      // globals and calls, against this decoder's registry only
      case 'c' -> {
        op("GLOBAL");
        String module = in.ascii(in.line(opName, opOffset));
        String name = in.ascii(in.line(opName, opOffset));
        stack.add(global(module, name));
      }
      case 0x93 -> {
        op("STACK_GLOBAL");
        Object name = resolve(stack.pop());
        Object module = resolve(stack.pop());
        if (!(module instanceof String m) || !(name instanceof String n)) {
          throw fail("decode-failed", "module and name must be str");
        }
        stack.add(global(m, n));
      }
      case 'R' -> {
        op("REDUCE");
        Object args = stack.pop();
        stack.add(call(stack.pop(), args));
      }
      case 0x81 -> {
        op("NEWOBJ");
        Object args = stack.pop();
        stack.add(call(stack.pop(), args));
      }
      case 0x92 -> {
        op("NEWOBJ_EX");
        Object kwargs = stack.pop();
        Object args = stack.pop();
        if (!(kwargs instanceof Map<?, ?> m) || !m.isEmpty()) {
          throw fail("decode-failed", "keyword arguments are not supported");
        }
        stack.add(call(stack.pop(), args));
      }
      case 'o' -> {
        op("OBJ");
        List<Object> items = stack.pop_all_since_marker();
        if (items.isEmpty()) {
          throw fail("decode-failed", "no class after MARK");
        }
        stack.add(call(items.get(0), new DecoderPass.RawTuple(new ArrayList<>(items.subList(1, items.size())), opOffset)));
      }
      case 'i' -> {
        op("INST");
        String module = in.ascii(in.line(opName, opOffset));
        String name = in.ascii(in.line(opName, opOffset));
        DecoderPass.GlobalRef g = global(module, name);
        stack.add(call(g, new DecoderPass.RawTuple(stack.pop_all_since_marker(), opOffset)));
      }
      case 'b' -> build();
      case '.' -> {
        op("STOP");
        return resolve(stack.pop());
      }
      case 0x80 -> {
        op("PROTO");
        protocol = in.u8(opName, opOffset);
        if (protocol > 5) {
          throw fail("bad-protocol", "unsupported pickle protocol: " + protocol);
        }
      }
      case 'P', 'Q' -> throw fail("persistent-id-unsupported", "persistent ids are not supported by the decoder");
      case 0x97, 0x98 -> throw fail("buffer-unsupported", "out-of-band buffers are not supported by the decoder");
      case 0x82, 0x83, 0x84 -> throw fail("ext-unsupported", "the copyreg extension registry is not supported");
      // FRAME, MARK, POP, POP_MARK, DUP, GET*, NONE, NEWTRUE, NEWFALSE, BINFLOAT, *BINBYTES*: Pyrolite's
      default -> {
        op(key >= 0 && key < OPCODE_NAMES.length ? OPCODE_NAMES[key] : "opcode 0x" + Integer.toHexString(key));
        return super.dispatch(key);
      }
    }
    return NO_RETURN_VALUE;
  }

  private String op(String name) {
    opName = name;
    return name;
  }

  // ---- scalars

  private void intText() {
    op("INT");
    String s = in.ascii(in.line(opName, opOffset));
    if (s.equals("00")) {
      stack.add(Boolean.FALSE);
    } else if (s.equals("01")) {
      stack.add(Boolean.TRUE);
    } else {
      stack.add(integer(s));
    }
  }

  private void longText() {
    op("LONG");
    String s = in.ascii(in.line(opName, opOffset));
    stack.add(integer(s.endsWith("L") ? s.substring(0, s.length() - 1) : s));
  }

  private Object integer(String s) {
    if (!INT_TEXT.matcher(s).matches()) {
      throw fail("decode-failed", "not an integer: '" + abbreviate(s) + "'");
    }
    return normalize(new BigInteger(s));
  }

  private Object longBytes(long n) {
    byte[] le = in.bytes(n, opName, opOffset);
    if (le.length == 0) {
      return 0L;
    }
    byte[] be = new byte[le.length];
    for (int i = 0; i < le.length; i++) {
      be[i] = le[le.length - 1 - i];
    }
    return normalize(new BigInteger(be));
  }

  static Object normalize(BigInteger i) {
    return i.bitLength() < 64 ? (Object) i.longValue() : i;
  }

  private void floatText() {
    op("FLOAT");
    String s = in.ascii(in.line(opName, opOffset)).trim();
    String lower = s.toLowerCase(java.util.Locale.ROOT);
    String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
    boolean negative = lower.startsWith("-");
    double d;
    if (unsigned.equals("nan")) {
      d = Double.NaN;
    } else if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      d = negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    } else if (FLOAT_TEXT.matcher(s).matches()) {
      d = Double.parseDouble(s);
    } else {
      throw fail("decode-failed", "not a float: '" + abbreviate(s) + "'");
    }
    stack.add(d);
  }

  private void stringText() {
    op("STRING");
    int[] line = in.line(opName, opOffset);
    byte[] b = in.buffer();
    int from = line[0];
    int to = line[1];
    if (to - from < 2 || b[from] != b[to - 1] || (b[from] != '\'' && b[from] != '"')) {
      throw fail("decode-failed", "the STRING opcode argument must be quoted");
    }
    stack.add(new DecoderPass.RawStr(PickleText.escapeDecode(b, from + 1, to - 1, opOffset), opName, opOffset));
  }

  private void unicode(String name, long length) {
    op(name);
    byte[] b = in.bytes(length, name, opOffset);
    stack.add(PickleText.utf8OrThrow(b, true, name, opOffset));
  }

  // ---- containers

  private List<Object> popN(int n) {
    Object[] items = new Object[n];
    for (int i = n - 1; i >= 0; i--) {
      items[i] = stack.pop();
    }
    List<Object> list = new ArrayList<>(n);
    for (Object item : items) {
      list.add(item);
    }
    return list;
  }

  private void tuple(List<Object> items) {
    op("TUPLE");
    // nested tuples are resolved now; only the outermost keeps raw items for a following REDUCE
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof DecoderPass.RawTuple t) {
        items.set(i, resolve(t));
      }
    }
    stack.add(new DecoderPass.RawTuple(items, opOffset));
  }

  private List<Object> list(Object target) {
    if (target instanceof List<?>) {
      @SuppressWarnings("unchecked")
      List<Object> list = (List<Object>) target;
      return list;
    }
    throw fail("decode-failed", "cannot append to " + pythonType(target));
  }

  private Map<Object, Object> dict(Object target) {
    if (target instanceof Map<?, ?>) {
      @SuppressWarnings("unchecked")
      Map<Object, Object> map = (Map<Object, Object>) target;
      return map;
    }
    throw fail("decode-failed", "cannot set items of " + pythonType(target));
  }

  private Set<Object> set(Object target) {
    if (target instanceof Set<?>) {
      @SuppressWarnings("unchecked")
      Set<Object> set = (Set<Object>) target;
      return set;
    }
    throw fail("decode-failed", "cannot add items to " + pythonType(target));
  }

  private void setItems(Map<Object, Object> d, List<Object> kv) {
    if (kv.size() % 2 != 0) {
      throw fail("decode-failed", "odd number of items for a dict: " + kv.size());
    }
    for (int i = 0; i < kv.size(); i += 2) {
      Object k = hashable(resolve(kv.get(i)));
      Object v = resolve(kv.get(i + 1));
      d.put(k, v);
    }
  }

  private Object hashable(Object key) {
    if (key instanceof List<?> || key instanceof Map<?, ?> || key instanceof Set<?> || key instanceof PyByteArray) {
      throw fail("decode-failed", "unhashable type: '" + pythonType(key) + "'");
    }
    return key;
  }

  private void memoize(long index) {
    Object top = stack.peek();
    int key = (int) index;
    memo.put(key, top);
    // builtBy is empty unless a global was called: skip the identity hash, which costs every memoized object
    if (top != null && !builtBy.isEmpty() && builtBy.containsKey(top)) {
      memoKeys.computeIfAbsent(top, k -> new ArrayList<>()).add(key);
    }
  }

  private long parseIndex(String s) {
    if (!INT_TEXT.matcher(s).matches() || s.length() > 10) {
      throw fail("decode-failed", "memo index is not an integer: '" + abbreviate(s) + "'");
    }
    return Long.parseLong(s);
  }

  // ---- resolution of decode-time values into final ones

  /** The final value of a stack item about to land in a container or the result. */
  @Override
  public Object resolve(Object v) {
    if (v instanceof DecoderPass.RawStr s) {
      if (s.converted == null) {
        s.converted = policy == Py2Str.BYTES ? s.bytes : PickleText.py2Str(s.bytes, policy, s.opcode, s.offset);
      }
      return s.converted;
    }
    if (v instanceof DecoderPass.RawTuple t) {
      if (t.resolved == null) {
        List<Object> items = new ArrayList<>(t.items.size());
        for (Object item : t.items) {
          items.add(resolve(item));
        }
        t.resolved = PyTuple.copyOf(items);
      }
      return t.resolved;
    }
    if (v instanceof DecoderPass.GlobalRef g) {
      if (g.name().equals("builtins.Ellipsis") || g.name().equals("builtins.NotImplemented")) {
        return new PyObject(g.name(), List.of(), null);
      }
      throw new PickleException(Verdict.MALFORMED, "decode-failed", opOffset, String.format(
          "%s at offset %d: global %s (offset %d) used as a value; only calls of allowed globals decode",
          opName, opOffset, g.name(), g.offset()));
    }
    if (v instanceof DecoderPass.Pending p) {
      throw new PickleException(Verdict.MALFORMED, "decode-failed", opOffset, String.format(
          "%s at offset %d: %s created at offset %d never received its state (BUILD)", opName, opOffset,
          p.name(), p.offset()));
    }
    return v;
  }

  private List<Object> resolveAll(Collection<Object> items) {
    List<Object> out = new ArrayList<>(items.size());
    for (Object item : items) {
      out.add(resolve(item));
    }
    return out;
  }

  // ---- globals, calls, state

  private DecoderPass.GlobalRef global(String module, String name) {
    String raw = module + "." + name;
    String qualified = raw;
    if (protocol < 3) { // as CPython's fix_imports: Python 2 names in protocols 0-2 only
      String mapped = GlobalPolicy.mapPy2(module, name);
      if (mapped != null) {
        qualified = mapped;
      }
    }
    Callee callee = globals.apply(qualified, raw);
    if (callee == null) {
      throw fail("unknown-global", "the decoder has no constructor for global " + qualified);
    }
    return new DecoderPass.GlobalRef(qualified, callee, opOffset);
  }

  private Object call(Object callable, Object args) {
    if (!(callable instanceof DecoderPass.GlobalRef g)) {
      throw fail("decode-failed", "calls " + pythonType(callable) + ", not an allowed global");
    }
    List<Object> raw;
    if (args instanceof DecoderPass.RawTuple t) {
      raw = t.items;
    } else if (args instanceof PyTuple t) {
      raw = t.items();
    } else {
      throw fail("decode-failed", g.name() + " called with " + pythonType(args) + " instead of a tuple");
    }
    Object result;
    Call c = new Call(this, g, opName, opOffset, raw);
    try {
      result = g.callee().call(c);
    } catch (PickleException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PickleException(Verdict.MALFORMED, "decode-failed", opOffset,
          String.format("%s at offset %d: %s failed: %s", opName, opOffset, g.name(), e), e);
    }
    if (result != null) {
      builtBy.put(result, c.owner());
    }
    return result;
  }

  private void build() {
    op("BUILD");
    Object state = resolve(stack.pop());
    Object instance = stack.pop();
    DecoderPass.GlobalRef owner = instance == null ? null : builtBy.get(instance);
    if (owner == null) {
      throw fail("decode-failed", "cannot set state of " + pythonType(instance));
    }
    Object replaced;
    try {
      replaced = owner.callee().build(instance, state, new Call(this, owner, opName, opOffset, List.of()));
    } catch (PickleException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PickleException(Verdict.MALFORMED, "decode-failed", opOffset,
          String.format("BUILD at offset %d: setting state of %s failed: %s", opOffset, owner.name(), e), e);
    }
    if (replaced != instance) {
      List<Integer> keys = memoKeys.remove(instance);
      if (keys != null) {
        for (Integer k : keys) {
          if (memo.get(k) == instance) {
            memo.put(k, replaced);
          }
        }
      }
      builtBy.remove(instance);
      if (replaced != null) {
        builtBy.put(replaced, owner);
        if (keys != null) {
          memoKeys.put(replaced, keys);
        }
      }
    }
    stack.add(replaced);
  }

  PickleException fail(String code, String message) {
    return new PickleException(Verdict.MALFORMED, code, opOffset,
        String.format("%s at offset %d: %s", opName, opOffset, message));
  }

  // The decoder's own type names, so that both sides word their errors alike (the oracle checks the values).
  private static String pythonType(Object v) {
    return DecoderPass.pythonType(v);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}

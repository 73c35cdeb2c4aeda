package dev.cachecompat.pickle;

import dev.cachecompat.core.Limits;
import dev.cachecompat.core.Verdict;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * One decoding run over a payload {@link PickleInspector} found valid: a single loop over the opcodes with an
 * array stack, a mark stack and an array memo, building the values {@link PickleDecoder} documents. Not
 * thread-safe: {@link PickleDecoder} makes one per call.
 *
 * <p>The inspector has checked the stack discipline, the memo and every length, so this loop does not check
 * them again beyond what keeps it from allocating from a bad length; anything unexpected surfaces as a runtime
 * exception that {@link PickleDecoder} turns into {@code decode-failed}. No recursion on the input's depth.
 *
 * <p>Four kinds of value live only during decoding: a {@link RawStr} (a Python 2 str whose policy is applied
 * when it lands in a container or the result, so that known constructors see the bytes Python 2 meant), a
 * {@link RawTuple} (a tuple whose direct items are still raw, so that REDUCE's argument tuple keeps them), a
 * {@link GlobalRef} (an allowed global, callable) and a {@link Pending} instance awaiting BUILD.
 */
final class DecoderPass implements DecodeRun {
  /** A Python 2 str (STRING, BINSTRING, SHORT_BINSTRING) not yet put through the str policy. */
  static final class RawStr {
    final byte[] bytes;
    final String opcode;
    final long offset;
    Object converted;

    RawStr(byte[] bytes, String opcode, long offset) {
      this.bytes = bytes;
      this.opcode = opcode;
      this.offset = offset;
    }
  }

  /** A tuple whose items are resolved except for RawStr, GlobalRef and Pending ones. */
  static final class RawTuple {
    final List<Object> items;
    final long offset;
    PyTuple resolved;

    RawTuple(List<Object> items, long offset) {
      this.items = items;
      this.offset = offset;
    }
  }

  /** What GLOBAL and STACK_GLOBAL push: an allowed global and how to call it. */
  record GlobalRef(String name, Callee callee, long offset) {}

  /** An instance that still needs its state (BUILD) before it is a value, e.g. uuid.UUID from NEWOBJ. */
  record Pending(String name, long offset) {}

  private static final Pattern FLOAT_TEXT =
      Pattern.compile("[+-]?(\\d+\\.?\\d*([eE][+-]?\\d+)?|\\.\\d+([eE][+-]?\\d+)?)");
  private static final Pattern INT_TEXT = Pattern.compile("[+-]?\\d+");
  private static final Object[] NO_MEMO = new Object[0];
  /** What the memo holds for None, so that null means a free slot. */
  private static final Object NONE = new Object();

  private final byte[] buf;
  private final int end;
  private int pos;
  private final Py2Str policy;
  private final Limits limits;
  private final BiFunction<String, String, Callee> globals;

  private Object[] stack = new Object[16];
  private int sp;
  private int[] marks = new int[8];
  private int mp;
  /** Memo entries 0..memo.length-1 (null: free, NONE: None); far (sparse or negative) indexes go to farMemo. */
  private Object[] memo = NO_MEMO;
  private Map<Integer, Object> farMemo;
  private int memoCount; // distinct keys, as len(memo) for MEMOIZE

  private int protocol;
  /** Which global built an object (for BUILD), and where such objects were memoized; null until a call. */
  private IdentityHashMap<Object, GlobalRef> builtBy;
  private IdentityHashMap<Object, List<Integer>> memoKeys;
  private long opOffset;
  private String opName = "?";

  /**
   * A run over one payload.
   *
   * @param globals finds the callee for (resolved Python 3 name, name as written), or null if not allowed
   */
  DecoderPass(byte[] payload, Py2Str policy, Limits limits, BiFunction<String, String, Callee> globals) {
    this.buf = payload;
    this.end = payload.length;
    this.policy = policy;
    this.limits = limits;
    this.globals = globals;
  }

  @Override
  public Limits limits() {
    return limits;
  }

  /** Runs to STOP and returns the value. */
  Object run() {
    final byte[] b = buf;
    while (true) {
      if (pos >= end) {
        throw new PickleException(Verdict.MALFORMED, "truncated", pos,
            String.format("the pickle ends at offset %d without STOP", pos));
      }
      int p = pos;
      opOffset = p;
      int key = b[p] & 0xFF;
      pos = p + 1;
      switch (key) {
        // ---- the common protocol 2-5 opcodes first
        case 0x8c -> {
          opName = "SHORT_BINUNICODE";
          push(text(u8()));
        }
        case 'X' -> {
          opName = "BINUNICODE";
          push(text(uint(4)));
        }
        case 0x8d -> {
          opName = "BINUNICODE8";
          push(text(uint(8)));
        }
        case 'q' -> {
          opName = "BINPUT";
          memoize(u8());
        }
        case 'r' -> {
          opName = "LONG_BINPUT";
          memoize((int) uint(4));
        }
        case 0x94 -> {
          opName = "MEMOIZE";
          memoize(memoCount);
        }
        case 'h' -> push(memoGet(u8()));
        case 'j' -> push(memoGet((int) uint(4)));
        case 'K' -> {
          opName = "BININT1";
          push(Long.valueOf(u8()));
        }
        case 'M' -> {
          opName = "BININT2";
          int q = pos;
          pos = q + 2;
          push(Long.valueOf((buf[q] & 0xFF) | (buf[q + 1] & 0xFF) << 8));
        }
        case 'J' -> {
          opName = "BININT";
          push(Long.valueOf((int) uint(4)));
        }
        case 'G' -> push(Double.longBitsToDouble(uintBe8()));
        case 'N' -> push(null);
        case 0x88 -> push(Boolean.TRUE);
        case 0x89 -> push(Boolean.FALSE);
        case '(' -> mark();
        case '}' -> push(new LinkedHashMap<Object, Object>());
        case ']' -> push(new ArrayList<Object>(0));
        case ')' -> push(PyTuple.copyOf(List.of()));
        case 'u' -> setItems();
        case 's' -> {
          opName = "SETITEM";
          Object v = pop();
          Object k = pop();
          Map<Object, Object> d = dict(peek());
          d.put(hashable(resolve(k)), resolve(v));
        }
        case 'e' -> appends();
        case 'a' -> {
          opName = "APPEND";
          Object v = resolve(pop());
          list(peek()).add(v);
        }
        case 0x85 -> tuple(sp - 1);
        case 0x86 -> tuple(sp - 2);
        case 0x87 -> tuple(sp - 3);
        case 't' -> tuple(popMark());
        case 0x95 -> skip(8, "FRAME");
        case 0x80 -> {
          opName = "PROTO";
          protocol = u8();
          if (protocol > 5) {
            throw fail("bad-protocol", "unsupported pickle protocol: " + protocol);
          }
        }
        case '.' -> {
          opName = "STOP";
          return resolve(pop());
        }
        default -> rare(key, p);
      }
    }
  }

  /** The opcodes protocols 2-5 rarely or never write for plain data: kept out of run() so that it stays small. */
  private void rare(int key, int p) {
    final byte[] b = buf;
    switch (key) {
    // ---- ints and floats
    case 'I' -> intText();
    case 'L' -> longText();
    case 0x8a -> {
      opName = "LONG1";
      push(longBytes(u8()));
    }
    case 0x8b -> {
      opName = "LONG4";
      push(longBytes(uint(4)));
    }
    case 'F' -> floatText();
    // ---- bytes, Python 2 str, text
    case 'C' -> push(bytes(u8(), "SHORT_BINBYTES"));
    case 'B' -> push(bytes(uint(4), "BINBYTES"));
    case 0x8e -> push(bytes(uint(8), "BINBYTES8"));
    case 0x96 -> {
      opName = "BYTEARRAY8";
      push(PyByteArray.copyOf(bytes(uint(8), opName)));
    }
    case 'S' -> stringText();
    case 'T' -> {
      opName = "BINSTRING";
      int n = (int) uint(4);
      push(new RawStr(bytes(n, opName), opName, opOffset));
    }
    case 'U' -> {
      opName = "SHORT_BINSTRING";
      push(new RawStr(bytes(u8(), opName), opName, opOffset));
    }
    case 'V' -> {
      opName = "UNICODE";
      int to = lineEnd();
      push(PickleText.rawUnicodeEscape(b, p + 1, to, opOffset));
    }
    // ---- stack and memo, protocols 0-1 forms
    case '0' -> {
      if (mp > 0 && marks[mp - 1] == sp) {
        mp--;
      } else {
        pop();
      }
    }
    case '1' -> {
      int from = popMark();
      clear(from, sp);
      sp = from;
    }
    case '2' -> push(peek());
    case 'p' -> {
      opName = "PUT";
      int from = pos;
      int to = lineEnd();
      memoize((int) parseIndex(latin1(b, from, to - from)));
    }
    case 'g' -> {
      int from = pos;
      int to = lineEnd();
      push(memoGet(Integer.parseInt(latin1(b, from, to - from))));
    }
    // ---- containers
    case 'l' -> {
      opName = "LIST";
      int from = popMark();
      ArrayList<Object> list = new ArrayList<>(sp - from);
      for (int i = from; i < sp; i++) {
        list.add(resolve(stack[i]));
      }
      sp = from;
      push(list);
    }
    case 'd' -> {
      opName = "DICT";
      int from = popMark();
      int n = sp - from;
      Map<Object, Object> d = new LinkedHashMap<>(n / 2 < 12 ? 16 : (int) (n / 2 / 0.75f) + 1);
      putPairs(d, from);
      push(d);
    }
    case 0x8f -> push(new LinkedHashSet<Object>());
    case 0x90 -> {
      opName = "ADDITEMS";
      int from = popMark();
      resolveRange(from, sp);
      int to = sp;
      sp = from;
      Set<Object> set = set(peek());
      for (int i = from; i < to; i++) {
        set.add(hashable(stack[i]));
      }
      clear(from, to);
    }
    case 0x91 -> {
      opName = "FROZENSET";
      int from = popMark();
      resolveRange(from, sp);
      for (int i = from; i < sp; i++) {
        hashable(stack[i]);
      }
      PyFrozenSet fs = PyFrozenSet.copyOf(Arrays.asList(Arrays.copyOfRange(stack, from, sp)));
      clear(from, sp);
      sp = from;
      push(fs);
    }
    // ---- globals, calls, state
    case 'c' -> {
      opName = "GLOBAL";
      String module = line();
      String name = line();
      push(global(module, name));
    }
    case 0x93 -> {
      opName = "STACK_GLOBAL";
      Object name = resolve(pop());
      Object module = resolve(pop());
      if (!(module instanceof String m) || !(name instanceof String n)) {
        throw fail("decode-failed", "module and name must be str");
      }
      push(global(m, n));
    }
    case 'R' -> {
      opName = "REDUCE";
      Object args = pop();
      push(call(pop(), args));
    }
    case 0x81 -> {
      opName = "NEWOBJ";
      Object args = pop();
      push(call(pop(), args));
    }
    case 0x92 -> {
      opName = "NEWOBJ_EX";
      Object kwargs = pop();
      Object args = pop();
      if (!(kwargs instanceof Map<?, ?> m) || !m.isEmpty()) {
        throw fail("decode-failed", "keyword arguments are not supported");
      }
      push(call(pop(), args));
    }
    case 'o' -> {
      opName = "OBJ";
      int from = popMark();
      if (sp == from) {
        throw fail("decode-failed", "no class after MARK");
      }
      Object cls = stack[from];
      List<Object> args = new ArrayList<>(Arrays.asList(Arrays.copyOfRange(stack, from + 1, sp)));
      clear(from, sp);
      sp = from;
      push(call(cls, new RawTuple(args, opOffset)));
    }
    case 'i' -> {
      opName = "INST";
      String module = line();
      String name = line();
      GlobalRef g = global(module, name);
      int from = popMark();
      List<Object> args = new ArrayList<>(Arrays.asList(Arrays.copyOfRange(stack, from, sp)));
      clear(from, sp);
      sp = from;
      push(call(g, new RawTuple(args, opOffset)));
    }
    case 'b' -> build();
    case 'P', 'Q' -> throw fail("persistent-id-unsupported", "persistent ids are not supported by the decoder");
    case 0x97, 0x98 -> throw fail("buffer-unsupported", "out-of-band buffers are not supported by the decoder");
    case 0x82, 0x83, 0x84 -> throw fail("ext-unsupported", "the copyreg extension registry is not supported");
    default -> throw new PickleException(Verdict.MALFORMED, "decode-failed", opOffset,
        String.format("unknown opcode 0x%02x at offset %d", key, opOffset));
    }
  }

  // ---- the stack

  private void push(Object v) {
    if (sp == stack.length) {
      stack = Arrays.copyOf(stack, sp * 2);
    }
    stack[sp++] = v;
  }

  private Object pop() {
    return stack[--sp];
  }

  private Object peek() {
    return stack[sp - 1];
  }

  private void mark() {
    if (mp == marks.length) {
      marks = Arrays.copyOf(marks, mp * 2);
    }
    marks[mp++] = sp;
  }

  /** Pops the topmost mark; the items above it are stack[result..sp). */
  private int popMark() {
    return marks[--mp];
  }

  private void clear(int from, int to) {
    Arrays.fill(stack, from, to, null);
  }

  private void resolveRange(int from, int to) {
    Object[] s = stack;
    for (int i = from; i < to; i++) {
      s[i] = resolve(s[i]);
    }
  }

  // ---- reading the payload

  private int u8() {
    return buf[pos++] & 0xFF;
  }

  /** An unsigned little-endian integer of 1-8 bytes. */
  private long uint(int width) {
    int p = pos;
    if (end - p < width) {
      throw new PickleException(Verdict.MALFORMED, "truncated", opOffset, String.format(
          "%s at offset %d needs %d bytes but %d remain", opName, opOffset, width, end - p));
    }
    long v = 0;
    for (int k = width - 1; k >= 0; k--) {
      v = (v << 8) | (buf[p + k] & 0xFF);
    }
    pos = p + width;
    return v;
  }

  private long uintBe8() {
    int p = pos;
    long v = 0;
    for (int k = 0; k < 8; k++) {
      v = (v << 8) | (buf[p + k] & 0xFF);
    }
    pos = p + 8;
    return v;
  }

  private void skip(int n, String name) {
    require(n, name);
    pos += n;
  }

  private void require(long n, String name) {
    if (n < 0 || n > end - pos) {
      throw new PickleException(Verdict.MALFORMED, "truncated", opOffset,
          String.format("%s at offset %d claims %d bytes but %d remain", name, opOffset, n, end - pos));
    }
  }

  private byte[] bytes(long n, String name) {
    require(n, name);
    int from = pos;
    pos = from + (int) n;
    return Arrays.copyOfRange(buf, from, pos);
  }

  /** Consumes through the next newline; returns the index of the newline. */
  private int lineEnd() {
    for (int i = pos; i < end; i++) {
      if (buf[i] == '\n') {
        pos = i + 1;
        return i;
      }
    }
    throw new PickleException(Verdict.MALFORMED, "truncated", opOffset,
        String.format("%s at offset %d has no terminating newline", opName, opOffset));
  }

  private String line() {
    int from = pos;
    int to = lineEnd();
    return latin1(buf, from, to - from);
  }

  /**
   * UTF-8 text (BINUNICODE and friends), as CPython reads it: strict, with surrogatepass. The JDK's decoder is
   * strict too and writes U+FFFD for what it refuses (encoded surrogates among them), so its result is the
   * answer unless it holds a U+FFFD; then the exact (and slower) {@link PickleText#utf8OrThrow} decides.
   */
  private String text(long n) {
    require(n, opName);
    int from = pos;
    int len = (int) n;
    pos = from + len;
    String s = new String(buf, from, len, StandardCharsets.UTF_8);
    if (s.indexOf('\uFFFD') < 0) {
      return s;
    }
    return PickleText.utf8OrThrow(Arrays.copyOfRange(buf, from, from + len), true, opName, opOffset);
  }

  // ---- scalars

  private void intText() {
    opName = "INT";
    String s = line();
    if (s.equals("00")) {
      push(Boolean.FALSE);
    } else if (s.equals("01")) {
      push(Boolean.TRUE);
    } else {
      push(integer(s));
    }
  }

  private void longText() {
    opName = "LONG";
    String s = line();
    push(integer(s.endsWith("L") ? s.substring(0, s.length() - 1) : s));
  }

  private Object integer(String s) {
    if (!INT_TEXT.matcher(s).matches()) {
      throw fail("decode-failed", "not an integer: '" + abbreviate(s) + "'");
    }
    return normalize(new BigInteger(s));
  }

  /** LONG1/LONG4: little-endian two's complement; up to 8 bytes without a BigInteger. */
  private Object longBytes(long n) {
    require(n, opName);
    int from = pos;
    int len = (int) n;
    pos = from + len;
    if (len == 0) {
      return 0L;
    }
    if (len <= 8) {
      long v = 0;
      for (int k = len - 1; k >= 0; k--) {
        v = (v << 8) | (buf[from + k] & 0xFF);
      }
      int shift = 64 - 8 * len;
      return Long.valueOf((v << shift) >> shift);
    }
    byte[] be = new byte[len];
    for (int i = 0; i < len; i++) {
      be[i] = buf[from + len - 1 - i];
    }
    return normalize(new BigInteger(be));
  }

  static Object normalize(BigInteger i) {
    return i.bitLength() < 64 ? (Object) i.longValue() : i;
  }

  private void floatText() {
    opName = "FLOAT";
    String s = line().trim();
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
    push(d);
  }

  private void stringText() {
    opName = "STRING";
    int from = pos;
    int to = lineEnd();
    byte[] b = buf;
    if (to - from < 2 || b[from] != b[to - 1] || (b[from] != '\'' && b[from] != '"')) {
      throw fail("decode-failed", "the STRING opcode argument must be quoted");
    }
    push(new RawStr(PickleText.escapeDecode(b, from + 1, to - 1, opOffset), opName, opOffset));
  }

  // ---- containers

  /** TUPLE, TUPLE1-3: items stack[from..sp) become one tuple; nested tuples are resolved now. */
  private void tuple(int from) {
    opName = "TUPLE";
    int n = sp - from;
    Object[] items = new Object[n];
    boolean raw = false;
    for (int i = 0; i < n; i++) {
      Object item = stack[from + i];
      if (item instanceof RawTuple t) {
        item = resolve(t);
      } else if (item instanceof RawStr || item instanceof GlobalRef || item instanceof Pending) {
        raw = true;
      }
      items[i] = item;
    }
    sp = from;
    // only a tuple holding raw items needs to stay raw until it lands somewhere (or is REDUCE's arguments)
    push(raw ? new RawTuple(Arrays.asList(items), opOffset) : PyTuple.wrap(items));
  }

  private void appends() {
    opName = "APPENDS";
    int from = popMark();
    int to = sp;
    resolveRange(from, to);
    sp = from;
    List<Object> list = list(peek());
    if (list instanceof ArrayList<Object> al) {
      al.ensureCapacity(al.size() + (to - from));
    }
    for (int i = from; i < to; i++) {
      list.add(stack[i]);
    }
  }

  private void setItems() {
    opName = "SETITEMS";
    int from = popMark();
    int to = sp;
    sp = from;
    Map<Object, Object> d = dict(peek());
    sp = to;
    putPairs(d, from);
  }

  /** Puts the pairs stack[from..sp) into d, then pops them. */
  private void putPairs(Map<Object, Object> d, int from) {
    int n = sp - from;
    if (n % 2 != 0) {
      throw fail("decode-failed", "odd number of items for a dict: " + n);
    }
    Object[] s = stack;
    for (int i = from; i < sp; i += 2) {
      Object k = s[i];
      if (!(k instanceof String)) {
        k = hashable(resolve(k));
      }
      Object v = s[i + 1];
      if (v instanceof RawStr || v instanceof RawTuple || v instanceof GlobalRef || v instanceof Pending) {
        v = resolve(v);
      }
      d.put(k, v);
    }
    sp = from;
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

  private Object hashable(Object key) {
    if (key instanceof String || key instanceof Long) {
      return key;
    }
    String bad = unhashableType(key);
    if (bad != null) {
      throw fail("decode-failed", "unhashable type: '" + bad + "'");
    }
    return key;
  }

  /**
   * The Python type that makes {@code v} unhashable, as CPython's TypeError names it: {@code v}'s own, or for a
   * tuple the first unhashable item met hashing it depth first (a tuple hashes its items); null when hashable.
   * Iterative, and each tuple is visited once, so shared or deeply nested tuples cost their size, not their paths.
   */
  static String unhashableType(Object v) {
    if (!(v instanceof PyTuple root)) {
      return unhashableLeaf(v) ? pythonType(v) : null;
    }
    ArrayDeque<Iterator<Object>> todo = new ArrayDeque<>();
    Set<PyTuple> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(root);
    todo.push(root.items().iterator());
    while (!todo.isEmpty()) {
      Iterator<Object> items = todo.peek();
      if (!items.hasNext()) {
        todo.pop();
        continue;
      }
      Object item = items.next();
      if (item instanceof PyTuple t) {
        if (seen.add(t)) {
          todo.push(t.items().iterator());
        }
      } else if (unhashableLeaf(item)) {
        return pythonType(item);
      }
    }
    return null;
  }

  private static boolean unhashableLeaf(Object v) {
    return v instanceof List<?> || v instanceof Map<?, ?> || v instanceof Set<?> || v instanceof PyByteArray;
  }

  // ---- the memo

  private void memoize(int index) {
    Object top = stack[sp - 1];
    Object slot = top == null ? NONE : top;
    if (index >= 0 && index < memo.length) {
      if (memo[index] == null && !farRemove(index)) {
        memoCount++;
      }
      memo[index] = slot;
    } else if (index >= 0 && index <= 2 * memoCount + 16) {
      memo = Arrays.copyOf(memo, Math.max(index + 1, Math.max(16, memo.length * 2)));
      if (!farRemove(index)) {
        memoCount++;
      }
      memo[index] = slot;
    } else {
      if (farMemo == null) {
        farMemo = new HashMap<>();
      }
      if (farMemo.put(index, slot) == null) {
        memoCount++;
      }
    }
    // builtBy is null unless a global was called: skip the identity hash, which costs every memoized object
    if (top != null && builtBy != null && builtBy.containsKey(top)) {
      if (memoKeys == null) {
        memoKeys = new IdentityHashMap<>();
      }
      memoKeys.computeIfAbsent(top, k -> new ArrayList<>()).add(index);
    }
  }

  /** Forgets the far entry of an index the array now holds; whether there was one (counted when it was put). */
  private boolean farRemove(int index) {
    return farMemo != null && farMemo.remove(index) != null;
  }

  private Object memoGet(int index) {
    Object v = index >= 0 && index < memo.length ? memo[index] : null;
    if (v == null && farMemo != null) {
      v = farMemo.get(index);
    }
    if (v == null) {
      throw new PickleException(Verdict.MALFORMED, "decode-failed", opOffset,
          String.format("memo key %d at offset %d is not defined", index, opOffset));
    }
    return v == NONE ? null : v;
  }

  private void memoReplace(int index, Object old, Object replacement) {
    Object slot = replacement == null ? NONE : replacement;
    if (index >= 0 && index < memo.length && memo[index] != null) {
      if (memo[index] == old) {
        memo[index] = slot;
      }
    } else if (farMemo != null && farMemo.get(index) == old) {
      farMemo.put(index, slot);
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
    if (v instanceof RawStr s) {
      if (s.converted == null) {
        s.converted = policy == Py2Str.BYTES ? s.bytes : PickleText.py2Str(s.bytes, policy, s.opcode, s.offset);
      }
      return s.converted;
    }
    if (v instanceof RawTuple t) {
      if (t.resolved == null) {
        Object[] items = new Object[t.items.size()];
        for (int i = 0; i < items.length; i++) {
          items[i] = resolve(t.items.get(i));
        }
        t.resolved = PyTuple.wrap(items);
      }
      return t.resolved;
    }
    if (v instanceof GlobalRef g) {
      if (g.name().equals("builtins.Ellipsis") || g.name().equals("builtins.NotImplemented")) {
        return new PyObject(g.name(), List.of(), null);
      }
      throw new PickleException(Verdict.MALFORMED, "decode-failed", opOffset, String.format(
          "%s at offset %d: global %s (offset %d) used as a value; only calls of allowed globals decode",
          opName, opOffset, g.name(), g.offset()));
    }
    if (v instanceof Pending p) {
      throw new PickleException(Verdict.MALFORMED, "decode-failed", opOffset, String.format(
          "%s at offset %d: %s created at offset %d never received its state (BUILD)", opName, opOffset,
          p.name(), p.offset()));
    }
    return v;
  }

  // ---- globals, calls, state

  private GlobalRef global(String module, String name) {
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
    return new GlobalRef(qualified, callee, opOffset);
  }

  private Object call(Object callable, Object args) {
    if (!(callable instanceof GlobalRef g)) {
      throw fail("decode-failed", "calls " + pythonType(callable) + ", not an allowed global");
    }
    List<Object> raw;
    if (args instanceof RawTuple t) {
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
      if (builtBy == null) {
        builtBy = new IdentityHashMap<>();
      }
      builtBy.put(result, c.owner());
    }
    return result;
  }

  private void build() {
    opName = "BUILD";
    Object state = resolve(pop());
    Object instance = pop();
    GlobalRef owner = instance == null || builtBy == null ? null : builtBy.get(instance);
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
      List<Integer> keys = memoKeys == null ? null : memoKeys.remove(instance);
      if (keys != null) {
        for (Integer k : keys) {
          memoReplace(k, instance, replaced);
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
    push(replaced);
  }

  PickleException fail(String code, String message) {
    return new PickleException(Verdict.MALFORMED, code, opOffset,
        String.format("%s at offset %d: %s", opName, opOffset, message));
  }

  static String pythonType(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof GlobalRef g) {
      return "global " + g.name();
    }
    if (v instanceof RawTuple || v instanceof PyTuple) {
      return "tuple";
    }
    if (v instanceof RawStr || v instanceof byte[]) {
      return "bytes";
    }
    if (v instanceof String) {
      return "str";
    }
    if (v instanceof Long || v instanceof BigInteger) {
      return "int";
    }
    if (v instanceof Double) {
      return "float";
    }
    if (v instanceof List<?>) {
      return "list";
    }
    if (v instanceof Map<?, ?>) {
      return "dict";
    }
    if (v instanceof Set<?>) {
      return "set";
    }
    if (v instanceof PyFrozenSet) {
      return "frozenset";
    }
    if (v instanceof PyByteArray) {
      return "bytearray";
    }
    if (v instanceof PyObject o) {
      return o.qualifiedName();
    }
    return v.getClass().getSimpleName();
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static String latin1(byte[] b, int from, int n) {
    return new String(b, from, n, StandardCharsets.ISO_8859_1);
  }
}

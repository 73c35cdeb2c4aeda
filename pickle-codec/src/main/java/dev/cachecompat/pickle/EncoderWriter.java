package dev.cachecompat.pickle;

import dev.cachecompat.core.Limits;
import dev.cachecompat.core.Verdict;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One run of {@link PickleEncoder#encode}: the output buffer, the memo and the framing state. Mirrors CPython
 * 3.13's {@code _pickle.c} Pickler (what it memoizes and in which order, batching, framing), so that the output
 * is byte-identical where the value is. Not thread-safe; used once.
 */
final class EncoderWriter {
  private static final byte MARK = '(';
  private static final byte STOP = '.';
  private static final byte POP = '0';
  private static final byte POP_MARK = '1';
  private static final byte FLOAT = 'F';
  private static final byte INT = 'I';
  private static final byte BININT = 'J';
  private static final byte BININT1 = 'K';
  private static final byte LONG = 'L';
  private static final byte BININT2 = 'M';
  private static final byte NONE = 'N';
  private static final byte REDUCE = 'R';
  private static final byte UNICODE = 'V';
  private static final byte BINUNICODE = 'X';
  private static final byte APPEND = 'a';
  private static final byte BUILD = 'b';
  private static final byte GLOBAL = 'c';
  private static final byte DICT = 'd';
  private static final byte EMPTY_DICT = '}';
  private static final byte APPENDS = 'e';
  private static final byte GET = 'g';
  private static final byte BINGET = 'h';
  private static final byte LONG_BINGET = 'j';
  private static final byte LIST = 'l';
  private static final byte EMPTY_LIST = ']';
  private static final byte PUT = 'p';
  private static final byte BINPUT = 'q';
  private static final byte LONG_BINPUT = 'r';
  private static final byte SETITEM = 's';
  private static final byte TUPLE = 't';
  private static final byte EMPTY_TUPLE = ')';
  private static final byte SETITEMS = 'u';
  private static final byte BINFLOAT = 'G';
  private static final byte PROTO = (byte) 0x80;
  private static final byte NEWOBJ = (byte) 0x81;
  private static final byte TUPLE1 = (byte) 0x85;
  private static final byte NEWTRUE = (byte) 0x88;
  private static final byte NEWFALSE = (byte) 0x89;
  private static final byte LONG1 = (byte) 0x8a;
  private static final byte LONG4 = (byte) 0x8b;
  private static final byte BINBYTES = 'B';
  private static final byte SHORT_BINBYTES = 'C';
  private static final byte SHORT_BINUNICODE = (byte) 0x8c;
  private static final byte EMPTY_SET = (byte) 0x8f;
  private static final byte ADDITEMS = (byte) 0x90;
  private static final byte FROZENSET = (byte) 0x91;
  private static final byte STACK_GLOBAL = (byte) 0x93;
  private static final byte MEMOIZE = (byte) 0x94;
  private static final byte FRAME = (byte) 0x95;
  private static final byte BYTEARRAY8 = (byte) 0x96;

  private static final int BATCH = 1000;
  private static final int FRAME_SIZE_TARGET = 64 * 1024;
  private static final int FRAME_SIZE_MIN = 4;
  private static final int FRAME_HEADER = 9;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final int proto;
  private final boolean bin;
  private final boolean fixImports;
  private final boolean memoize;
  private final int maxDepth;
  private final int maxIntDigits;
  private final long maxPayload;

  private byte[] buf;
  private int len;
  private boolean framing;
  private int frameStart = -1;
  /** len at which {@link #boundary} must commit the open frame; MAX_VALUE when no frame is open. */
  private int commitAt = Integer.MAX_VALUE;
  /** reserve's fast path holds while len + n stays within this: buf.length, or -1 when a frame must open. */
  private int fastLimit;

  private final IdentityMemo memo;
  private final Map<String, Integer> globalMemo = new HashMap<>();
  private final Map<String, Integer> moduleMemo = new HashMap<>();
  private int latin1Memo = -1;
  private int intKeyMemo = -1;
  private int nextMemo;

  /**
   * A run writing the given protocol; scratch lends it the buffer and memo table a previous run left (see
   * {@link #recycle}), or null for new ones.
   */
  EncoderWriter(int proto, boolean fixImports, boolean memoize, Limits limits, Scratch scratch) {
    this.buf = scratch != null && scratch.buf != null ? scratch.buf : new byte[1024];
    this.fastLimit = buf.length;
    this.memo = scratch != null && scratch.keys != null
        ? new IdentityMemo(scratch.keys, scratch.indexes)
        : new IdentityMemo(new Object[64], new int[64]);
    this.proto = proto;
    this.bin = proto >= 1;
    this.fixImports = fixImports;
    this.memoize = memoize;
    this.maxDepth = limits.maxDepth();
    this.maxIntDigits = limits.maxIntDigits();
    this.maxPayload = limits.maxPayloadBytes();
  }

  byte[] encode(Object value) {
    try {
      if (proto >= 2) {
        put2(PROTO, (byte) proto);
      }
      setFraming(proto >= 4);
      save(value, 1);
      put1(STOP);
      commitFrame();
      setFraming(false);
      return Arrays.copyOf(buf, len);
    } catch (EncoderFailure f) {
      throw f.toException();
    } catch (StackOverflowError e) {
      throw new EncoderFailure(Verdict.OVER_LIMIT, "too-deep",
          "value nested too deeply for the Java stack (Limits.maxDepth is " + maxDepth + ")").toException();
    }
  }

  /**
   * Hands this run's buffer and memo table to scratch for the next run, when they are small enough to keep; the
   * memo is emptied first, so no value of this run stays reachable. Call once, after {@link #encode}.
   */
  void recycle(Scratch scratch) {
    scratch.buf = buf.length <= Scratch.KEEP_BUFFER ? buf : null;
    memo.recycle(scratch);
  }

  /**
   * The arrays one run leaves for the next: a {@link PickleEncoder} keeps one spare, so that an encode allocates
   * little besides its result. Used by one run at a time; holds no values (the memo keys are cleared).
   */
  static final class Scratch {
    static final int KEEP_BUFFER = 16 * 1024;
    static final int KEEP_MEMO = 1024;
    private byte[] buf;
    private Object[] keys;
    private int[] indexes;
  }

  // ---------------------------------------------------------------- dispatch

  private void save(Object v, int depth) {
    boundary();
    if (v == null) {
      put1(NONE);
      return;
    }
    Class<?> c = v.getClass();
    if (c == String.class) {
      // the commonest value: one memo probe finds it or the slot it takes (nothing else is memoized between)
      if (memoize) {
        int found = memo.lookup(v);
        if (found >= 0) {
          writeGet(found);
          return;
        }
        saveStr((String) v);
        memoPutAt(found, v);
      } else {
        saveStr((String) v);
      }
      return;
    }
    if (c == Integer.class || c == Long.class || c == Short.class || c == Byte.class) {
      saveLong(((Number) v).longValue());
      return;
    }
    if (c == Boolean.class) {
      saveBool((Boolean) v);
      return;
    }
    if (c == Double.class || c == Float.class) {
      saveDouble(((Number) v).doubleValue());
      return;
    }
    if (v instanceof BigInteger) {
      saveBigInteger((BigInteger) v);
      return;
    }
    int slot = -1;
    if (memoize) {
      slot = memo.lookup(v);
      if (slot >= 0) {
        writeGet(slot);
        return;
      }
    }
    if (c == LinkedHashMap.class || c == HashMap.class) {
      saveDict((Map<?, ?>) v, depth, slot);
    } else if (c == ArrayList.class) {
      saveList((List<?>) v, depth, slot);
    } else if (v instanceof List) {
      saveList((List<?>) v, depth, slot);
    } else if (v instanceof Map) {
      saveDict((Map<?, ?>) v, depth, slot);
    } else if (c == byte[].class) {
      saveBytes((byte[]) v, v);
    } else if (c == PyTuple.class) {
      saveTuple((PyTuple) v, depth);
    } else if (v instanceof Set) {
      saveSet((Set<?>) v, depth);
    } else if (c == PyFrozenSet.class) {
      saveFrozenSet((PyFrozenSet) v, depth);
    } else if (c == PyByteArray.class) {
      saveByteArray((PyByteArray) v);
    } else if (c == PyComplex.class) {
      saveComplex((PyComplex) v);
    } else if (c == BigDecimal.class) {
      saveDecimal(((BigDecimal) v).toString(), v);
    } else if (c == PyDecimal.class) {
      saveDecimal(checkedDecimalText((PyDecimal) v), v);
    } else if (c == LocalDateTime.class) {
      saveDateTime((LocalDateTime) v);
    } else if (c == OffsetDateTime.class) {
      saveAwareDateTime((OffsetDateTime) v, depth);
    } else if (c == LocalDate.class) {
      saveDate((LocalDate) v);
    } else if (c == LocalTime.class) {
      saveTime((LocalTime) v);
    } else if (c == OffsetTime.class) {
      saveAwareTime((OffsetTime) v, depth);
    } else if (c == ZoneOffset.class) {
      saveTimezone((ZoneOffset) v);
    } else if (c == Duration.class) {
      saveTimedelta((Duration) v, v);
    } else if (c == UUID.class) {
      saveUuid((UUID) v);
    } else if (c == PyObject.class) {
      saveObject((PyObject) v, depth);
    } else {
      throw new EncoderFailure(Verdict.VALID, "unsupported-type",
          "cannot encode " + c.getTypeName() + " (no Python counterpart)");
    }
  }

  private void checkDepth(int depth) {
    if (depth > maxDepth) {
      throw new EncoderFailure(Verdict.OVER_LIMIT, "too-deep",
          "value nested deeper than " + maxDepth + " levels (Limits.maxDepth)");
    }
  }

  // ---------------------------------------------------------------- atoms

  private void saveBool(boolean b) {
    if (proto >= 2) {
      put1(b ? NEWTRUE : NEWFALSE);
    } else {
      reserve(4);
      buf[len++] = INT;
      buf[len++] = '0';
      buf[len++] = (byte) (b ? '1' : '0');
      buf[len++] = '\n';
    }
  }

  private void saveLong(long v) {
    if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      if (bin) {
        if (v >= 0 && v <= 0xff) {
          put2(BININT1, (byte) v);
        } else if (v >= 0 && v <= 0xffff) {
          reserve(3);
          buf[len++] = BININT2;
          buf[len++] = (byte) v;
          buf[len++] = (byte) (v >>> 8);
        } else {
          reserve(5);
          buf[len++] = BININT;
          putIntLe((int) v);
        }
      } else {
        putText(INT, Long.toString(v), null);
      }
      return;
    }
    if (proto >= 2) {
      long magnitude = v >= 0 ? v : ~v;
      int n = (64 - Long.numberOfLeadingZeros(magnitude)) / 8 + 1;
      reserve(2 + n);
      buf[len++] = LONG1;
      buf[len++] = (byte) n;
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) (v >> (8 * i));
      }
    } else {
      putText(LONG, Long.toString(v), "L");
    }
  }

  private void saveBigInteger(BigInteger v) {
    if (v.bitLength() < 64) {
      saveLong(v.longValue());
      return;
    }
    if (proto >= 2) {
      byte[] be = v.toByteArray();
      int n = be.length;
      if (n < 256) {
        reserve(2 + n);
        buf[len++] = LONG1;
        buf[len++] = (byte) n;
      } else {
        reserve(5L + n);
        buf[len++] = LONG4;
        putIntLe(n);
      }
      for (int i = n - 1; i >= 0; i--) {
        buf[len++] = be[i];
      }
      return;
    }
    // 10^d > 2^(bitLength-1), so more than bitLength * log10(2) + 1 digits is impossible
    if ((long) ((v.bitLength() - 1) * 0.30102999566398) + 1 > maxIntDigits + 1L) {
      throw tooManyDigits(v.bitLength());
    }
    String s = v.toString();
    int digits = s.length() - (v.signum() < 0 ? 1 : 0);
    if (digits > maxIntDigits) {
      throw tooManyDigits(v.bitLength());
    }
    putText(LONG, s, "L");
  }

  private EncoderFailure tooManyDigits(int bits) {
    return new EncoderFailure(Verdict.OVER_LIMIT, "too-many-digits",
        "a " + bits + "-bit int needs more than " + maxIntDigits
            + " decimal digits (Limits.maxIntDigits), which Python 3.11+ refuses to read at protocol " + proto
            + "; use protocol 2 or later");
  }

  private void saveDouble(double d) {
    if (bin) {
      reserve(9);
      buf[len++] = BINFLOAT;
      long bits = Double.doubleToRawLongBits(d);
      for (int i = 7; i >= 0; i--) {
        buf[len++] = (byte) (bits >>> (8 * i));
      }
    } else {
      putText(FLOAT, EncoderFloats.repr(d), null);
    }
  }

  /**
   * Writes a str (no memo). One pass where the opcode is certain from the char count alone (UTF-8 takes 1 to 3
   * bytes per char), reserving the worst case and patching the length; two passes only in between.
   */
  private void saveStr(String s) {
    if (!bin) {
      saveUnicodeText(s);
      return;
    }
    int chars = s.length();
    long worst = 3L * chars;
    if (proto >= 4 && worst < 256) {
      reserve(2 + worst);
      buf[len++] = SHORT_BINUNICODE;
      int at = len++;
      putUtf8(s);
      buf[at] = (byte) (len - at - 1);
      return;
    }
    if (proto >= 4 && chars < 256 && len + 5 + worst <= maxPayload) {
      // SHORT_BINUNICODE unless the UTF-8 reaches 256 bytes: write once behind a short header, widen if not
      reserve(5 + worst);
      int at = len;
      len += 2;
      putUtf8(s);
      int n = len - at - 2;
      if (n < 256) {
        buf[at] = SHORT_BINUNICODE;
        buf[at + 1] = (byte) n;
      } else {
        System.arraycopy(buf, at + 2, buf, at + 5, n);
        buf[at] = BINUNICODE;
        len = at + 1;
        putIntLe(n);
        len += n;
      }
      return;
    }
    boolean certainlyLong = chars >= 256 || proto < 4;
    boolean certainlyLarge = framing && chars >= FRAME_SIZE_TARGET;
    boolean certainlySmall = !framing || worst < FRAME_SIZE_TARGET;
    if (certainlyLong && (certainlyLarge || certainlySmall) && len + worst <= maxPayload) {
      if (certainlyLarge) {
        commitFrame();
        setFraming(false);
      }
      reserve(5 + worst);
      buf[len++] = BINUNICODE;
      int at = len;
      len += 4;
      putUtf8(s);
      int n = len - at - 4;
      buf[at] = (byte) n;
      buf[at + 1] = (byte) (n >>> 8);
      buf[at + 2] = (byte) (n >>> 16);
      buf[at + 3] = (byte) (n >>> 24);
      setFraming(proto >= 4);
      return;
    }
    long n = utf8Length(s);
    if (proto >= 4 && n < 256) {
      reserve(2 + n);
      buf[len++] = SHORT_BINUNICODE;
      buf[len++] = (byte) n;
      putUtf8(s);
      return;
    }
    boolean bypass = beginLarge(n);
    reserve(5 + (bypass ? 0 : n));
    buf[len++] = BINUNICODE;
    putIntLe((int) n);
    if (bypass) {
      reserve(n);
    }
    putUtf8(s);
    setFraming(proto >= 4);
  }

  /** Protocol 0's UNICODE: raw-unicode-escape, with the five characters CPython 3.13 escapes besides. */
  private void saveUnicodeText(String s) {
    reserve(1);
    buf[len++] = UNICODE;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char ch = s.charAt(i);
      reserve(10);
      if (ch >= 0x100) {
        if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(ch, s.charAt(++i));
          buf[len++] = '\\';
          buf[len++] = 'U';
          putHex(cp, 8);
        } else {
          buf[len++] = '\\';
          buf[len++] = 'u';
          putHex(ch, 4);
        }
      } else if (ch == '\\' || ch == '\n' || ch == '\r' || ch == 0 || ch == 0x1a) {
        buf[len++] = '\\';
        buf[len++] = 'u';
        putHex(ch, 4);
      } else {
        buf[len++] = (byte) ch;
      }
    }
    reserve(1);
    buf[len++] = '\n';
  }

  /** bytes: BINBYTES from protocol 3, else CPython 3's {@code _codecs.encode(u'...', 'latin1')}. */
  private void saveBytes(byte[] b, Object identity) {
    int n = b.length;
    if (proto >= 3) {
      if (n < 256) {
        reserve(2 + n);
        buf[len++] = SHORT_BINBYTES;
        buf[len++] = (byte) n;
        System.arraycopy(b, 0, buf, len, n);
        len += n;
      } else {
        putLargeBytes(BINBYTES, b, 4);
      }
      memoPut(identity);
      return;
    }
    if (n == 0) {
      saveGlobal("builtins", "bytes");
      boundary();
      endTuple(0);
      put1(REDUCE);
      memoPut(identity);
      return;
    }
    saveGlobal("_codecs", "encode");
    boundary();
    beginTuple(2);
    boundary();
    if (bin) {
      long u = n;
      for (byte x : b) {
        if (x < 0) {
          u++;
        }
      }
      reserve(5 + u);
      buf[len++] = BINUNICODE;
      putIntLe((int) u);
      for (byte x : b) {
        if (x >= 0) {
          buf[len++] = x;
        } else {
          buf[len++] = (byte) (0xc0 | ((x & 0xff) >>> 6));
          buf[len++] = (byte) (0x80 | (x & 0x3f));
        }
      }
    } else {
      reserve(1);
      buf[len++] = UNICODE;
      for (byte x : b) {
        reserve(6);
        if (x == '\\' || x == '\n' || x == '\r' || x == 0 || x == 0x1a) {
          buf[len++] = '\\';
          buf[len++] = 'u';
          putHex(x, 4);
        } else {
          buf[len++] = x;
        }
      }
      reserve(1);
      buf[len++] = '\n';
    }
    memoPut(null);
    boundary();
    if (memoize && latin1Memo >= 0) {
      writeGet(latin1Memo);
    } else {
      saveStr("latin1");
      latin1Memo = nextMemo;
      memoPut(null);
    }
    endTuple(2);
    put1(REDUCE);
    memoPut(identity);
  }

  // ---------------------------------------------------------------- containers

  /** A list; slot is where memo lookup said it goes (nothing is memoized before memoPutAt). */
  private void saveList(List<?> list, int depth, int slot) {
    checkDepth(depth);
    if (bin) {
      put1(EMPTY_LIST);
    } else {
      put2(MARK, LIST);
    }
    memoPutAt(slot, list);
    appendItems(list, list.size(), depth + 1);
  }

  /** CPython's batch_list_exact: APPEND for one item (or every item at protocol 0), MARK..APPENDS by 1,000. */
  private void appendItems(Iterable<?> items, int size, int depth) {
    if (items instanceof ArrayList && bin && size > 1 && size <= BATCH) {
      // the common list: one MARK..APPENDS batch, by index (no iterator)
      List<?> list = (List<?>) items;
      put1(MARK);
      for (int i = 0; i < size; i++) {
        saveAt(list.get(i), depth, i);
      }
      put1(APPENDS);
      return;
    }
    Iterator<?> it = items.iterator();
    int i = 0;
    if (!bin || size == 1) {
      while (it.hasNext()) {
        saveAt(it.next(), depth, i++);
        put1(APPEND);
      }
      return;
    }
    if (size == 0) {
      return;
    }
    do {
      put1(MARK);
      int batch = 0;
      while (it.hasNext()) {
        saveAt(it.next(), depth, i++);
        if (++batch == BATCH) {
          break;
        }
      }
      put1(APPENDS);
    } while (it.hasNext());
  }

  private void saveAt(Object item, int depth, int index) {
    try {
      save(item, depth);
    } catch (EncoderFailure f) {
      throw f.at("[" + index + "]");
    }
  }

  /** A dict; slot is where memo lookup said it goes (nothing is memoized before memoPutAt). */
  private void saveDict(Map<?, ?> map, int depth, int slot) {
    checkDepth(depth);
    if (bin) {
      put1(EMPTY_DICT);
    } else {
      put2(MARK, DICT);
    }
    memoPutAt(slot, map);
    int size = map.size();
    Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
    int index = 0;
    // keys that may equal a key of another class are checked (all of them, once) when the first key that is
    // not a String comes up: distinct Strings are distinct in Python, so an all-String dict needs no scan
    boolean keysChecked = false;
    if (!bin || size == 1) {
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        if (!keysChecked && !(e.getKey() instanceof String)) {
          requireDistinctInPython(map.keySet(), "dict key", ".key");
          keysChecked = true;
        }
        saveEntry(e, depth + 1, index++);
        put1(SETITEM);
      }
      return;
    }
    if (size == 0) {
      return;
    }
    int batch;
    do {
      put1(MARK);
      batch = 0;
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        if (!keysChecked && !(e.getKey() instanceof String)) {
          requireDistinctInPython(map.keySet(), "dict key", ".key");
          keysChecked = true;
        }
        saveEntry(e, depth + 1, index++);
        if (++batch == BATCH) {
          break;
        }
      }
      put1(SETITEMS);
    } while (batch == BATCH);
  }

  private void saveEntry(Map.Entry<?, ?> e, int depth, int index) {
    Object key = e.getKey();
    try {
      if (!(key instanceof String)) {
        requireHashable(key, "a dict key", depth);
      }
      save(key, depth);
    } catch (EncoderFailure f) {
      throw f.at("[" + index + "].key");
    }
    try {
      save(e.getValue(), depth);
    } catch (EncoderFailure f) {
      throw f.at("[" + index + "].value");
    }
  }

  private void saveTuple(PyTuple t, int depth) {
    int n = t.size();
    if (n == 0) {
      endTuple(0);
      return;
    }
    checkDepth(depth);
    boolean small = proto >= 2 && n <= 3;
    if (!small) {
      put1(MARK);
    }
    List<Object> items = t.items();
    for (int i = 0; i < n; i++) {
      saveAt(items.get(i), depth + 1, i);
    }
    if (memoize) {
      int idx = memo.get(t);
      if (idx >= 0) {
        // the tuple was reached through its own items: drop what was built and fetch the memoized one
        int pops = small ? n : bin ? 0 : n + 1;
        reserve(pops + 1);
        for (int i = 0; i < pops; i++) {
          buf[len++] = POP;
        }
        if (!small && bin) {
          buf[len++] = POP_MARK;
        }
        writeGet(idx);
        return;
      }
    }
    put1(small ? (byte) (TUPLE1 + n - 1) : TUPLE);
    memoPut(t);
  }

  private void saveSet(Set<?> set, int depth) {
    checkDepth(depth);
    requireDistinctInPython(set, "set element", "");
    if (proto < 4) {
      reduceWithList("set", set, set.size(), depth);
      memoPut(set);
      return;
    }
    put1(EMPTY_SET);
    memoPut(set);
    if (set.isEmpty()) {
      return;
    }
    Iterator<?> it = set.iterator();
    int i = 0;
    int batch;
    do {
      put1(MARK);
      batch = 0;
      while (it.hasNext()) {
        saveElement(it.next(), depth + 1, i++);
        if (++batch == BATCH) {
          break;
        }
      }
      put1(ADDITEMS);
    } while (batch == BATCH);
  }

  private void saveElement(Object item, int depth, int index) {
    try {
      requireHashable(item, "a set element", depth);
      save(item, depth);
    } catch (EncoderFailure f) {
      throw f.at("[" + index + "]");
    }
  }

  private void saveFrozenSet(PyFrozenSet fs, int depth) {
    checkDepth(depth);
    Set<Object> items = fs.items();
    requireDistinctInPython(items, "set element", "");
    if (proto < 4) {
      reduceWithList("frozenset", items, items.size(), depth);
      memoPut(fs);
      return;
    }
    put1(MARK);
    int i = 0;
    for (Object item : items) {
      saveElement(item, depth + 1, i++);
    }
    if (memoize) {
      int idx = memo.get(fs);
      if (idx >= 0) {
        put1(POP_MARK);
        writeGet(idx);
        return;
      }
    }
    put1(FROZENSET);
    memoPut(fs);
  }

  /** {@code builtins.<name>([items])}, CPython's set and frozenset below protocol 4. */
  private void reduceWithList(String name, Set<?> items, int size, int depth) {
    saveGlobal("builtins", name);
    boundary();
    beginTuple(1);
    boundary();
    if (bin) {
      put1(EMPTY_LIST);
    } else {
      put2(MARK, LIST);
    }
    memoPut(null);
    for (Object item : items) {
      requireHashableAt(item, depth + 1, items);
    }
    appendItems(items, size, depth + 1);
    endTuple(1);
    put1(REDUCE);
  }

  /**
   * Refuses keys that are distinct in Java but one key in Python (1, 1L, true, 1.0, BigDecimal 1.00; 0.0 and
   * -0.0), which Python would silently merge. A cheap class scan first; values compared only when mixed.
   */
  private static void requireDistinctInPython(Iterable<?> keys, String role, String suffix) {
    Class<?> first = null;
    boolean mixed = false;
    boolean positiveZero = false;
    boolean negativeZero = false;
    for (Object k : keys) {
      if (k instanceof String) {
        continue; // the common key: equal to no key of another class, and no two distinct Strings are equal
      }
      if (k instanceof PyDecimal || k instanceof OffsetDateTime || k instanceof OffsetTime) {
        mixed = true; // -0 Decimal equals 0; aware datetimes and times are equal at the same UTC instant
        break;
      }
      if (k instanceof Number || k instanceof Boolean) {
        Class<?> c = k.getClass();
        if (first == null) {
          first = c;
        } else if (first != c) {
          mixed = true;
          break;
        }
        if (c == BigDecimal.class) {
          mixed = true;
          break;
        }
        if ((c == Double.class || c == Float.class) && ((Number) k).doubleValue() == 0) {
          if (1 / ((Number) k).doubleValue() > 0) {
            positiveZero = true;
          } else {
            negativeZero = true;
          }
        }
      }
    }
    if (!mixed && !(positiveZero && negativeZero)) {
      return;
    }
    Map<Object, Object> seen = new HashMap<>();
    int index = 0;
    for (Object k : keys) {
      Object v = pythonKey(k);
      if (v != null) {
        Object earlier = seen.putIfAbsent(v, k);
        if (earlier != null) {
          throw new EncoderFailure(Verdict.VALID, "duplicate-key", role + " " + k + " ("
              + k.getClass().getTypeName() + ") equals the earlier " + earlier + " (" + earlier.getClass().getTypeName()
              + ") in Python, which would keep only one").at("[" + index + "]" + suffix);
        }
      }
      index++;
    }
  }

  /** What Python compares a key by, when it may equal a key of another Java class or value; else null. */
  private static Object pythonKey(Object k) {
    if (k instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (k instanceof OffsetTime t) {
      // Python compares aware times by local time minus offset, without wrapping around midnight
      return new UtcTimeOfDay(t.toLocalTime().toNanoOfDay() - t.getOffset().getTotalSeconds() * 1_000_000_000L);
    }
    if (k instanceof PyDecimal d) {
      try {
        return DECIMAL_SPECIAL.matcher(d.text()).matches() ? null : new BigDecimal(d.text()).stripTrailingZeros();
      } catch (NumberFormatException e) {
        return null; // refused when it is written
      }
    }
    return pythonNumber(k);
  }

  private record UtcTimeOfDay(long nanos) {}

  /** The exact value of a Python number (bool and int included), or null for other values, NaN and infinities. */
  private static BigDecimal pythonNumber(Object k) {
    if (k instanceof Boolean) {
      return (Boolean) k ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (k instanceof Integer || k instanceof Long || k instanceof Short || k instanceof Byte) {
      return BigDecimal.valueOf(((Number) k).longValue()).stripTrailingZeros();
    }
    if (k instanceof BigInteger) {
      return new BigDecimal((BigInteger) k).stripTrailingZeros();
    }
    if (k instanceof BigDecimal) {
      return ((BigDecimal) k).stripTrailingZeros();
    }
    if (k instanceof Double || k instanceof Float) {
      double d = ((Number) k).doubleValue();
      return Double.isNaN(d) || Double.isInfinite(d) ? null : new BigDecimal(d).stripTrailingZeros();
    }
    return null;
  }

  private void requireHashableAt(Object item, int depth, Set<?> items) {
    String kind = unhashableKind(item, depth);
    if (kind != null) {
      int index = 0;
      for (Object o : items) {
        if (o == item) {
          break;
        }
        index++;
      }
      throw unhashable(item, kind, "a set element").at("[" + index + "]");
    }
  }

  private void requireHashable(Object key, String role, int depth) {
    String kind = unhashableKind(key, depth);
    if (kind != null) {
      throw unhashable(key, kind, role);
    }
  }

  private static EncoderFailure unhashable(Object key, String kind, String role) {
    return new EncoderFailure(Verdict.VALID, "unhashable",
        "unhashable " + key.getClass().getTypeName() + " (a Python " + kind + ") as " + role);
  }

  /** The Python type name when the value would be unhashable in Python, else null. */
  private String unhashableKind(Object v, int depth) {
    if (v == null || v instanceof String || v instanceof Number) {
      return null;
    }
    if (v instanceof PyDecimal d && d.text().toLowerCase(java.util.Locale.ROOT).contains("snan")) {
      return "signaling NaN Decimal";
    }
    if (v instanceof List) {
      return "list";
    }
    if (v instanceof Map) {
      return "dict";
    }
    if (v instanceof Set) {
      return "set";
    }
    if (v instanceof PyByteArray) {
      return "bytearray";
    }
    if (v instanceof PyTuple && depth <= maxDepth) {
      for (Object o : ((PyTuple) v).items()) {
        String k = unhashableKind(o, depth + 1);
        if (k != null) {
          return "tuple holding a " + k;
        }
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- reduced objects

  private void saveByteArray(PyByteArray ba) {
    byte[] b = ba.toByteArray();
    if (proto >= 5) {
      putLargeBytes(BYTEARRAY8, b, 8);
      memoPut(ba);
      return;
    }
    saveGlobal("builtins", "bytearray");
    boundary();
    if (b.length == 0) {
      endTuple(0);
    } else {
      beginTuple(1);
      boundary();
      saveBytes(b, null);
      endTuple(1);
    }
    put1(REDUCE);
    memoPut(ba);
  }

  private void saveComplex(PyComplex c) {
    saveGlobal("builtins", "complex");
    boundary();
    beginTuple(2);
    boundary();
    saveDouble(c.real());
    boundary();
    saveDouble(c.imag());
    endTuple(2);
    put1(REDUCE);
    memoPut(c);
  }

  /** {@code Decimal(str)}, as Decimal's {@code __reduce__}; NaN, infinities and negative zero alike. */
  private void saveDecimal(String text, Object identity) {
    saveGlobal("decimal", "Decimal");
    boundary();
    beginTuple(1);
    boundary();
    saveStr(text);
    memoPut(null);
    endTuple(1);
    put1(REDUCE);
    memoPut(identity);
  }

  private static final java.util.regex.Pattern DECIMAL_SPECIAL =
      java.util.regex.Pattern.compile("[+-]?(inf|infinity|s?nan\\d*)", java.util.regex.Pattern.CASE_INSENSITIVE);

  /** A PyDecimal's text, refused unless Python's Decimal constructor accepts it (else the pickle fails to load). */
  private static String checkedDecimalText(PyDecimal d) {
    String t = d.text();
    if (t.length() <= 64 && DECIMAL_SPECIAL.matcher(t).matches()) {
      return t;
    }
    boolean numeric = !t.isEmpty() && t.chars().allMatch(ch -> ch < 0x80 && ch > ' ');
    if (numeric) {
      try {
        new BigDecimal(t);
      } catch (NumberFormatException e) {
        numeric = false;
      }
    }
    if (!numeric) {
      throw unsupportedValue(d, "not a Decimal literal Python reads ('" + abbreviate(t)
          + "'; expected NaN, sNaN, [-]Infinity or a number such as -0E-7)");
    }
    return t;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private void saveDateTime(LocalDateTime t) {
    byte[] s = new byte[10];
    packDate(s, t.toLocalDate(), t);
    packTime(s, 4, t.toLocalTime(), t);
    reduceWithState("datetime", s, t);
  }

  private void saveDate(LocalDate d) {
    byte[] s = new byte[4];
    packDate(s, d, d);
    reduceWithState("date", s, d);
  }

  private void saveTime(LocalTime t) {
    byte[] s = new byte[6];
    packTime(s, 0, t, t);
    reduceWithState("time", s, t);
  }

  /** {@code datetime(state, tz)}: the {@code __reduce__} of an aware datetime with a datetime.timezone. */
  private void saveAwareDateTime(OffsetDateTime t, int depth) {
    requireTimezone(t, t.getOffset());
    byte[] s = new byte[10];
    packDate(s, t.toLocalDate(), t);
    packTime(s, 4, t.toLocalTime(), t);
    reduceWithStateAndTz("datetime", s, t.getOffset(), t, depth);
  }

  /** {@code time(state, tz)}: the {@code __reduce__} of an aware time with a datetime.timezone. */
  private void saveAwareTime(OffsetTime t, int depth) {
    requireTimezone(t, t.getOffset());
    byte[] s = new byte[6];
    packTime(s, 0, t.toLocalTime(), t);
    reduceWithStateAndTz("time", s, t.getOffset(), t, depth);
  }

  /** {@code timezone(timedelta(days, seconds, 0))}, as CPython pickles every datetime.timezone without a name. */
  private void saveTimezone(ZoneOffset z) {
    requireTimezone(z, z);
    saveGlobal("datetime", "timezone");
    boundary();
    beginTuple(1);
    boundary();
    // a temporary, never shared with a Duration of the value (CPython builds a fresh timedelta too)
    saveTimedelta(Duration.ofSeconds(z.getTotalSeconds()), null);
    endTuple(1);
    put1(REDUCE);
    memoPut(z);
  }

  /**
   * Refuses what the readers this encoder promises cannot load: Python 2.7 has no datetime.timezone (protocols
   * 0-2 with fix-imports are for 2.7 readers), and Python before 3.7 holds whole-minute offsets only (protocols
   * 3 and 4 are for 3.0+ readers).
   */
  private void requireTimezone(Object whole, ZoneOffset z) {
    if (proto < 3 && fixImports) {
      throw unsupportedValue(whole, "Python 2.7 has no datetime.timezone, and protocol " + proto
          + " with fixImports is for Python 2.7 readers; use protocol 3 or later, or fixImports(false) for Python 3"
          + " readers only");
    }
    if (z.getTotalSeconds() % 60 != 0 && proto < 5) {
      throw unsupportedValue(whole, "Python before 3.7 holds only whole-minute offsets in datetime.timezone, and"
          + " protocol " + proto + " is for Python 3.0+ readers; use protocol 5 (Python 3.8+)");
    }
  }

  private void reduceWithStateAndTz(String cls, byte[] state, ZoneOffset tz, Object obj, int depth) {
    saveGlobal("datetime", cls);
    boundary();
    beginTuple(2);
    boundary();
    saveBytes(state, null);
    save(tz, depth + 1);
    endTuple(2);
    put1(REDUCE);
    memoPut(obj);
  }

  private static void packDate(byte[] s, LocalDate d, Object whole) {
    int y = d.getYear();
    if (y < 1 || y > 9999) {
      throw unsupportedValue(whole, "Python's datetime holds years 1 to 9999");
    }
    s[0] = (byte) (y >> 8);
    s[1] = (byte) y;
    s[2] = (byte) d.getMonthValue();
    s[3] = (byte) d.getDayOfMonth();
  }

  private static void packTime(byte[] s, int at, LocalTime t, Object whole) {
    if (t.getNano() % 1000 != 0) {
      throw unsupportedValue(whole, "Python's datetime holds whole microseconds, not nanoseconds");
    }
    int us = t.getNano() / 1000;
    s[at] = (byte) t.getHour();
    s[at + 1] = (byte) t.getMinute();
    s[at + 2] = (byte) t.getSecond();
    s[at + 3] = (byte) (us >> 16);
    s[at + 4] = (byte) (us >> 8);
    s[at + 5] = (byte) us;
  }

  private static EncoderFailure unsupportedValue(Object v, String why) {
    return new EncoderFailure(Verdict.VALID, "unsupported-value",
        "cannot encode " + v + " (" + v.getClass().getTypeName() + "): " + why);
  }

  /** {@code datetime.<cls>(state bytes)}: the {@code __reduce__} of date, time and datetime. */
  private void reduceWithState(String cls, byte[] state, Object obj) {
    saveGlobal("datetime", cls);
    boundary();
    beginTuple(1);
    boundary();
    saveBytes(state, null);
    endTuple(1);
    put1(REDUCE);
    memoPut(obj);
  }

  private void saveTimedelta(Duration d, Object identity) {
    if (d.getNano() % 1000 != 0) {
      throw unsupportedValue(d, "Python's timedelta holds whole microseconds, not nanoseconds");
    }
    long days = Math.floorDiv(d.getSeconds(), 86_400L);
    if (days < -999_999_999L || days > 999_999_999L) {
      throw unsupportedValue(d, "Python's timedelta holds -999999999 to 999999999 days");
    }
    saveGlobal("datetime", "timedelta");
    boundary();
    beginTuple(3);
    boundary();
    saveLong(days);
    boundary();
    saveLong(Math.floorMod(d.getSeconds(), 86_400L));
    boundary();
    saveLong(d.getNano() / 1000);
    endTuple(3);
    put1(REDUCE);
    memoPut(identity);
  }

  /** As CPython pickles uuid.UUID: {@code object.__reduce_ex__} with the state {@code {'int': n}}. */
  private void saveUuid(UUID u) {
    if (proto >= 2) {
      saveGlobal("uuid", "UUID");
      boundary();
      endTuple(0);
      put1(NEWOBJ);
    } else {
      saveGlobal("copyreg", "_reconstructor");
      boundary();
      beginTuple(3);
      saveGlobal("uuid", "UUID");
      saveGlobal("builtins", "object");
      boundary();
      put1(NONE);
      endTuple(3);
      put1(REDUCE);
    }
    memoPut(u);
    boundary();
    if (bin) {
      put1(EMPTY_DICT);
    } else {
      put2(MARK, DICT);
    }
    memoPut(null);
    boundary();
    if (memoize && intKeyMemo >= 0) {
      // CPython's attribute name is one interned str, so every UUID after the first fetches it
      writeGet(intKeyMemo);
    } else {
      saveStr("int");
      intKeyMemo = nextMemo;
      memoPut(null);
    }
    boundary();
    byte[] be = new byte[17];
    long msb = u.getMostSignificantBits();
    long lsb = u.getLeastSignificantBits();
    for (int i = 0; i < 8; i++) {
      be[1 + i] = (byte) (msb >>> (56 - 8 * i));
      be[9 + i] = (byte) (lsb >>> (56 - 8 * i));
    }
    saveBigInteger(new BigInteger(be));
    put1(SETITEM);
    put1(BUILD);
  }

  private void saveObject(PyObject o, int depth) {
    checkDepth(depth);
    String q = o.qualifiedName();
    int dot = q.lastIndexOf('.');
    if (dot <= 0 || dot == q.length() - 1) {
      throw new EncoderFailure(Verdict.VALID, "unsupported-value",
          "cannot encode PyObject of class '" + q + "': the name must be module.name");
    }
    List<Object> args = o.args();
    if (args.isEmpty() && o.state() == null && (q.equals("builtins.Ellipsis") || q.equals("builtins.NotImplemented"))) {
      // singletons: CPython pickles them by name, and the decoder reads that global back as this PyObject
      saveGlobal("builtins", q.substring(dot + 1));
      return;
    }
    saveGlobal(q.substring(0, dot), q.substring(dot + 1));
    boundary();
    int n = args.size();
    if (n == 0) {
      endTuple(0);
    } else {
      boolean small = proto >= 2 && n <= 3;
      if (!small) {
        put1(MARK);
      }
      for (int i = 0; i < n; i++) {
        try {
          save(args.get(i), depth + 1);
        } catch (EncoderFailure f) {
          throw f.at(".args[" + i + "]");
        }
      }
      endTuple(n);
    }
    put1(REDUCE);
    memoPut(o);
    if (o.state() != null) {
      try {
        save(o.state(), depth + 1);
      } catch (EncoderFailure f) {
        throw f.at(".state");
      }
      put1(BUILD);
    }
  }

  // ---------------------------------------------------------------- globals, tuples, memo

  /** A global as CPython's save_global writes it, memoized by name (CPython memoizes the object). */
  private void saveGlobal(String module, String name) {
    boundary();
    if (proto < 3 && fixImports) {
      String mapped = EncoderCompatNames.NAMES.get(module + "\n" + name);
      if (mapped != null) {
        int nl = mapped.indexOf('\n');
        module = mapped.substring(0, nl);
        name = mapped.substring(nl + 1);
      } else {
        module = EncoderCompatNames.MODULES.getOrDefault(module, module);
      }
    }
    String key = module + "\n" + name;
    if (memoize) {
      Integer idx = globalMemo.get(key);
      if (idx != null) {
        writeGet(idx);
        return;
      }
    }
    if (proto >= 4) {
      boundary();
      Integer m = memoize ? moduleMemo.get(module) : null;
      if (m != null) {
        writeGet(m);
      } else {
        saveStr(module);
        if (memoize) {
          moduleMemo.put(module, nextMemo);
        }
        memoPut(null);
      }
      boundary();
      saveStr(name);
      memoPut(null);
      put1(STACK_GLOBAL);
    } else {
      checkGlobalName(module);
      checkGlobalName(name);
      put1(GLOBAL);
      putAsciiOrUtf8(module);
      put1((byte) '\n');
      putAsciiOrUtf8(name);
      put1((byte) '\n');
    }
    if (memoize) {
      globalMemo.put(key, nextMemo);
    }
    memoPut(null);
  }

  private void checkGlobalName(String part) {
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c == '\n' || (proto < 3 && c >= 0x80)) {
        throw new EncoderFailure(Verdict.VALID, "unsupported-value",
            "cannot spell global name '" + part + "' in GLOBAL at protocol " + proto
                + (c == '\n' ? " (it holds a newline)" : " (protocols 0-2 allow ASCII only)"));
      }
    }
  }

  private void putAsciiOrUtf8(String s) {
    reserve(utf8Length(s));
    putUtf8(s);
  }

  private void beginTuple(int n) {
    if (n > 0 && !(proto >= 2 && n <= 3)) {
      put1(MARK);
    }
  }

  /** Closes a temporary tuple of n items begun by {@link #beginTuple}; CPython memoizes all but the empty one. */
  private void endTuple(int n) {
    if (n == 0) {
      if (bin) {
        put1(EMPTY_TUPLE);
      } else {
        put2(MARK, TUPLE);
      }
      return;
    }
    put1(proto >= 2 && n <= 3 ? (byte) (TUPLE1 + n - 1) : TUPLE);
    memoPut(null);
  }

  /** Memoizes the object just written under the next index; identity null for temporaries. */
  private void memoPut(Object identity) {
    if (!memoize) {
      return;
    }
    int idx = nextMemo++;
    if (identity != null) {
      memo.put(identity, idx);
    }
    writePut(idx);
  }

  /**
   * Memoizes identity under the next index at the free slot a {@link IdentityMemo#lookup} just returned, with
   * nothing memoized in between.
   */
  private void memoPutAt(int slot, Object identity) {
    if (!memoize) {
      return;
    }
    int idx = nextMemo++;
    memo.insertAt(slot, identity, idx);
    writePut(idx);
  }

  private void writePut(int idx) {
    if (proto >= 4) {
      put1(MEMOIZE);
    } else if (bin) {
      if (idx < 256) {
        put2(BINPUT, (byte) idx);
      } else {
        reserve(5);
        buf[len++] = LONG_BINPUT;
        putIntLe(idx);
      }
    } else {
      putText(PUT, Integer.toString(idx), null);
    }
  }

  private void writeGet(int idx) {
    if (bin) {
      if (idx < 256) {
        put2(BINGET, (byte) idx);
      } else {
        reserve(5);
        buf[len++] = LONG_BINGET;
        putIntLe(idx);
      }
    } else {
      putText(GET, Integer.toString(idx), null);
    }
  }

  // ---------------------------------------------------------------- framing and buffer

  /** CPython's opcode boundary: a frame that reached 64 KiB is closed before the next object. */
  private void boundary() {
    // commitAt is frameStart + FRAME_HEADER + FRAME_SIZE_TARGET while framing with a frame open
    if (len >= commitAt) {
      commitFrame();
    }
  }

  private void setFraming(boolean on) {
    framing = on;
    syncLimits();
  }

  /** Recomputes the fast-path bounds after framing, frameStart or buf changed. */
  private void syncLimits() {
    commitAt = framing && frameStart >= 0
        ? (int) Math.min(Integer.MAX_VALUE, (long) frameStart + FRAME_HEADER + FRAME_SIZE_TARGET)
        : Integer.MAX_VALUE;
    fastLimit = framing && frameStart < 0 ? -1 : buf.length;
  }

  private void commitFrame() {
    if (frameStart < 0) {
      return;
    }
    int frameLen = len - frameStart - FRAME_HEADER;
    if (frameLen >= FRAME_SIZE_MIN) {
      buf[frameStart] = FRAME;
      for (int i = 0; i < 8; i++) {
        buf[frameStart + 1 + i] = (byte) ((long) frameLen >>> (8 * i));
      }
    } else {
      System.arraycopy(buf, frameStart + FRAME_HEADER, buf, frameStart, frameLen);
      len -= FRAME_HEADER;
    }
    frameStart = -1;
    syncLimits();
  }

  /**
   * Whether data of this size goes outside frames (CPython 3.8+ writes payloads of 64 KiB or more unframed);
   * if so the open frame is committed and the caller writes its opcode header with framing still on.
   */
  private boolean beginLarge(long dataLen) {
    if (framing && dataLen >= FRAME_SIZE_TARGET) {
      commitFrame();
      setFraming(false);
      return true;
    }
    return false;
  }

  /**
   * Writes an opcode, the length of b in lengthBytes (4 or 8, little-endian) and b itself; data of a frame's size
   * or more goes outside any frame, as CPython writes it.
   */
  private void putLargeBytes(byte opcode, byte[] b, int lengthBytes) {
    int n = b.length;
    boolean bypass = beginLarge(n);
    reserve(1 + lengthBytes + (bypass ? 0 : n));
    buf[len++] = opcode;
    if (lengthBytes == 4) {
      putIntLe(n);
    } else {
      putLongLe(n);
    }
    if (bypass) {
      reserve(n);
    }
    System.arraycopy(b, 0, buf, len, n);
    len += n;
    setFraming(proto >= 4);
  }

  /** Makes room for n bytes about to be written, opening a frame first when framing and none is open. */
  private void reserve(long n) {
    if (len + n > fastLimit) {
      reserveSlow(n);
    }
  }

  private void reserveSlow(long n) {
    int header = framing && frameStart < 0 ? FRAME_HEADER : 0;
    long need = len + n + header;
    if (need > buf.length) {
      grow(need);
    }
    if (header != 0) {
      frameStart = len;
      len += FRAME_HEADER;
    }
    syncLimits();
  }

  private void grow(long need) {
    if (need > maxPayload + FRAME_HEADER || need > MAX_ARRAY) {
      throw new EncoderFailure(Verdict.OVER_LIMIT, "too-large",
          "pickle would exceed " + Math.min(maxPayload, MAX_ARRAY) + " bytes (Limits.maxPayloadBytes)");
    }
    long cap = Math.max(need, Math.min((long) buf.length * 2, MAX_ARRAY));
    buf = Arrays.copyOf(buf, (int) cap);
  }

  private void put1(byte b) {
    reserve(1);
    buf[len++] = b;
  }

  private void put2(byte a, byte b) {
    reserve(2);
    buf[len++] = a;
    buf[len++] = b;
  }

  private void putIntLe(int v) {
    buf[len++] = (byte) v;
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 24);
  }

  private void putLongLe(long v) {
    for (int i = 0; i < 8; i++) {
      buf[len++] = (byte) (v >>> (8 * i));
    }
  }

  private void putHex(int v, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      buf[len++] = HEX[(v >>> (4 * i)) & 0xf];
    }
  }

  /** opcode, ASCII text, optional suffix, newline. */
  private void putText(byte opcode, String text, String suffix) {
    int n = text.length() + (suffix == null ? 0 : suffix.length());
    reserve(n + 2);
    buf[len++] = opcode;
    for (int i = 0; i < text.length(); i++) {
      buf[len++] = (byte) text.charAt(i);
    }
    if (suffix != null) {
      for (int i = 0; i < suffix.length(); i++) {
        buf[len++] = (byte) suffix.charAt(i);
      }
    }
    buf[len++] = '\n';
  }

  /** UTF-8 length with lone surrogates as three bytes (CPython's surrogatepass). */
  private static long utf8Length(String s) {
    int n = s.length();
    long total = n;
    for (int i = 0; i < n; i++) {
      char ch = s.charAt(i);
      if (ch >= 0x80) {
        if (ch < 0x800) {
          total += 1;
        } else if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          total += 2;
          i++;
        } else {
          total += 2;
        }
      }
    }
    return total;
  }

  /** Writes s as UTF-8 (surrogatepass); room must have been reserved. An ASCII run is copied char by char. */
  private void putUtf8(String s) {
    int n = s.length();
    byte[] b = buf;
    int p = len;
    int i = 0;
    for (; i < n; i++) {
      char ch = s.charAt(i);
      if (ch >= 0x80) {
        break;
      }
      b[p + i] = (byte) ch;
    }
    len = p + i;
    if (i < n) {
      putUtf8(s, i, n);
    }
  }

  private void putUtf8(String s, int from, int to) {
    byte[] b = buf;
    int p = len;
    for (int i = from; i < to; i++) {
      char ch = s.charAt(i);
      if (ch < 0x80) {
        b[p++] = (byte) ch;
      } else if (ch < 0x800) {
        b[p++] = (byte) (0xc0 | (ch >> 6));
        b[p++] = (byte) (0x80 | (ch & 0x3f));
      } else if (Character.isHighSurrogate(ch) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(ch, s.charAt(++i));
        b[p++] = (byte) (0xf0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (cp & 0x3f));
      } else {
        b[p++] = (byte) (0xe0 | (ch >> 12));
        b[p++] = (byte) (0x80 | ((ch >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (ch & 0x3f));
      }
    }
    len = p;
  }

  /**
   * CPython's memo keyed by object identity: open addressing with linear probing over a power-of-two table,
   * int indexes without boxing (an IdentityHashMap boxed every index and resized several times per value).
   */
  private static final class IdentityMemo {
    private Object[] keys;
    private int[] indexes;
    private int size;

    /** A memo over empty tables of the same power-of-two length. */
    IdentityMemo(Object[] keys, int[] indexes) {
      this.keys = keys;
      this.indexes = indexes;
    }

    void recycle(Scratch scratch) {
      if (keys.length <= Scratch.KEEP_MEMO) {
        if (size > 0) {
          Arrays.fill(keys, null);
          size = 0;
        }
        scratch.keys = keys;
        scratch.indexes = indexes;
      } else {
        scratch.keys = null;
        scratch.indexes = null;
      }
    }

    private static int slot(Object k, int mask) {
      return (System.identityHashCode(k) * 0x9E3779B9 >>> 7) & mask;
    }

    /** The memo index of k, or -1. */
    int get(Object k) {
      int found = lookup(k);
      return found >= 0 ? found : -1;
    }

    /** The memo index of k (0 or more) if present, else -1 - the free slot where k goes. */
    int lookup(Object k) {
      Object[] ks = keys;
      int mask = ks.length - 1;
      for (int i = slot(k, mask); ; i = (i + 1) & mask) {
        Object o = ks[i];
        if (o == k) {
          return indexes[i];
        }
        if (o == null) {
          return -1 - i;
        }
      }
    }

    /** Puts k, absent, at the free slot lookup returned (as -1 - slot), with no change to the table since. */
    void insertAt(int lookedUp, Object k, int index) {
      int i = -1 - lookedUp;
      keys[i] = k;
      indexes[i] = index;
      if (++size * 3 > keys.length * 2) {
        grow();
      }
    }

    /** Remembers k under index (replacing an earlier index of k). */
    void put(Object k, int index) {
      Object[] ks = keys;
      int mask = ks.length - 1;
      int i = slot(k, mask);
      for (Object o; (o = ks[i]) != null; i = (i + 1) & mask) {
        if (o == k) {
          indexes[i] = index;
          return;
        }
      }
      ks[i] = k;
      indexes[i] = index;
      if (++size * 3 > ks.length * 2) {
        grow();
      }
    }

    private void grow() {
      Object[] oldKeys = keys;
      int[] oldIndexes = indexes;
      // at most two-thirds full; quadruple while small, so a few hundred objects rehash once
      int n = oldKeys.length * (oldKeys.length < 4096 ? 4 : 2);
      Object[] ks = new Object[n];
      int[] ix = new int[n];
      int mask = n - 1;
      for (int j = 0; j < oldKeys.length; j++) {
        Object k = oldKeys[j];
        if (k != null) {
          int i = slot(k, mask);
          while (ks[i] != null) {
            i = (i + 1) & mask;
          }
          ks[i] = k;
          ix[i] = oldIndexes[j];
        }
      }
      keys = ks;
      indexes = ix;
    }
  }
}

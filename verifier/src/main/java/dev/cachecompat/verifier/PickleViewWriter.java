package dev.cachecompat.verifier;

import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Limits;
import dev.cachecompat.core.Verdict;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.json.JsonTokenWriter;
import dev.cachecompat.pickle.PickleException;
import dev.cachecompat.pickle.PyByteArray;
import dev.cachecompat.pickle.PyComplex;
import dev.cachecompat.pickle.PyDecimal;
import dev.cachecompat.pickle.PyFrozenSet;
import dev.cachecompat.pickle.PyObject;
import dev.cachecompat.pickle.PyTuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.UUID;

/**
 * Writes the pickle JSON view of a decoded value ({@code docs/pickle-json-view.md}) straight from the decoded
 * objects to JSON bytes in Python's compact {@code json.dumps(sort_keys=True)} form: the bytes
 * {@code JsonLines.writeValue(PickleJsonView.toJson(v))} writes, without the Jackson tree between. The errors
 * are the same too: {@code view-too-large} when the view would exceed {@link Limits#maxExpandedSize()} values
 * (whatever the rendering would have said first, as the tree was built before it was rendered), then the
 * rendering's own ({@code too-deep}, {@code too-large}) at the same place. Containers are frames on an explicit
 * stack, never recursion; cycles are {@code {"$cycle":n}} and shared references are written in full, as in the
 * view.
 *
 * <p>Not thread-safe; one per thread, reusable.
 */
final class PickleViewWriter {
  /** Path lookups scan the innermost frames linearly; frames deeper than this are also in {@link #deepPath}. */
  private static final int LINEAR = 24;
  private static final int SORT_THRESHOLD = 24;

  private static final int LIST = 0;
  private static final int ITERATOR = 1;
  private static final int MEMBERS = 2;
  private static final int PAIRS = 3;
  private static final int PAIR = 4;
  private static final int OBJECT = 5;

  /** One open container of the view (one task of PickleJsonView's builder). */
  private static final class Frame {
    int kind;
    /** The Python container, for cycles; null for a [key, value] pair of a $dict, which is never repeated. */
    Object identity;
    /** Whether the array is the value of a one-key tagged object ({"$tuple": [...]}) to close with it. */
    boolean tagged;
    List<?> list;
    Iterator<?> iterator;
    String[] keys = new String[8];
    Object[] vals = new Object[8];
    Object first;
    Object second;
    int i;
    int n;

    void clear() {
      identity = null;
      list = null;
      iterator = null;
      first = null;
      second = null;
      if (kind == MEMBERS) {
        for (int k = 0; k < n; k++) {
          keys[k] = null;
          vals[k] = null;
        }
      }
    }
  }

  private final JsonTokenWriter out;
  /** Writes floats and tagged objects as the view pass does. */
  private final PickleViewLeaves leaves;
  private final CanonicalJson style;
  private final long maxNodes;
  private PickleViewPass pass;
  private PickleShapes shapes;
  private final IdentityHashMap<Object, Integer> deepPath = new IdentityHashMap<>();
  private Frame[] stack = new Frame[16];
  private int depth;
  private long nodes;
  private boolean emit;

  /** With the scan's value style and the view's default node budget. */
  PickleViewWriter() {
    this(JsonLines.VALUES, Limits.defaults().maxExpandedSize());
  }

  PickleViewWriter(CanonicalJson style, long maxNodes) {
    this.out = style.tokenWriter();
    this.leaves = new PickleViewLeaves(out);
    this.style = style;
    this.maxNodes = maxNodes;
  }

  /**
   * The fused fast path with this writer's style and node budget, for pickles rather than decoded values: this
   * thread's own, made on first use.
   */
  PickleViewPass pass() {
    if (pass == null) {
      pass = new PickleViewPass(style, maxNodes);
    }
    return pass;
  }

  /** The shapes this thread's pickles taught its {@link #pass()}: made on first use. */
  PickleShapes shapes() {
    if (shapes == null) {
      shapes = new PickleShapes(style, pass());
    }
    return shapes;
  }

  /**
   * The view of {@code value} as JSON bytes.
   *
   * @throws PickleException {@code view-too-large}
   * @throws dev.cachecompat.json.JsonCanonicalException what rendering the view's tree throws
   * @throws IllegalArgumentException for a Java type the decoder never produces
   */
  byte[] render(Object value) {
    out.reset();
    try {
      walk(value, true);
    } catch (RuntimeException renderError) {
      if (renderError instanceof PickleException) {
        throw renderError;
      }
      check(value); // the tree was built, and its node budget checked, before it was rendered
      throw renderError;
    }
    return out.toBytes();
  }

  /** Only checks what building the view checks (the node budget), writing nothing. */
  private void check(Object value) {
    walk(value, false);
  }

  private void walk(Object root, boolean emit) {
    this.emit = emit;
    this.nodes = 0;
    try {
      value(root);
      while (depth > 0) {
        Frame f = stack[depth - 1];
        switch (f.kind) {
          case LIST:
            if (f.i == f.n) {
              close(f);
            } else {
              separator(f.i);
              value(f.list.get(f.i++));
            }
            break;
          case ITERATOR:
            if (!f.iterator.hasNext()) {
              close(f);
            } else {
              separator(f.i++);
              value(f.iterator.next());
            }
            break;
          case MEMBERS:
            if (f.i == f.n) {
              close(f);
            } else {
              separator(f.i);
              if (emit) {
                out.value(f.keys[f.i]);
                out.keySeparator();
              }
              value(f.vals[f.i++]);
            }
            break;
          case PAIRS:
            if (!f.iterator.hasNext()) {
              close(f);
            } else {
              separator(f.i++);
              Map.Entry<?, ?> e = (Map.Entry<?, ?>) f.iterator.next();
              count(); // the pair is a value of the view: a two-item list
              Frame p = push(PAIR, null, false);
              p.first = e.getKey();
              p.second = e.getValue();
              p.n = 2;
              if (emit) {
                out.beginArray();
              }
            }
            break;
          case PAIR:
            if (f.i == 2) {
              close(f);
            } else {
              separator(f.i);
              value(f.i++ == 0 ? f.first : f.second);
            }
            break;
          default: // OBJECT: {"$object": name, "args": [...], "state": ...}, the name written already
            if (f.i == 2) {
              close(f);
            } else {
              if (emit) {
                out.itemSeparator();
                out.value(f.i == 0 ? "args" : "state");
                out.keySeparator();
              }
              value(f.i++ == 0 ? f.first : f.second);
            }
            break;
        }
      }
    } finally {
      while (depth > 0) {
        stack[--depth].clear();
      }
      if (!deepPath.isEmpty()) {
        deepPath.clear();
      }
    }
  }

  private void separator(int index) {
    if (index > 0 && emit) {
      out.itemSeparator();
    }
  }

  private void count() {
    if (++nodes > maxNodes) {
      throw new PickleException(Verdict.OVER_LIMIT, "view-too-large", Finding.NO_OFFSET,
          "the JSON view would hold more than " + maxNodes + " values (shared references are expanded)");
    }
  }

  private void value(Object v) {
    count();
    if (v instanceof String s) {
      if (emit) {
        out.value(s);
      }
      return;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      if (emit) {
        out.value(((Number) v).longValue());
      }
      return;
    }
    if (v == null) {
      if (emit) {
        out.nullValue();
      }
      return;
    }
    if (v instanceof Boolean b) {
      if (emit) {
        out.value(b.booleanValue());
      }
      return;
    }
    if (v instanceof Double || v instanceof Float) {
      if (emit) {
        floating(((Number) v).doubleValue());
      }
      return;
    }
    if (v instanceof BigInteger i) {
      if (emit) {
        out.value(i);
      }
      return;
    }
    if (v instanceof byte[] bytes) {
      if (emit) {
        tagged("$bytes", Base64.getEncoder().encodeToString(bytes));
      }
      return;
    }
    if (v instanceof PyByteArray ba) {
      if (emit) {
        tagged("$bytearray", Base64.getEncoder().encodeToString(ba.toByteArray()));
      }
      return;
    }
    int seenAt = onPath(v);
    if (seenAt >= 0) {
      if (emit) {
        out.beginObject();
        out.value("$cycle");
        out.keySeparator();
        out.value((long) (depth - seenAt));
        out.endObject();
      }
      return;
    }
    if (v instanceof List<?> list) {
      array(v, list, false);
    } else if (v instanceof PyTuple t) {
      tag("$tuple");
      array(v, t.items(), true);
    } else if (v instanceof Map<?, ?> map) {
      dict(map);
    } else if (v instanceof PyFrozenSet fs) {
      tag("$frozenset");
      iterate(v, fs.items().iterator(), true);
    } else if (v instanceof Set<?> set) {
      tag("$set");
      iterate(v, set.iterator(), true);
    } else if (v instanceof PyObject o) {
      if (emit) {
        out.beginObject();
        out.value("$object");
        out.keySeparator();
        out.value(o.qualifiedName());
      }
      Frame f = push(OBJECT, o, false);
      f.first = o.args();
      f.second = o.state();
    } else if (emit) {
      scalar(v);
    } else {
      scalarType(v);
    }
  }

  /** Writes a value of the view that holds no other value (the decoder's dates, decimals and so on). */
  private void scalar(Object v) {
    if (v instanceof PyComplex c) {
      out.beginObject();
      out.value("$complex");
      out.keySeparator();
      out.beginArray();
      floating(c.real());
      out.itemSeparator();
      floating(c.imag());
      out.endArray();
      out.endObject();
    } else if (v instanceof BigDecimal d) {
      tagged("$decimal", d.toString());
    } else if (v instanceof PyDecimal d) {
      tagged("$decimal", d.text());
    } else if (v instanceof LocalDateTime dt) {
      StringBuilder b = new StringBuilder(26);
      tagged("$datetime", time(date(b, dt.toLocalDate()).append('T'), dt.toLocalTime()).toString());
    } else if (v instanceof OffsetDateTime dt) {
      tagged("$datetime", isoDate(dt.toLocalDate()) + "T" + isoTime(dt.toLocalTime()) + isoOffset(dt.getOffset()));
    } else if (v instanceof OffsetTime t) {
      tagged("$time", isoTime(t.toLocalTime()) + isoOffset(t.getOffset()));
    } else if (v instanceof ZoneOffset z) {
      tagged("$timezone", isoOffset(z));
    } else if (v instanceof LocalDate d) {
      tagged("$date", isoDate(d));
    } else if (v instanceof LocalTime t) {
      tagged("$time", isoTime(t));
    } else if (v instanceof Duration d) {
      out.beginObject();
      out.value("$timedelta");
      out.keySeparator();
      out.beginArray();
      out.value(Math.floorDiv(d.getSeconds(), 86_400L));
      out.itemSeparator();
      out.value(Math.floorMod(d.getSeconds(), 86_400L));
      out.itemSeparator();
      out.value((long) (d.getNano() / 1_000));
      out.endArray();
      out.endObject();
    } else if (v instanceof UUID u) {
      tagged("$uuid", u.toString());
    } else {
      throw noView(v);
    }
  }

  /** When only counting: refuses what {@link #scalar} refuses. */
  private static void scalarType(Object v) {
    if (!(v instanceof PyComplex || v instanceof BigDecimal || v instanceof PyDecimal || v instanceof LocalDateTime
        || v instanceof OffsetDateTime || v instanceof OffsetTime || v instanceof ZoneOffset || v instanceof LocalDate
        || v instanceof LocalTime || v instanceof Duration || v instanceof UUID)) {
      throw noView(v);
    }
  }

  private static IllegalArgumentException noView(Object v) {
    return new IllegalArgumentException("no pickle JSON view for Java type " + v.getClass().getName());
  }

  /** Where {@code v} is open on the stack (0 = outermost), or -1. */
  private int onPath(Object v) {
    int linear = Math.min(depth, LINEAR);
    for (int i = linear - 1; i >= 0; i--) {
      if (stack[i].identity == v) {
        return i;
      }
    }
    if (depth > LINEAR) {
      Integer at = deepPath.get(v);
      if (at != null) {
        return at;
      }
    }
    return -1;
  }

  private void array(Object identity, List<?> items, boolean tagged) {
    if (emit) {
      out.beginArray();
    }
    if (items instanceof RandomAccess) {
      Frame f = push(LIST, identity, tagged);
      f.list = items;
      f.n = items.size();
    } else {
      push(ITERATOR, identity, tagged).iterator = items.iterator();
    }
  }

  private void iterate(Object identity, Iterator<?> items, boolean tagged) {
    if (emit) {
      out.beginArray();
    }
    push(ITERATOR, identity, tagged).iterator = items;
  }

  /** A dict: an object when every key is a string not starting with '$', else {"$dict": [[key, value], ...]}. */
  private void dict(Map<?, ?> map) {
    // One pass: the members go into the arrays of the frame about to be pushed, until a key needs pairs.
    Frame f = frame();
    int n = map.size();
    if (f.keys.length < n) {
      f.keys = new String[n];
      f.vals = new Object[n];
    }
    String[] keys = f.keys;
    Object[] vals = f.vals;
    int i = 0;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String k) || (!k.isEmpty() && k.charAt(0) == '$') || i == n) {
        for (int q = 0; q < i; q++) {
          keys[q] = null;
          vals[q] = null;
        }
        tag("$dict");
        if (emit) {
          out.beginArray();
        }
        push(PAIRS, map, true).iterator = map.entrySet().iterator();
        return;
      }
      keys[i] = k;
      vals[i++] = e.getValue();
    }
    if (emit) {
      out.beginObject();
      sort(keys, vals, i, map);
    }
    push(MEMBERS, map, false).n = i;
  }

  /**
   * Sorts the members by key as Python does, by code points ({@link JsonTokenWriter#compareKeys}, which decodes
   * code points only where two keys first differ at a surrogate). Keys are distinct, so any correct sort gives
   * the one order: insertion sort for a few, else {@link Arrays#sort} with the values looked up again.
   */
  private void sort(String[] keys, Object[] vals, int n, Map<?, ?> map) {
    if (n > SORT_THRESHOLD) {
      boolean sorted = true;
      for (int i = 1; i < n && sorted; i++) {
        sorted = out.compareKeys(keys[i - 1], keys[i]) < 0;
      }
      if (!sorted) {
        Arrays.sort(keys, 0, n, out::compareKeys);
        for (int i = 0; i < n; i++) {
          vals[i] = map.get(keys[i]);
        }
      }
      return;
    }
    for (int i = 1; i < n; i++) {
      String k = keys[i];
      if (out.compareKeys(keys[i - 1], k) < 0) {
        continue;
      }
      Object v = vals[i];
      int j = i - 1;
      do {
        keys[j + 1] = keys[j];
        vals[j + 1] = vals[j];
        j--;
      } while (j >= 0 && out.compareKeys(keys[j], k) > 0);
      keys[j + 1] = k;
      vals[j + 1] = v;
    }
  }

  /** The frame {@link #push} returns next, to fill beforehand. */
  private Frame frame() {
    if (depth == stack.length) {
      stack = Arrays.copyOf(stack, depth * 2);
    }
    Frame f = stack[depth];
    if (f == null) {
      f = new Frame();
      stack[depth] = f;
    }
    return f;
  }

  private Frame push(int kind, Object identity, boolean tagged) {
    Frame f = frame();
    if (depth >= LINEAR && identity != null) {
      deepPath.put(identity, depth);
    }
    depth++;
    f.kind = kind;
    f.identity = identity;
    f.tagged = tagged;
    f.i = 0;
    f.n = 0;
    return f;
  }

  private void close(Frame f) {
    if (emit) {
      if (f.kind == MEMBERS || f.kind == OBJECT) {
        out.endObject();
      } else {
        out.endArray();
        if (f.tagged) {
          out.endObject();
        }
      }
    }
    depth--;
    if (depth >= LINEAR && f.identity != null) {
      deepPath.remove(f.identity);
    }
    f.clear();
  }

  /** Opens {"tag": with the value to follow. */
  private void tag(String tag) {
    if (emit) {
      out.beginObject();
      out.value(tag);
      out.keySeparator();
    }
  }

  private void tagged(String tag, String text) {
    leaves.tagged(tag, text);
  }

  private void floating(double d) {
    leaves.floating(d);
  }

  private static String isoDate(LocalDate d) {
    StringBuilder b = new StringBuilder(10);
    return date(b, d).toString();
  }

  private static StringBuilder date(StringBuilder b, LocalDate d) {
    pad(b, d.getYear(), 4).append('-');
    pad(b, d.getMonthValue(), 2).append('-');
    return pad(b, d.getDayOfMonth(), 2);
  }

  /** Python's utcoffset format: +HH:MM, with :SS when there are seconds. */
  private static String isoOffset(ZoneOffset z) {
    int total = z.getTotalSeconds();
    int abs = Math.abs(total);
    StringBuilder b = new StringBuilder(9).append(total < 0 ? '-' : '+');
    pad(b, abs / 3600, 2).append(':');
    pad(b, abs / 60 % 60, 2);
    if (abs % 60 != 0) {
      pad(b.append(':'), abs % 60, 2);
    }
    return b.toString();
  }

  private static String isoTime(LocalTime t) {
    return time(new StringBuilder(15), t).toString();
  }

  private static StringBuilder time(StringBuilder b, LocalTime t) {
    pad(b, t.getHour(), 2).append(':');
    pad(b, t.getMinute(), 2).append(':');
    pad(b, t.getSecond(), 2);
    int micros = t.getNano() / 1_000;
    if (micros != 0) {
      pad(b.append('.'), micros, 6);
    }
    return b;
  }

  /** Appends {@code value} (not negative) zero-padded to {@code width} digits, as %0Nd does. */
  private static StringBuilder pad(StringBuilder b, int value, int width) {
    if (value < 100 && width == 2) {
      return b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(digits);
  }
}

package dev.cachecompat.verifier;

import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.json.JsonTokenWriter;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleReport;
import java.util.Arrays;

/**
 * The scan's fastest path: the shapes of pickles seen before. A cache holds the same kind of value under many
 * keys, pickled by the same code, so their pickles differ only in the values' bytes: the same opcodes, the same
 * dict keys, the same memo indexes. A shape is learned from one such pickle, and a later pickle that has it is
 * inspected and viewed in one walk that compares its fixed bytes and reads only its values, with no inspector pass,
 * no arena and no sorting: its report is the one learned, and its view the learned view's fixed bytes with its own
 * values written in.
 *
 * <p>A shape is a pickle's bytes cut into fixed runs and slots. A slot is an opcode whose argument is a value
 * written as a leaf of the view (a str, int, float, bool or bytes, or the text or state of a protocol 2 bytes or a
 * datetime) or a FRAME's length; everything else is fixed, so the opcodes, memo indexes, dict keys (whose order is
 * the view's), global names and the 'latin1' of a call are the learned ones byte for byte. A slot's opcode is the
 * learned one too, except that BININT1, BININT2 and BININT (all protocol 1) stand for each other, as do NEWTRUE
 * and NEWFALSE. A match therefore has the learned pickle's structure: the same stack, memo, marks and globals,
 * the same object count, size and depth, the same oldest Python. What the inspector checks of the values' bytes
 * is checked here too, as strictly or more: the payload and each str and bytes within the decoder's limits, a
 * LONG1 no longer than the learned one, a FRAME that ends where the learned one ends (between the same two fixed
 * bytes), str as strict UTF-8, nothing after STOP. A pickle that fails any of it is no match, and takes the full
 * path (inspector, then {@link PickleViewPass}), which decides; so a match gives exactly what the full path gives.
 *
 * <p>Shapes are learned only from pickles the inspector found valid with no findings at all, that {@link
 * PickleViewPass} handled, no longer than 16 KiB, for one decoder at a time. A pickle's candidates are found by a
 * hash of its opcodes ({@link #skeleton}, one light walk); a kind of value makes several shapes (one per length
 * of each list in it, per protocol, per optional field), so up to {@link #CAPACITY} are kept and the least
 * recently used is dropped. A scan whose pickles share no shapes backs off twice over. Learning costs about one
 * more view pass: each shape dropped unmatched doubles the misses let pass before the next learning (up to
 * 4,096). Looking shapes up costs a little on every pickle: after 256 pickles in a row that none matched, it is
 * tried on one pickle in two, then four, up to 64, and a match brings it back to every pickle. Not thread-safe;
 * one per thread.
 */
final class PickleShapes {
  static final int CAPACITY = 64;
  /** The shapes matched last, tried before any lookup: most scans are of few shapes at a time. */
  private static final int RECENT = 4;
  /** Buckets of the shapes by their skeleton: a power of two. */
  private static final int BUCKETS = 128;
  /** What {@link #skeleton} gives a pickle it cannot have a shape. */
  private static final long NO_SKELETON = 0;
  /** Pickles longer than this are not learned from (a shape holds their fixed bytes). */
  static final int MAX_LEARNED_BYTES = 16 * 1024;
  /** Views longer than this are not learned from. */
  static final int MAX_LEARNED_VIEW = 64 * 1024;
  private static final int MAX_GAP = 4096;
  /** After this many pickles in a row that no shape matched, matching is tried on fewer of them. */
  private static final int MISS_RUN = 256;
  private static final int MAX_TRY_EVERY = 64;

  // the argument of each opcode for skeleton(): a fixed length, or one of these
  private static final byte ARG_NONE = -1;
  private static final byte ARG_STOP = -2;
  private static final byte ARG_GLOBAL = -3;
  private static final byte ARG_COUNT1 = -4;
  private static final byte ARG_COUNT4 = -5;
  private static final byte ARG_COUNT8 = -6;
  private static final byte[] ARG = new byte[256];
  /** Each opcode as skeleton() counts it: BININT2 and BININT as BININT1, NEWFALSE as NEWTRUE. */
  private static final byte[] SAME = new byte[256];

  static {
    Arrays.fill(ARG, ARG_NONE);
    for (char op : new char[] {0x94, 0x88, 0x89, '(', ']', 'e', 'u', '}', 'N', 's', 'a', 0x85, 0x86, 0x87, 't', ')',
        'R', 0x93}) {
      ARG[op] = 0;
    }
    for (char op : new char[] {'q', 'h', 'K', 0x80}) {
      ARG[op] = 1;
    }
    ARG['M'] = 2;
    ARG['J'] = 4;
    ARG['r'] = 4;
    ARG['j'] = 4;
    ARG['G'] = 8;
    ARG[0x95] = 8;
    ARG['.'] = ARG_STOP;
    ARG['c'] = ARG_GLOBAL;
    ARG[0x8c] = ARG_COUNT1;
    ARG['C'] = ARG_COUNT1;
    ARG[0x8a] = ARG_COUNT1;
    ARG['X'] = ARG_COUNT4;
    ARG['B'] = ARG_COUNT4;
    ARG[0x8d] = ARG_COUNT8;
    ARG[0x8e] = ARG_COUNT8;
    for (int op = 0; op < 256; op++) {
      SAME[op] = (byte) op;
    }
    SAME['M'] = 'K';
    SAME['J'] = 'K';
    SAME[0x89] = (byte) 0x88;
  }

  // how a slot's opcode is read
  private static final byte S_STR = 0;
  private static final byte S_BYTES = 1;
  private static final byte S_INT = 2;
  private static final byte S_LONG1 = 3;
  private static final byte S_FLOAT = 4;
  private static final byte S_BOOL = 5;
  private static final byte S_FRAME = 6;

  // how a use of a slot is written into the view
  private static final byte U_STR = 0;
  private static final byte U_INT = 1;
  private static final byte U_FLOAT = 2;
  private static final byte U_BOOL = 3;
  private static final byte U_BYTES = 4;
  private static final byte U_LATIN1 = 5;
  private static final byte U_DATETIME_BYTES = 6;
  private static final byte U_DATETIME_TEXT = 7;

  /** One learned shape. */
  private static final class Shape {
    /** The fixed runs, one after the other; run i ends at fixedEnd[i]. There is one run more than slots. */
    final byte[] fixed;
    final int[] fixedEnd;
    final byte[] slotKind;
    /** The learned opcode of each slot; for S_LONG1 the learned byte count is in slotMax. */
    final byte[] slotOp;
    final int[] slotMax;
    /** The FRAME slots, and where each one's frame ends: at run frameRun[k], frameAt[k] bytes in. */
    final int[] frameSlot;
    final int[] frameRun;
    final int[] frameAt;
    /** The view's fixed runs, one after the other; run u ends at viewEnd[u]; one run more than uses. */
    final byte[] view;
    final int[] viewEnd;
    final int[] useSlot;
    final byte[] useKind;
    final PickleReport report;
    /** The hash of its opcodes ({@link #skeleton}), and the next shape in its bucket. */
    long skeleton;
    Shape next;
    long hits;
    long lastUsed;

    Shape(byte[] fixed, int[] fixedEnd, byte[] slotKind, byte[] slotOp, int[] slotMax, int[] frameSlot,
        int[] frameRun, int[] frameAt, byte[] view, int[] viewEnd, int[] useSlot, byte[] useKind,
        PickleReport report) {
      this.fixed = fixed;
      this.fixedEnd = fixedEnd;
      this.slotKind = slotKind;
      this.slotOp = slotOp;
      this.slotMax = slotMax;
      this.frameSlot = frameSlot;
      this.frameRun = frameRun;
      this.frameAt = frameAt;
      this.view = view;
      this.viewEnd = viewEnd;
      this.useSlot = useSlot;
      this.useKind = useKind;
      this.report = report;
    }
  }

  private final PickleViewPass pass;
  private final JsonTokenWriter out;
  private final PickleViewLeaves leaves;
  private final Shape[] recent = new Shape[RECENT];
  private final Shape[] buckets = new Shape[BUCKETS];
  /** Every shape held, to find the least recently used. */
  private final Shape[] held = new Shape[CAPACITY];
  private int count;
  private long clock;
  private PickleDecoder decoder;
  private long maxPayload;
  private long maxString;

  // the last match
  private int[] runStart = new int[16];
  private int[] slotOff = new int[16];
  private int[] slotLen = new int[16];
  private long[] slotNum = new long[16];
  private byte[] matched;

  /** Pickles no shape matched since the last match or slowdown; try matching on one pickle in tryEvery. */
  private int missRun;
  private int tryEvery = 1;
  private int untilTry;
  /** Misses to let pass before learning again, and the skip each learning sets. */
  private int skip;
  private int gap;
  private int learned;

  /**
   * @param style the view's JSON style, as the pass writes it
   * @param pass this thread's view pass, to learn with
   */
  PickleShapes(CanonicalJson style, PickleViewPass pass) {
    this.pass = pass;
    this.out = style.tokenWriter();
    this.leaves = new PickleViewLeaves(out);
  }

  /** How many shapes are held. */
  int size() {
    return count;
  }

  /** How many shapes were learned since this was made. */
  int learned() {
    return learned;
  }

  /**
   * The report of a pickle that has a shape learned with {@code decoder}, its view then in {@link #view()}; null
   * when it has none (then the full path decides).
   */
  PickleReport match(PickleDecoder decoder, byte[] pickle) {
    if (decoder != this.decoder || count == 0 || pickle.length > maxPayload) {
      return null;
    }
    if (untilTry > 0) {
      untilTry--;
      return null;
    }
    for (int t = 0; t < RECENT; t++) {
      Shape s = recent[t];
      if (s == null) {
        break;
      }
      if (read(s, pickle) && write(s, pickle)) {
        return hit(s, t);
      }
    }
    long skeleton = skeleton(pickle); // a walk of its own: only when the recent shapes do not match
    if (skeleton != NO_SKELETON) {
      for (Shape s = buckets[bucket(skeleton)]; s != null; s = s.next) {
        if (s.skeleton == skeleton && read(s, pickle) && write(s, pickle)) {
          return hit(s, RECENT - 1);
        }
      }
    }
    if (++missRun == MISS_RUN) { // pickles of shapes seen once: spend less on trying
      missRun = 0;
      tryEvery = Math.min(2 * tryEvery, MAX_TRY_EVERY);
    }
    untilTry = tryEvery - 1;
    return null;
  }

  /** Counts a match of s, and puts it first among the recent shapes (moving those before index from up one). */
  private PickleReport hit(Shape s, int from) {
    if (s.hits++ == 0) {
      gap >>= 1; // learning paid
    }
    s.lastUsed = ++clock;
    missRun = 0;
    tryEvery = 1;
    if (recent[0] != s) {
      System.arraycopy(recent, 0, recent, 1, from);
      recent[0] = s;
    }
    return s.report;
  }

  /** The view of the last pickle {@link #match} matched. */
  byte[] view() {
    return matched;
  }

  /**
   * Whether to learn from the next valid pickle that matched no shape: false for a while after shapes learned went
   * unmatched. Counts the miss.
   */
  boolean wantsToLearn() {
    if (skip > 0) {
      skip--;
      return false;
    }
    return true;
  }

  /**
   * Renders {@code pickle}'s view as {@link PickleViewPass#render} does, and learns its shape when it has one to
   * learn. {@code report} is the inspector's, valid.
   *
   * @return the view, or null when the pass leaves the pickle to the classic path
   */
  byte[] learnAndRender(PickleDecoder decoder, byte[] pickle, PickleReport report) {
    byte[] view = pass.learn(decoder, pickle);
    if (view == null) {
      return null;
    }
    skip = gap;
    Shape s = report.findings().isEmpty() && pickle.length <= MAX_LEARNED_BYTES && view.length <= MAX_LEARNED_VIEW
        ? learn(pickle, view, report) : null;
    if (s == null) {
      wasted();
      return view;
    }
    if (decoder != this.decoder) {
      Arrays.fill(buckets, null);
      Arrays.fill(held, null);
      Arrays.fill(recent, null);
      count = 0;
      this.decoder = decoder;
      maxPayload = decoder.limits().maxPayloadBytes();
      maxString = decoder.limits().maxStringBytes();
    }
    s.skeleton = skeleton(pickle);
    if (s.skeleton == NO_SKELETON) {
      wasted();
      return view;
    }
    int slot = count;
    if (count == CAPACITY) {
      slot = 0;
      for (int i = 1; i < CAPACITY; i++) {
        if (held[i].lastUsed < held[slot].lastUsed) {
          slot = i;
        }
      }
      if (held[slot].hits == 0) {
        wasted();
      }
      unlink(held[slot]);
    } else {
      count++;
    }
    held[slot] = s;
    int b = bucket(s.skeleton);
    s.next = buckets[b];
    buckets[b] = s;
    s.lastUsed = ++clock;
    learned++;
    return view;
  }

  private void unlink(Shape s) {
    for (int t = 0; t < RECENT; t++) {
      if (recent[t] == s) {
        System.arraycopy(recent, t + 1, recent, t, RECENT - 1 - t);
        recent[RECENT - 1] = null;
      }
    }
    int b = bucket(s.skeleton);
    if (buckets[b] == s) {
      buckets[b] = s.next;
      return;
    }
    for (Shape t = buckets[b]; t != null; t = t.next) {
      if (t.next == s) {
        t.next = s.next;
        return;
      }
    }
  }

  private static int bucket(long skeleton) {
    long h = skeleton * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 57) & (BUCKETS - 1);
  }

  /**
   * A hash of the pickle's opcodes up to STOP, BININT1, BININT2 and BININT counted as one, and NEWTRUE and
   * NEWFALSE: what every pickle of a shape shares (but not only they; the match decides). {@link #NO_SKELETON} for
   * a pickle with an opcode no shape has, an argument that does not fit, or bytes after STOP.
   */
  static long skeleton(byte[] p) {
    long h = 1;
    int pos = 0;
    int end = p.length;
    while (pos < end) {
      int op = p[pos++] & 0xFF;
      int arg = ARG[op];
      h = h * 31 + SAME[op];
      if (arg >= 0) {
        pos += arg;
      } else if (arg == ARG_STOP) {
        return pos == end ? h | 1 : NO_SKELETON; // odd: never NO_SKELETON
      } else if (arg == ARG_GLOBAL) {
        int lines = 0;
        while (pos < end && lines < 2) {
          if (p[pos++] == '\n') {
            lines++;
          }
        }
      } else if (arg == ARG_COUNT1) {
        if (pos >= end) {
          return NO_SKELETON;
        }
        pos += 1 + (p[pos] & 0xFF);
      } else if (arg != ARG_NONE) {
        int width = width(op);
        if (width > end - pos) {
          return NO_SKELETON;
        }
        long n = unsigned(p, pos, width);
        pos += width;
        if (n < 0 || n > end - pos) {
          return NO_SKELETON;
        }
        pos += (int) n;
      } else {
        return NO_SKELETON;
      }
    }
    return NO_SKELETON;
  }

  private void wasted() {
    gap = Math.min(2 * gap + 1, MAX_GAP);
    skip = gap;
  }

  // ---- matching

  /** Compares the fixed runs and reads the slots into slotOff/slotLen/slotNum; false when the pickle differs. */
  private boolean read(Shape s, byte[] p) {
    int end = p.length;
    int slots = s.slotKind.length;
    if (runStart.length <= slots) {
      int cap = Math.max(slots + 1, runStart.length * 2);
      runStart = new int[cap];
      slotOff = new int[cap];
      slotLen = new int[cap];
      slotNum = new long[cap];
    }
    byte[] fixed = s.fixed;
    int[] fixedEnd = s.fixedEnd;
    int pos = 0;
    int from = 0;
    for (int i = 0; ; i++) {
      int to = fixedEnd[i];
      int n = to - from;
      if (n > end - pos || !same(p, pos, fixed, from, n)) {
        return false;
      }
      runStart[i] = pos;
      pos += n;
      from = to;
      if (i == slots) {
        break;
      }
      pos = slot(s, i, p, pos);
      if (pos < 0) {
        return false;
      }
    }
    if (pos != end) {
      return false;
    }
    int[] frameSlot = s.frameSlot;
    for (int k = 0; k < frameSlot.length; k++) {
      if (slotNum[frameSlot[k]] != runStart[s.frameRun[k]] + s.frameAt[k]) {
        return false;
      }
    }
    return true;
  }

  /** Whether p[pos..pos+n) is fixed[from..from+n): short runs by hand (a call to Arrays.equals costs more). */
  private static boolean same(byte[] p, int pos, byte[] fixed, int from, int n) {
    if (n > 16) {
      return Arrays.equals(p, pos, pos + n, fixed, from, from + n);
    }
    for (int k = 0; k < n; k++) {
      if (p[pos + k] != fixed[from + k]) {
        return false;
      }
    }
    return true;
  }

  /** Reads slot i's opcode at pos; returns the position after it, or -1 when it does not fit the slot. */
  private int slot(Shape s, int i, byte[] p, int pos) {
    int end = p.length;
    if (pos >= end) {
      return -1;
    }
    int op = p[pos] & 0xFF;
    int at = pos + 1;
    switch (s.slotKind[i]) {
      case S_STR, S_BYTES -> {
        if (op != (s.slotOp[i] & 0xFF)) {
          return -1;
        }
        int width = width(op);
        if (width > end - at) {
          return -1;
        }
        long n = unsigned(p, at, width);
        at += width;
        if (n < 0 || n > end - at || n > maxString) {
          return -1;
        }
        slotOff[i] = at;
        slotLen[i] = (int) n;
        return at + (int) n;
      }
      case S_INT -> {
        int width = op == 'K' ? 1 : op == 'M' ? 2 : op == 'J' ? 4 : -1;
        if (width < 0 || width > end - at) {
          return -1;
        }
        long v = unsigned(p, at, width);
        slotNum[i] = width == 4 ? (int) v : v; // BININT is signed
        return at + width;
      }
      case S_LONG1 -> {
        if (op != 0x8a || at >= end) {
          return -1;
        }
        int n = p[at++] & 0xFF;
        if (n > s.slotMax[i] || n > end - at) {
          return -1;
        }
        slotNum[i] = PickleViewPass.long1(p, at, n);
        return at + n;
      }
      case S_FLOAT -> {
        if (op != 'G' || 8 > end - at) {
          return -1;
        }
        long bits = 0;
        for (int k = 0; k < 8; k++) {
          bits = (bits << 8) | (p[at + k] & 0xFF);
        }
        slotNum[i] = bits;
        return at + 8;
      }
      case S_BOOL -> {
        if (op != 0x88 && op != 0x89) {
          return -1;
        }
        slotNum[i] = op == 0x88 ? 1 : 0;
        return at;
      }
      case S_FRAME -> {
        if (op != 0x95 || 8 > end - at) {
          return -1;
        }
        long n = unsigned(p, at, 8);
        at += 8;
        slotNum[i] = n < 0 ? -1 : at + n; // where the frame ends: checked against the fixed runs at the end
        return at;
      }
      default -> {
        return -1;
      }
    }
  }

  /** The width of the length of a counted opcode (str, bytes, LONG1): 1, 4 or 8; 0 for any other opcode. */
  private static int width(int op) {
    byte arg = ARG[op];
    return arg == ARG_COUNT1 ? 1 : arg == ARG_COUNT4 ? 4 : arg == ARG_COUNT8 ? 8 : 0;
  }

  /** An unsigned little-endian number of width bytes (8 bytes over 2^63 come out negative). */
  private static long unsigned(byte[] p, int at, int width) {
    long v = 0;
    for (int k = width - 1; k >= 0; k--) {
      v = (v << 8) | (p[at + k] & 0xFF);
    }
    return v;
  }

  /** Writes the view: the fixed runs with the slots' values between; false when a value has no view here. */
  private boolean write(Shape s, byte[] p) {
    JsonTokenWriter o = out;
    PickleViewLeaves l = leaves;
    try {
      o.reset();
      byte[] view = s.view;
      int[] viewEnd = s.viewEnd;
      int from = 0;
      int uses = s.useKind.length;
      for (int u = 0; u < uses; u++) {
        o.verbatim(view, from, viewEnd[u] - from);
        from = viewEnd[u];
        int i = s.useSlot[u];
        switch (s.useKind[u]) {
          case U_STR -> {
            if (!l.string(p, slotOff[i], slotLen[i])) {
              return false;
            }
          }
          case U_INT -> o.value(slotNum[i]);
          case U_FLOAT -> l.floating(Double.longBitsToDouble(slotNum[i]));
          case U_BOOL -> o.value(slotNum[i] != 0);
          case U_BYTES -> l.base64(p, slotOff[i], slotLen[i]);
          case U_LATIN1 -> {
            int n = l.latin1(p, slotOff[i], slotLen[i]);
            if (n < 0) {
              return false;
            }
            l.base64(l.latin1, 0, n);
          }
          case U_DATETIME_BYTES -> {
            if (slotLen[i] != 10 || !l.datetimeState(p, slotOff[i])) {
              return false;
            }
            l.datetime(l.date, l.time, l.micros);
          }
          default -> { // U_DATETIME_TEXT
            if (l.latin1(p, slotOff[i], slotLen[i]) != 10 || !l.datetimeState(l.latin1, 0)) {
              return false;
            }
            l.datetime(l.date, l.time, l.micros);
          }
        }
      }
      o.verbatim(view, from, viewEnd[uses] - from);
      matched = o.toBytes();
      return true;
    } catch (RuntimeException tooLarge) { // the JSON limits: the full path decides
      return false;
    }
  }

  // ---- learning

  /** The shape of {@code p}, from the pass's last learn() and its view; null when it has none this class keeps. */
  private Shape learn(byte[] p, byte[] view, PickleReport report) {
    // where each opcode starts, up to STOP
    int[] opAt = new int[p.length + 1];
    Arrays.fill(opAt, -1);
    int ops = 0;
    int pos = 0;
    int[] starts = new int[Math.min(p.length, 1024)];
    while (true) {
      if (pos >= p.length) {
        return null;
      }
      int len = opLength(p, pos);
      if (len < 0) {
        return null;
      }
      if (ops == starts.length) {
        starts = Arrays.copyOf(starts, ops * 2);
      }
      opAt[pos] = ops;
      starts[ops++] = pos;
      int op = p[pos] & 0xFF;
      pos += len;
      if (op == '.') {
        break;
      }
    }
    if (pos != p.length) {
      return null; // bytes after STOP
    }
    // the slots: the opcodes of the leaves' values, but for those whose text decides the structure; and FRAMEs
    byte[] kindOf = new byte[ops];
    Arrays.fill(kindOf, (byte) -1);
    boolean[] fixedOp = new boolean[ops];
    for (int k = 0; k < pass.fixedCount; k++) {
      int at = pass.fixedSrc[k];
      if (at < 0 || at >= opAt.length || opAt[at] < 0) {
        return null;
      }
      fixedOp[opAt[at]] = true;
    }
    int leaves = pass.leafCount;
    byte[] useKindOf = new byte[leaves];
    int[] useOp = new int[leaves];
    for (int r = 0; r < leaves; r++) {
      int at = pass.leafSrc[r];
      if (at < 0 || at >= opAt.length || opAt[at] < 0) {
        return null;
      }
      int o = opAt[at];
      useOp[r] = fixedOp[o] ? -1 : o;
      if (fixedOp[o]) {
        continue;
      }
      int op = p[at] & 0xFF;
      byte slot;
      byte use;
      byte leaf = pass.leafKind[r];
      if (leaf == PickleViewPass.STR) {
        slot = isText(op) ? S_STR : -1;
        use = U_STR;
      } else if (leaf == PickleViewPass.INT) {
        slot = op == 'K' || op == 'M' || op == 'J' ? S_INT : op == 0x8a ? S_LONG1 : -1;
        use = U_INT;
      } else if (leaf == PickleViewPass.FLOAT) {
        slot = op == 'G' ? S_FLOAT : -1;
        use = U_FLOAT;
      } else if (leaf == PickleViewPass.TRUE || leaf == PickleViewPass.FALSE) {
        slot = op == 0x88 || op == 0x89 ? S_BOOL : -1;
        use = U_BOOL;
      } else if (leaf == PickleViewPass.BYTES) {
        slot = isBytes(op) ? S_BYTES : -1;
        use = U_BYTES;
      } else if (leaf == PickleViewPass.LATIN1) {
        slot = isText(op) ? S_STR : -1;
        use = U_LATIN1;
      } else if (leaf == PickleViewPass.DATETIME) {
        slot = isBytes(op) ? S_BYTES : isText(op) ? S_STR : -1;
        use = slot == S_BYTES ? U_DATETIME_BYTES : U_DATETIME_TEXT;
      } else {
        return null;
      }
      if (slot < 0 || (kindOf[o] >= 0 && kindOf[o] != slot)) {
        return null;
      }
      kindOf[o] = slot;
      useKindOf[r] = use;
    }
    for (int o = 0; o < ops; o++) {
      if ((p[starts[o]] & 0xFF) == 0x95) {
        kindOf[o] = S_FRAME;
      }
    }
    // cut the pickle into fixed runs and slots
    int slots = 0;
    for (int o = 0; o < ops; o++) {
      if (kindOf[o] >= 0) {
        slots++;
      }
    }
    byte[] fixed = new byte[p.length];
    int fixedLen = 0;
    int[] fixedEnd = new int[slots + 1];
    int[] runFrom = new int[slots + 1]; // where each run starts in p, for the frames
    int[] runTo = new int[slots + 1];
    byte[] slotKind = new byte[slots];
    byte[] slotOp = new byte[slots];
    int[] slotMax = new int[slots];
    int[] slotOfOp = new int[ops];
    int frames = 0;
    int run = 0;
    int runStartInP = 0;
    for (int o = 0; o < ops; o++) {
      if (kindOf[o] < 0) {
        continue;
      }
      int at = starts[o];
      System.arraycopy(p, runStartInP, fixed, fixedLen, at - runStartInP);
      fixedLen += at - runStartInP;
      fixedEnd[run] = fixedLen;
      runFrom[run] = runStartInP;
      runTo[run] = at;
      slotKind[run] = kindOf[o];
      slotOp[run] = p[at];
      slotMax[run] = kindOf[o] == S_LONG1 ? p[at + 1] & 0xFF : 0;
      slotOfOp[o] = run;
      if (kindOf[o] == S_FRAME) {
        frames++;
      }
      runStartInP = at + opLength(p, at);
      run++;
    }
    System.arraycopy(p, runStartInP, fixed, fixedLen, p.length - runStartInP);
    fixedLen += p.length - runStartInP;
    fixedEnd[run] = fixedLen;
    runFrom[run] = runStartInP;
    runTo[run] = p.length;
    // each frame ends inside a fixed run (or at one's edge), at the same place in every pickle of the shape
    int[] frameSlot = new int[frames];
    int[] frameRun = new int[frames];
    int[] frameAt = new int[frames];
    int f = 0;
    for (int o = 0; o < ops; o++) {
      if (kindOf[o] != S_FRAME) {
        continue;
      }
      long frameEnd = starts[o] + 9 + unsigned(p, starts[o] + 1, 8);
      int r = -1;
      for (int k = 0; k <= slots; k++) {
        if (runFrom[k] <= frameEnd && frameEnd <= runTo[k]) {
          r = k;
          break;
        }
      }
      if (r < 0) {
        return null; // inside a slot's opcode: its length would decide where
      }
      frameSlot[f] = slotOfOp[o];
      frameRun[f] = r;
      frameAt[f] = (int) (frameEnd - runFrom[r]);
      f++;
    }
    // cut the view into fixed runs and uses
    int uses = 0;
    for (int r = 0; r < leaves; r++) {
      if (useOp[r] >= 0) {
        uses++;
      }
    }
    byte[] viewFixed = new byte[view.length];
    int viewLen = 0;
    int[] viewEnd = new int[uses + 1];
    int[] useSlot = new int[uses];
    byte[] useKind = new byte[uses];
    int u = 0;
    int viewFrom = 0;
    for (int r = 0; r < leaves; r++) {
      if (useOp[r] < 0) {
        continue;
      }
      int start = pass.leafStart[r];
      System.arraycopy(view, viewFrom, viewFixed, viewLen, start - viewFrom);
      viewLen += start - viewFrom;
      viewEnd[u] = viewLen;
      useSlot[u] = slotOfOp[useOp[r]];
      useKind[u] = useKindOf[r];
      viewFrom = pass.leafEnd[r];
      u++;
    }
    System.arraycopy(view, viewFrom, viewFixed, viewLen, view.length - viewFrom);
    viewLen += view.length - viewFrom;
    viewEnd[uses] = viewLen;
    return new Shape(Arrays.copyOf(fixed, fixedLen), fixedEnd, slotKind, slotOp, slotMax, frameSlot, frameRun,
        frameAt, Arrays.copyOf(viewFixed, viewLen), viewEnd, useSlot, useKind, report);
  }

  private static boolean isText(int op) {
    return op == 0x8c || op == 'X' || op == 0x8d;
  }

  private static boolean isBytes(int op) {
    return op == 'C' || op == 'B' || op == 0x8e;
  }

  /**
   * The length of the opcode at pos with its argument, for the opcodes {@link PickleViewPass} handles; -1 for any
   * other, or one that does not fit.
   */
  private static int opLength(byte[] p, int pos) {
    int op = p[pos] & 0xFF;
    int rest = p.length - pos - 1;
    int arg = ARG[op];
    int n;
    if (arg >= 0 || arg == ARG_STOP) {
      n = Math.max(arg, 0);
    } else if (arg == ARG_GLOBAL) { // module\nname\n
      int lines = 0;
      int i = pos + 1;
      for (; i < p.length && lines < 2; i++) {
        if (p[i] == '\n') {
          lines++;
        }
      }
      if (lines < 2) {
        return -1;
      }
      n = i - pos - 1;
    } else if (arg != ARG_NONE) {
      int width = width(op);
      if (width > rest) {
        return -1;
      }
      long count = unsigned(p, pos + 1, width);
      if (count < 0 || count > rest - width) {
        return -1;
      }
      n = width + (int) count;
    } else {
      return -1;
    }
    return n > rest ? -1 : n + 1;
  }
}

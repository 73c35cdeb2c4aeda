package dev.cachecompat.verifier;

import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.json.JsonTokenWriter;
import dev.cachecompat.pickle.PickleDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The scan's fast path for the common pickles: one pass over the opcodes of a pickle the inspector found valid
 * that writes the value's JSON view ({@code docs/pickle-json-view.md}) straight from the pickle's bytes, with no
 * Java object per Python value. It gives exactly the bytes {@code PickleViewWriter.render(decoder.decode(p))}
 * gives, or says "not handled" (null) and the caller takes that classic path, which then also gives the errors.
 *
 * <p>Handled: protocols 2-5 pickles of None, bool, int (BININT*, LONG1 up to 8 bytes), float (BINFLOAT), str
 * (BINUNICODE*; strict UTF-8 without surrogates), bytes (BINBYTES*, and protocol 2's {@code
 * _codecs.encode(str, 'latin1')} and {@code __builtin__.bytes()}), list, tuple, dict with str keys not starting with {@code $}, shared references
 * (MEMOIZE, BINPUT, BINGET and their long forms; written in full at each use) and naive {@code datetime.datetime}
 * from its state bytes (GLOBAL or STACK_GLOBAL, REDUCE). Not handled, so left to the classic path: every other
 * opcode (Python 2 str among them: its view depends on the str policy) and global, non-str or {@code $} keys,
 * duplicate keys, cycles, text the JDK's strict UTF-8 decoder refuses, a view that would pass the node budget or
 * the JSON limits, a stack or mark that is not exactly as a pickler leaves it, and a decoder whose globals
 * {@code datetime.datetime} or {@code _codecs.encode} are not the built-in ones.
 *
 * <p>The pass builds a flat arena of nodes (ints pointing into the pickle) and edges (container items, so that
 * a shared container is one node), then walks it with an explicit stack, sorting each dict's keys by their UTF-8
 * bytes (which is code point order). Not thread-safe; one per thread, reusable.
 */
final class PickleViewPass {
  // Node kinds (also of leafKind), numbered by frequency (C1 compiles a switch into compares in case order); the globals last.
  static final byte NONE = 8;
  static final byte TRUE = 3;
  static final byte FALSE = 4;
  static final byte INT = 1;
  static final byte FLOAT = 2;
  /** UTF-8 text: off, len. */
  static final byte STR = 0;
  /** bytes: off, len. */
  static final byte BYTES = 10;
  /** bytes given as the UTF-8 of text of code points up to U+00FF (_codecs.encode(text, 'latin1')): off, len. */
  static final byte LATIN1 = 11;
  private static final byte LIST = 5;
  private static final byte TUPLE = 9;
  private static final byte DICT = 6;
  /** off: yyyymmdd as a number, len: hhmmss, num: microseconds. */
  static final byte DATETIME = 7;
  private static final byte GLOBAL_DATETIME = 12;
  private static final byte GLOBAL_ENCODE = 13;
  /** builtins.bytes, as protocols 0-2 write it: {@code __builtin__.bytes}. */
  private static final byte GLOBAL_BYTES = 14;

  private static final byte[] DATETIME_NAME = "datetime".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CODECS_NAME = "_codecs".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENCODE_NAME = "encode".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BUILTIN_NAME = "__builtin__".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BYTES_NAME = "bytes".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LATIN1_NAME = "latin1".getBytes(StandardCharsets.US_ASCII);
  private static final int SORT_THRESHOLD = 16;
  private static final String[] PROBES = {
      "8002636461746574696d650a6461746574696d650a7100635f636f646563730a656e636f64650a7101580b00000007c3a203040506"
          + "0700037b710258060000006c6174696e3171038671045271058571065271072e",
      "8003636461746574696d650a6461746574696d650a7100430a07e2030405060700037b71018571025271032e"};
  private static final String EMPTY_BYTES_PROBE = "8002635f5f6275696c74696e5f5f0a62797465730a7100295271012e";
  /** Memo indexes above this are left to the classic path (its sparse memo). */
  private static final int MAX_MEMO_INDEX = 1 << 20;

  // Opcodes as dense case numbers, the most frequent first: C1 compiles a switch into compares in case order.
  private static final int OP_MEMOIZE = 1;
  private static final int OP_SHORT_BINUNICODE = 2;
  private static final int OP_BINPUT = 3;
  private static final int OP_BINUNICODE = 4;
  private static final int OP_BININT1 = 5;
  private static final int OP_BININT = 6;
  private static final int OP_BINFLOAT = 7;
  private static final int OP_NEWTRUE = 8;
  private static final int OP_NEWFALSE = 9;
  private static final int OP_MARK = 10;
  private static final int OP_EMPTY_LIST = 11;
  private static final int OP_APPENDS = 12;
  private static final int OP_SETITEMS = 13;
  private static final int OP_EMPTY_DICT = 14;
  private static final int OP_BININT2 = 15;
  private static final int OP_NONE_OP = 16;
  private static final int OP_SETITEM = 17;
  private static final int OP_APPEND = 18;
  private static final int OP_BINGET = 19;
  private static final int OP_SHORT_BINBYTES = 20;
  private static final int OP_TUPLE1 = 21;
  private static final int OP_TUPLE2 = 22;
  private static final int OP_TUPLE3 = 23;
  private static final int OP_TUPLE_OP = 24;
  private static final int OP_EMPTY_TUPLE = 25;
  private static final int OP_REDUCE = 26;
  private static final int OP_GLOBAL = 27;
  private static final int OP_STACK_GLOBAL = 28;
  private static final int OP_FRAME = 29;
  private static final int OP_PROTO = 30;
  private static final int OP_STOP = 31;
  private static final int OP_LONG1 = 32;
  private static final int OP_BINUNICODE8 = 33;
  private static final int OP_LONG_BINPUT = 34;
  private static final int OP_LONG_BINGET = 35;
  private static final int OP_BINBYTES = 36;
  private static final int OP_BINBYTES8 = 37;
  /** Case number of each opcode byte; 0 for the opcodes this pass leaves to the classic path. */
  private static final byte[] OPS = new byte[256];

  static {
    OPS[0x94] = OP_MEMOIZE;
    OPS[0x8c] = OP_SHORT_BINUNICODE;
    OPS['q'] = OP_BINPUT;
    OPS['X'] = OP_BINUNICODE;
    OPS['K'] = OP_BININT1;
    OPS['J'] = OP_BININT;
    OPS['G'] = OP_BINFLOAT;
    OPS[0x88] = OP_NEWTRUE;
    OPS[0x89] = OP_NEWFALSE;
    OPS['('] = OP_MARK;
    OPS[']'] = OP_EMPTY_LIST;
    OPS['e'] = OP_APPENDS;
    OPS['u'] = OP_SETITEMS;
    OPS['}'] = OP_EMPTY_DICT;
    OPS['M'] = OP_BININT2;
    OPS['N'] = OP_NONE_OP;
    OPS['s'] = OP_SETITEM;
    OPS['a'] = OP_APPEND;
    OPS['h'] = OP_BINGET;
    OPS['C'] = OP_SHORT_BINBYTES;
    OPS[0x85] = OP_TUPLE1;
    OPS[0x86] = OP_TUPLE2;
    OPS[0x87] = OP_TUPLE3;
    OPS['t'] = OP_TUPLE_OP;
    OPS[')'] = OP_EMPTY_TUPLE;
    OPS['R'] = OP_REDUCE;
    OPS['c'] = OP_GLOBAL;
    OPS[0x93] = OP_STACK_GLOBAL;
    OPS[0x95] = OP_FRAME;
    OPS[0x80] = OP_PROTO;
    OPS['.'] = OP_STOP;
    OPS[0x8a] = OP_LONG1;
    OPS[0x8d] = OP_BINUNICODE8;
    OPS['r'] = OP_LONG_BINPUT;
    OPS['j'] = OP_LONG_BINGET;
    OPS['B'] = OP_BINBYTES;
    OPS[0x8e] = OP_BINBYTES8;
  }

  /** Thrown to give up; preallocated, no stack trace. */
  private static final class NotHandled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotHandled() {
      super("not handled", null, false, false);
    }
  }

  private static final NotHandled NOT_HANDLED = new NotHandled();

  private final JsonTokenWriter out;
  private final long maxNodes;
  /** Writes the leaves, into {@link #out}. */
  private final PickleViewLeaves leaves;

  // nodes
  private byte[] kind = new byte[64];
  private int[] off = new int[64]; // STR/BYTES/LATIN1: offset in the pickle; containers: first edge or -1
  private int[] len = new int[64]; // STR/BYTES/LATIN1: length; containers: last edge
  private long[] num = new long[64]; // INT, FLOAT bits, container item count, DATETIME micros
  private boolean[] open = new boolean[64]; // containers being written (a cycle if met again)
  /**
   * While learning: where the opcode that made each node starts (or for a call's bytes or datetime, the opcode of
   * its text or state); -1 for a node of no opcode's bytes (b'' from a call).
   */
  private int[] src = new int[64];
  /** Nodes whose text decides the structure (module and name of STACK_GLOBAL, the encoding of a call). */
  private boolean[] structural = new boolean[64];
  private int nodes;

  // learning (PickleShapes): off but for learn()
  private boolean learning;
  /** The leaves written by the last learn(): their node's opcode, their node's kind, where they were written. */
  int leafCount;
  int[] leafSrc = new int[16];
  byte[] leafKind = new byte[16];
  int[] leafStart = new int[16];
  int[] leafEnd = new int[16];
  /** While learning: the nodes below this have their src; the last opcode began at lastOp. */
  private int srcSeen;
  private int lastOp;
  /** Where the opcodes start whose text decides the structure: dict keys, global names, an encoding. */
  int fixedCount;
  int[] fixedSrc = new int[16];

  // edges: container items (dict members: key and value)
  private int[] edgeKey = new int[64];
  private int[] edgeVal = new int[64];
  private int[] edgeNext = new int[64];
  private int edges;

  // the pickle machine
  private int[] stack = new int[32];
  private int sp;
  private int[] marks = new int[8];
  private int mp;
  private int[] memo = new int[64];
  private int memoHigh; // memo[0..memoHigh) may be set; the rest is -1
  private int memoCount;

  // writing
  private int[] frameNode = new int[16];
  private int[] framePos = new int[16]; // next edge (list, tuple) or next index into sorted (dict)
  private int[] frameEnd = new int[16]; // dict: end index into sorted
  private int[] frameIndex = new int[16]; // items written
  private int[] frameKeys = new int[16]; // dict: the member count whose key fragments it writes, or 0
  private int depth;
  private int[] sorted = new int[64];
  private int sortedTop;
  /**
   * Per member count (up to SORT_THRESHOLD): the last sorted order met, as insertion ordinals (orders[n][i] is the
   * insertion index of the i-th key in key order), or null. Dicts whose keys repeat pickle after pickle are checked
   * in that order with n-1 comparisons instead of sorted.
   */
  private final int[][] orders = new int[SORT_THRESHOLD + 1][];
  private final int[] inserted = new int[SORT_THRESHOLD];
  /**
   * Per member count (up to SORT_THRESHOLD): the keys of the last dict of that many members whose order was
   * checked or sorted, as their UTF-8 bytes one after the other in key order ({@code keyEnd[n][i]} is where the
   * i-th ends), or null. A dict whose keys are these bytes, key by key, is in this order (they were strictly
   * increasing) and its members start with {@code keyFragments[n]}'s bytes: the i-th key quoted, escaped and
   * followed by the key separator (and after an item separator but for the first), or null until the same keys
   * come a second time (or when a key is not text the strict UTF-8 decoder takes).
   */
  private final byte[][] keyBytes = new byte[SORT_THRESHOLD + 1][];
  private final int[][] keyEnd = new int[SORT_THRESHOLD + 1][];
  private final byte[][] keyFragments = new byte[SORT_THRESHOLD + 1][];
  private final int[][] keyFragmentEnd = new int[SORT_THRESHOLD + 1][];
  /** Per member count: how many dicts being written use its key fragments (which must not change meanwhile). */
  private final int[] keyUsers = new int[SORT_THRESHOLD + 1];
  /** Writes the key fragments, in this pass's style. */
  private final JsonTokenWriter keyOut;
  private long written;

  private byte[] buf;
  private int end;
  private int protocol;

  /** Which decoder's globals were checked, and whether they are the built-in datetime and _codecs.encode. */
  private PickleDecoder checkedDecoder;
  private boolean builtinGlobals;

  PickleViewPass(CanonicalJson style, long maxNodes) {
    this.out = style.tokenWriter();
    this.keyOut = style.tokenWriter();
    this.maxNodes = maxNodes;
    this.leaves = new PickleViewLeaves(out);
    Arrays.fill(memo, -1);
  }

  /**
   * The view of a pickle {@code decoder}'s inspector found valid, or null when this pass does not handle it (then
   * the classic decode and render decide, errors included).
   */
  byte[] render(PickleDecoder decoder, byte[] pickle) {
    if (decoder != checkedDecoder) {
      builtinGlobals = hasBuiltinGlobals(decoder);
      checkedDecoder = decoder;
    }
    try {
      int root = parse(pickle);
      out.reset();
      write(root);
      if (learning) {
        learnStructure();
      }
      return out.toBytes();
    } catch (RuntimeException notHandled) {
      // NotHandled, or the JSON limits (JsonCanonicalException), or anything unforeseen: the classic path decides.
      // Given up while writing, containers may be left open and key fragments in use: a render that ends well
      // leaves neither.
      Arrays.fill(open, 0, nodes, false);
      Arrays.fill(keyUsers, 0);
      return null;
    } finally {
      clear();
    }
  }

  /**
   * Renders as {@link #render} does, and also records what {@link PickleShapes} learns a shape from: each leaf
   * written ({@link #leafCount} of them, in the order written), with the opcode its value came from and where its
   * JSON is in the view; and the opcodes whose text decides the structure ({@link #fixedCount}). Valid until the
   * next render.
   */
  byte[] learn(PickleDecoder decoder, byte[] pickle) {
    learning = true;
    leafCount = 0;
    fixedCount = 0;
    srcSeen = 0;
    lastOp = 0;
    Arrays.fill(structural, false);
    Arrays.fill(src, -2);
    try {
      return render(decoder, pickle);
    } finally {
      learning = false;
    }
  }

  /** Gives the nodes made since the last call the opcode that made them (unless a call gave them one already). */
  private void learnOp(int pos) {
    for (int n = srcSeen; n < nodes; n++) {
      if (src[n] == -2) {
        src[n] = lastOp;
      }
    }
    srcSeen = nodes;
    lastOp = pos;
  }

  /** After value(n) when learning: a leaf's value is recorded (its node's opcode, where it was written). */
  private void learned(int n, int at) {
    byte k = kind[n];
    if (k == LIST || k == TUPLE || k == DICT) {
      return; // only opened: its items follow
    }
    if (k == NONE || src[n] < 0) {
      return; // the same bytes in every pickle of the shape
    }
    int i = leafCount;
    if (i == leafSrc.length) {
      leafSrc = Arrays.copyOf(leafSrc, i * 2);
      leafKind = Arrays.copyOf(leafKind, i * 2);
      leafStart = Arrays.copyOf(leafStart, i * 2);
      leafEnd = Arrays.copyOf(leafEnd, i * 2);
    }
    leafSrc[i] = src[n];
    leafKind[i] = k;
    leafStart[i] = at;
    leafEnd[i] = out.size();
    leafCount = i + 1;
  }

  /** Records the opcodes of the dict keys and of the nodes marked structural. */
  private void learnStructure() {
    for (int e = 0; e < edges; e++) {
      if (edgeKey[e] >= 0) {
        fixed(src[edgeKey[e]]);
      }
    }
    for (int n = 0; n < nodes; n++) {
      if (structural[n]) {
        fixed(src[n]);
      }
    }
  }

  private void fixed(int at) {
    if (fixedCount == fixedSrc.length) {
      fixedSrc = Arrays.copyOf(fixedSrc, fixedCount * 2);
    }
    fixedSrc[fixedCount++] = at;
  }

  /**
   * Whether {@code decoder} builds {@code datetime.datetime}, {@code _codecs.encode} and {@code builtins.bytes} as
   * the built-in callees do (an {@code --allow}ed or custom constructor of the same name overrides them): checked
   * once per decoder on CPython 3's pickles of {@code datetime.datetime(2018, 3, 4, 5, 6, 7, 891)} at protocols 2
   * (the _codecs form) and 3, and of {@code b''} at protocol 2.
   */
  private static boolean hasBuiltinGlobals(PickleDecoder decoder) {
    LocalDateTime probe = LocalDateTime.of(2018, 3, 4, 5, 6, 7, 891_000);
    try {
      for (String hex : PROBES) {
        if (!probe.equals(decoder.decode(HexFormat.of().parseHex(hex)))) {
          return false;
        }
      }
      Object empty = decoder.decode(HexFormat.of().parseHex(EMPTY_BYTES_PROBE));
      return empty instanceof byte[] b && b.length == 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void clear() {
    buf = null;
    depth = 0;
    nodes = 0;
    edges = 0;
    sp = 0;
    mp = 0;
    sortedTop = 0;
    int[] m = memo;
    for (int i = memoHigh - 1; i >= 0; i--) { // not Arrays.fill: two calls under C1
      m[i] = -1;
    }
    memoHigh = 0;
    memoCount = 0;
  }

  private static NotHandled no() {
    return NOT_HANDLED;
  }

  // ---- reading the opcodes into the arena

  private int parse(byte[] pickle) {
    buf = pickle;
    end = pickle.length;
    protocol = 0;
    final byte[] b = pickle;
    int pos = 0;
    while (pos < end) {
      if (learning) {
        learnOp(pos);
      }
      switch (OPS[b[pos++] & 0xFF]) {
        case OP_SHORT_BINUNICODE -> { // SHORT_BINUNICODE, inline: the most frequent with MEMOIZE
          if (pos >= end) {
            throw no();
          }
          int n = b[pos++] & 0xFF;
          if (n > end - pos) {
            throw no();
          }
          int node = node(STR);
          off[node] = pos;
          len[node] = n;
          push(node);
          pos += n;
          if (pos < end && b[pos] == (byte) 0x94) { // MEMOIZE nearly always follows: no dispatch for it
            pos++;
            int i = memoCount; // memoizeNext, inline
            int[] m = memo;
            if (i < m.length && m[i] < 0) {
              m[i] = node;
              memoCount = i + 1;
              if (i >= memoHigh) {
                memoHigh = i + 1;
              }
            } else {
              memoize(i);
            }
          }
        }
        case OP_BINUNICODE -> { // BINUNICODE: what length and span do, inline
          if (4 > end - pos) {
            throw no();
          }
          int n = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | b[pos + 3] << 24;
          pos += 4;
          if (n < 0 || n > end - pos) {
            throw no();
          }
          int node = node(STR);
          off[node] = pos;
          len[node] = n;
          push(node);
          pos += n;
          if (pos + 1 < end && b[pos] == 'q') { // BINPUT nearly always follows (protocol 2): no dispatch for it
            memoize(b[pos + 1] & 0xFF);
            pos += 2;
          }
        }
        case OP_BINUNICODE8 -> pos = span(STR, pos + 8, length(pos, 8)); // BINUNICODE8
        case OP_MEMOIZE -> memoizeNext(); // MEMOIZE
        case OP_BINPUT -> { // BINPUT
          need(pos, 1);
          memoize(b[pos++] & 0xFF);
        }
        case OP_LONG_BINPUT -> { // LONG_BINPUT
          memoize(length(pos, 4));
          pos += 4;
        }
        case OP_BINGET -> { // BINGET
          need(pos, 1);
          push(memoGet(b[pos++] & 0xFF));
        }
        case OP_LONG_BINGET -> { // LONG_BINGET
          push(memoGet(length(pos, 4)));
          pos += 4;
        }
        case OP_BININT1 -> { // BININT1
          if (pos >= end) {
            throw no();
          }
          int node = node(INT);
          num[node] = b[pos++] & 0xFF;
          push(node);
        }
        case OP_BININT2 -> { // BININT2
          need(pos, 2);
          pos = integer(pos + 2, (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8);
        }
        case OP_BININT -> { // BININT: signed
          if (4 > end - pos) {
            throw no();
          }
          int node = node(INT);
          num[node] = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | b[pos + 3] << 24;
          push(node);
          pos += 4;
        }
        case OP_LONG1 -> { // LONG1
          need(pos, 1);
          int n = b[pos++] & 0xFF;
          if (n > 8) {
            throw no();
          }
          need(pos, n);
          pos = integer(pos + n, long1(b, pos, n));
        }
        case OP_BINFLOAT -> { // BINFLOAT: big-endian
          need(pos, 8);
          long bits = 0;
          for (int k = 0; k < 8; k++) {
            bits = (bits << 8) | (b[pos + k] & 0xFF);
          }
          int n = node(FLOAT);
          num[n] = bits;
          push(n);
          pos += 8;
        }
        case OP_NONE_OP -> push(node(NONE));
        case OP_NEWTRUE -> push(node(TRUE));
        case OP_NEWFALSE -> push(node(FALSE));
        case OP_MARK -> mark();
        case OP_EMPTY_DICT -> push(container(DICT));
        case OP_EMPTY_LIST -> push(container(LIST));
        case OP_EMPTY_TUPLE -> push(container(TUPLE));
        case OP_SETITEM -> { // SETITEM
          if (sp < 3) {
            throw no();
          }
          checkMarks(sp - 2);
          int d = stack[sp - 3];
          if (kind[d] != DICT) {
            throw no();
          }
          member(d, stack[sp - 2], stack[sp - 1]);
          sp -= 2;
        }
        case OP_SETITEMS -> { // SETITEMS
          int from = popMark();
          if (from < 1 || ((sp - from) & 1) != 0) {
            throw no();
          }
          int d = stack[from - 1];
          if (kind[d] != DICT) {
            throw no();
          }
          // member(d, key, value) for each pair, inline: a call per member costs more than its work under C1
          int[] st = stack;
          byte[] k = kind;
          int[] o = off;
          int[] l = len;
          int e = edges;
          int last = o[d] < 0 ? -1 : l[d];
          for (int i = from; i < sp; i += 2) {
            int key = st[i];
            int value = st[i + 1];
            if (k[key] != STR || (l[key] > 0 && b[o[key]] == '$') || k[value] >= GLOBAL_DATETIME) {
              throw no();
            }
            if (e == edgeKey.length) {
              edges = e;
              growEdges();
            }
            edgeKey[e] = key;
            edgeVal[e] = value;
            edgeNext[e] = -1;
            if (last < 0) {
              o[d] = e;
            } else {
              edgeNext[last] = e;
            }
            last = e;
            e++;
          }
          if (last >= 0) {
            l[d] = last;
          }
          num[d] += (sp - from) >> 1;
          edges = e;
          sp = from;
        }
        case OP_APPEND -> { // APPEND
          if (sp < 2) {
            throw no();
          }
          checkMarks(sp - 1);
          int l = stack[sp - 2];
          if (kind[l] != LIST) {
            throw no();
          }
          item(l, stack[sp - 1]);
          sp--;
        }
        case OP_APPENDS -> { // APPENDS
          int from = popMark();
          if (from < 1) {
            throw no();
          }
          int l = stack[from - 1];
          if (kind[l] != LIST) {
            throw no();
          }
          for (int i = from; i < sp; i++) {
            item(l, stack[i]);
          }
          sp = from;
        }
        case OP_TUPLE1 -> tuple(sp - 1); // TUPLE1
        case OP_TUPLE2 -> tuple(sp - 2); // TUPLE2
        case OP_TUPLE3 -> tuple(sp - 3); // TUPLE3
        case OP_TUPLE_OP -> tuple(popMark()); // TUPLE
        case OP_SHORT_BINBYTES -> { // SHORT_BINBYTES
          need(pos, 1);
          int n = b[pos] & 0xFF;
          pos = span(BYTES, pos + 1, n);
        }
        case OP_BINBYTES -> pos = span(BYTES, pos + 4, length(pos, 4)); // BINBYTES
        case OP_BINBYTES8 -> pos = span(BYTES, pos + 8, length(pos, 8)); // BINBYTES8
        case OP_FRAME -> { // FRAME
          need(pos, 8);
          pos += 8;
        }
        case OP_PROTO -> { // PROTO
          need(pos, 1);
          protocol = b[pos++] & 0xFF;
          if (protocol < 2 || protocol > 5) {
            throw no();
          }
        }
        case OP_GLOBAL -> { // GLOBAL: module\nname\n
          int nl = newline(pos);
          int nl2 = newline(nl + 1);
          push(global(pos, nl - pos, nl + 1, nl2 - nl - 1));
          pos = nl2 + 1;
        }
        case OP_STACK_GLOBAL -> { // STACK_GLOBAL
          if (sp < 2) {
            throw no();
          }
          checkMarks(sp - 2);
          int module = stack[sp - 2];
          int name = stack[sp - 1];
          if (kind[module] != STR || kind[name] != STR) {
            throw no();
          }
          structural[module] = true;
          structural[name] = true;
          sp -= 2;
          push(global(off[module], len[module], off[name], len[name]));
        }
        case OP_REDUCE -> { // REDUCE
          if (sp < 2) {
            throw no();
          }
          checkMarks(sp - 2);
          int callable = stack[sp - 2];
          int args = stack[sp - 1];
          sp -= 2;
          push(reduce(callable, args));
        }
        case OP_STOP -> { // STOP: the value must be all that is left, as a pickler leaves it
          if (sp != 1 || mp != 0 || kind[stack[0]] >= GLOBAL_DATETIME) {
            throw no();
          }
          return stack[0];
        }
        default -> throw no();
      }
    }
    throw no();
  }

  /** LONG1's value: n (at most 8) little-endian two's-complement bytes at b[at..at+n). Shared with PickleShapes. */
  static long long1(byte[] b, int at, int n) {
    long v = 0;
    for (int k = n - 1; k >= 0; k--) {
      v = (v << 8) | (b[at + k] & 0xFF);
    }
    if (n > 0) {
      int shift = 64 - 8 * n;
      v = (v << shift) >> shift;
    }
    return v;
  }

  private void need(int pos, long n) {
    if (n > end - pos) {
      throw no();
    }
  }

  /** An unsigned little-endian length of 4 or 8 bytes at pos, which must fit an int. */
  private int length(int pos, int width) {
    need(pos, width);
    long v = 0;
    for (int k = width - 1; k >= 0; k--) {
      v = (v << 8) | (buf[pos + k] & 0xFF);
    }
    if (v < 0 || v > Integer.MAX_VALUE - 16) {
      throw no();
    }
    return (int) v;
  }

  /** Pushes a STR or BYTES node of the n bytes at pos; returns the position after them. */
  private int span(byte k, int pos, int n) {
    need(pos, n);
    int node = node(k);
    off[node] = pos;
    len[node] = n;
    push(node);
    return pos + n;
  }

  private int integer(int pos, long v) {
    int n = node(INT);
    num[n] = v;
    push(n);
    return pos;
  }

  private int newline(int from) {
    for (int i = from; i < end; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    throw no();
  }

  /**
   * A new node of kind k (at most 35 bytes of bytecode, so that C1 inlines it into parse; growing is out of line).
   * Its {@link #open} is false: every container written is closed again, or the render that gave up resets them.
   */
  private int node(byte k) {
    int n = nodes;
    if (n == kind.length) {
      growNodes();
    }
    kind[n] = k;
    nodes = n + 1;
    return n;
  }

  private void growNodes() {
    int cap = nodes * 2;
    kind = Arrays.copyOf(kind, cap);
    off = Arrays.copyOf(off, cap);
    len = Arrays.copyOf(len, cap);
    num = Arrays.copyOf(num, cap);
    open = Arrays.copyOf(open, cap);
    src = Arrays.copyOf(src, cap);
    Arrays.fill(src, nodes, cap, -2); // unset, for learnOp
    structural = Arrays.copyOf(structural, cap);
  }

  private int container(byte k) {
    int n = node(k);
    off[n] = -1;
    len[n] = -1;
    num[n] = 0;
    return n;
  }

  /** Pushes a node (at most 35 bytes of bytecode, so that C1 inlines it; growing is out of line). */
  private void push(int node) {
    int p = sp;
    if (p == stack.length) {
      growStack();
    }
    stack[p] = node;
    sp = p + 1;
  }

  private void growStack() {
    stack = Arrays.copyOf(stack, sp * 2);
  }

  private void mark() {
    if (mp == marks.length) {
      marks = Arrays.copyOf(marks, mp * 2);
    }
    marks[mp++] = sp;
  }

  private int popMark() {
    if (mp == 0) {
      throw no();
    }
    int from = marks[--mp];
    if (from > sp) {
      throw no();
    }
    return from;
  }

  /** Refuses an opcode that would take items from below the topmost mark (the classic path decides those). */
  private void checkMarks(int from) {
    if (from < 0 || (mp > 0 && marks[mp - 1] > from)) {
      throw no();
    }
  }

  /** MEMOIZE: the next free index, without {@link #memoize}'s checks when it needs no growing. */
  private void memoizeNext() {
    int i = memoCount;
    int[] m = memo;
    if (sp > 0 && i < m.length && m[i] < 0) {
      m[i] = stack[sp - 1];
      memoCount = i + 1;
      if (i >= memoHigh) {
        memoHigh = i + 1;
      }
    } else {
      memoize(i);
    }
  }

  private void memoize(int index) {
    if (sp == 0 || index < 0 || index > MAX_MEMO_INDEX || index > 2 * memoCount + 16) {
      throw no();
    }
    if (index >= memo.length) {
      int old = memo.length;
      memo = Arrays.copyOf(memo, Math.max(index + 1, old * 2));
      Arrays.fill(memo, old, memo.length, -1);
    }
    if (memo[index] < 0) {
      memoCount++;
    }
    memo[index] = stack[sp - 1];
    if (index >= memoHigh) {
      memoHigh = index + 1;
    }
  }

  private int memoGet(int index) {
    if (index < 0 || index >= memoHigh || memo[index] < 0) {
      throw no();
    }
    return memo[index];
  }

  private void growEdges() {
    int cap = edges * 2;
    edgeKey = Arrays.copyOf(edgeKey, cap);
    edgeVal = Arrays.copyOf(edgeVal, cap);
    edgeNext = Arrays.copyOf(edgeNext, cap);
  }

  /** A list or tuple item: what edge and link do, inline (one call per item under C1). */
  private void item(int list, int value) {
    if (kind[value] >= GLOBAL_DATETIME) {
      throw no(); // a global does not land in a container (the classic path refuses it)
    }
    int e = edges;
    if (e == edgeKey.length) {
      growEdges();
    }
    edgeKey[e] = -1;
    edgeVal[e] = value;
    edgeNext[e] = -1;
    edges = e + 1;
    if (off[list] < 0) {
      off[list] = e;
    } else {
      edgeNext[len[list]] = e;
    }
    len[list] = e;
    num[list]++;
  }

  /**
   * A dict member: only str keys not starting with '$' (others make the $dict form). What edge and link do,
   * inline: one call per member under C1.
   */
  private void member(int dict, int key, int value) {
    byte[] k = kind;
    if (k[key] != STR || (len[key] > 0 && buf[off[key]] == '$') || k[value] >= GLOBAL_DATETIME) {
      throw no();
    }
    int e = edges;
    if (e == edgeKey.length) {
      growEdges();
    }
    edgeKey[e] = key;
    edgeVal[e] = value;
    edgeNext[e] = -1;
    edges = e + 1;
    if (off[dict] < 0) {
      off[dict] = e;
    } else {
      edgeNext[len[dict]] = e;
    }
    len[dict] = e;
    num[dict]++;
  }

  private void tuple(int from) {
    if (from < 0) {
      throw no();
    }
    checkMarks(from);
    int t = container(TUPLE);
    for (int i = from; i < sp; i++) {
      item(t, stack[i]);
    }
    sp = from;
    push(t);
  }

  private int global(int moduleOff, int moduleLen, int nameOff, int nameLen) {
    if (builtinGlobals && equal(moduleOff, moduleLen, DATETIME_NAME)) {
      if (equal(nameOff, nameLen, DATETIME_NAME)) {
        return node(GLOBAL_DATETIME);
      }
    } else if (builtinGlobals && equal(moduleOff, moduleLen, CODECS_NAME) && equal(nameOff, nameLen, ENCODE_NAME)) {
      return node(GLOBAL_ENCODE);
    } else if (builtinGlobals && protocol < 3 && equal(moduleOff, moduleLen, BUILTIN_NAME)
        && equal(nameOff, nameLen, BYTES_NAME)) {
      return node(GLOBAL_BYTES); // Python 3's b'' at protocol 2
    }
    throw no();
  }

  private boolean equal(int from, int n, byte[] ascii) {
    if (n != ascii.length) {
      return false;
    }
    byte[] b = buf;
    for (int i = 0; i < n; i++) { // not Arrays.equals: three calls and a stub under C1, for a few bytes
      if (b[from + i] != ascii[i]) {
        return false;
      }
    }
    return true;
  }

  private int reduce(int callable, int args) {
    if (kind[args] != TUPLE) {
      throw no();
    }
    int count = (int) num[args];
    int first = count > 0 ? edgeVal[off[args]] : -1;
    if (kind[callable] == GLOBAL_BYTES) {
      if (count != 0) {
        throw no();
      }
      int n = node(BYTES);
      off[n] = 0;
      len[n] = 0;
      src[n] = -1;
      return n;
    }
    if (kind[callable] == GLOBAL_ENCODE) {
      // _codecs.encode(text, 'latin1'): protocol 2's bytes
      if (count != 2) {
        throw no();
      }
      int encoding = edgeVal[edgeNext[off[args]]];
      if (kind[first] != STR || kind[encoding] != STR || !equal(off[encoding], len[encoding], LATIN1_NAME)) {
        throw no();
      }
      latin1(first); // text of code points above U+00FF does not encode: the classic path fails it
      structural[encoding] = true;
      int n = node(LATIN1);
      off[n] = off[first];
      len[n] = len[first];
      src[n] = src[first];
      return n;
    }
    if (kind[callable] != GLOBAL_DATETIME || count < 1 || count > 2) {
      throw no();
    }
    // datetime(state) or datetime(state, None): the 10 state bytes
    if (count == 2 && kind[edgeVal[edgeNext[off[args]]]] != NONE) {
      throw no();
    }
    byte[] s;
    int at;
    if (kind[first] == BYTES) {
      s = buf;
      at = off[first];
      if (len[first] != 10) {
        throw no();
      }
    } else if (kind[first] == LATIN1 || kind[first] == STR) {
      if (latin1(first) != 10) {
        throw no();
      }
      s = leaves.latin1;
      at = 0;
    } else {
      throw no();
    }
    if (!leaves.datetimeState(s, at)) {
      throw no(); // what LocalDateTime.of refuses: the classic path fails it
    }
    int n = node(DATETIME);
    off[n] = leaves.date;
    len[n] = leaves.time;
    num[n] = leaves.micros;
    src[n] = src[first];
    return n;
  }

  /**
   * Decodes the UTF-8 text of STR or LATIN1 node {@code n} into the leaves' Latin-1 buffer as the Latin-1 bytes of
   * its code points; returns their count. Text that is not strict UTF-8 of code points up to U+00FF is not handled.
   */
  private int latin1(int n) {
    int k = leaves.latin1(buf, off[n], len[n]);
    if (k < 0) {
      throw no();
    }
    return k;
  }

  // ---- writing the view

  private void write(int root) {
    written = 0;
    value(root);
    while (depth > 0) {
      int f = depth - 1;
      int node = frameNode[f];
      if (kind[node] == DICT) {
        int i = framePos[f];
        if (i == frameEnd[f]) {
          out.endObject();
          pop(f, node);
          continue;
        }
        int index = frameIndex[f]++;
        framePos[f] = i + 1;
        int e = sorted[i];
        int keys = frameKeys[f];
        if (keys > 0) {
          int[] ends = keyFragmentEnd[keys];
          int start = index == 0 ? 0 : ends[index - 1];
          out.verbatim(keyFragments[keys], start, ends[index] - start);
        } else {
          if (index > 0) {
            out.itemSeparator();
          }
          string(edgeKey[e]);
          out.keySeparator();
        }
        value(edgeVal[e]);
      } else {
        int e = framePos[f];
        if (e < 0) {
          out.endArray();
          if (kind[node] == TUPLE) {
            out.endObject();
          }
          pop(f, node);
          continue;
        }
        if (frameIndex[f]++ > 0) {
          out.itemSeparator();
        }
        framePos[f] = edgeNext[e];
        value(edgeVal[e]);
      }
    }
  }

  private void pop(int f, int node) {
    open[node] = false;
    if (kind[node] == DICT) {
      sortedTop = framePos[f] - (int) num[node];
      keyUsers[frameKeys[f]]--; // [0] counts the dicts without fragments: never read
    }
    depth = f;
  }

  private void value(int n) {
    if (++written > maxNodes) {
      throw no(); // the classic path fails it with view-too-large
    }
    int at = learning ? out.size() : 0;
    switch (kind[n]) {
      case NONE -> out.nullValue();
      case TRUE -> out.value(true);
      case FALSE -> out.value(false);
      case INT -> out.value(num[n]);
      case FLOAT -> leaves.floating(Double.longBitsToDouble(num[n]));
      case STR -> string(n);
      case BYTES -> leaves.base64(buf, off[n], len[n]);
      case LATIN1 -> {
        int count = latin1(n); // may grow the buffer: read the field after
        leaves.base64(leaves.latin1, 0, count);
      }
      case DATETIME -> leaves.datetime(off[n], len[n], (int) num[n]);
      case LIST -> {
        enter(n);
        out.beginArray();
        frame(n, off[n], 0);
      }
      case TUPLE -> {
        enter(n);
        out.beginObject();
        out.verbatim(leaves.tupleKey, 0, leaves.tupleKey.length);
        out.beginArray();
        frame(n, off[n], 0);
      }
      case DICT -> {
        enter(n);
        out.beginObject();
        int from = sortedTop;
        int count = (int) num[n];
        int keys = sortMembers(n, from, count);
        sortedTop = from + count;
        frame(n, from, from + count);
        frameKeys[depth - 1] = keys;
        keyUsers[keys]++;
      }
      default -> throw no();
    }
    if (learning) {
      learned(n, at);
    }
  }

  /** A container met again inside itself is a cycle ({"$cycle": n} in the view): not handled. */
  private void enter(int n) {
    if (open[n]) {
      throw no();
    }
    open[n] = true;
  }

  private void frame(int node, int pos, int endIndex) {
    if (depth == frameNode.length) {
      int cap = depth * 2;
      frameNode = Arrays.copyOf(frameNode, cap);
      framePos = Arrays.copyOf(framePos, cap);
      frameEnd = Arrays.copyOf(frameEnd, cap);
      frameIndex = Arrays.copyOf(frameIndex, cap);
      frameKeys = Arrays.copyOf(frameKeys, cap);
    }
    frameNode[depth] = node;
    framePos[depth] = pos;
    frameEnd[depth] = endIndex;
    frameIndex[depth] = 0;
    depth++;
  }

  /**
   * Puts the dict's members into sorted[from..from+count) in key order; equal keys are not handled. Returns
   * {@code count} when the keys are those of {@link #keyBytes}{@code [count]} and their fragments are ready, else 0.
   */
  private int sortMembers(int dict, int from, int count) {
    if (sorted.length < from + count) {
      sorted = Arrays.copyOf(sorted, Math.max(from + count, sorted.length * 2));
    }
    int[] s = sorted;
    if (count <= SORT_THRESHOLD) {
      int[] ek = edgeKey;
      int[] o = off;
      int[] l = len;
      byte[] kb = buf;
      int[] order = orders[count];
      int first = off[dict];
      byte[] known = keyBytes[count];
      if (order != null && known != null && len[dict] - first == count - 1) {
        // the last keys of this many members, in the last order: byte for byte the same keys are sorted. Only for
        // members that are edges first..first+count-1 (one SETITEMS, as picklers write a dict of up to 1,000
        // items): their insertion ordinals are offsets from the first, with no list to walk
        int[] ends = keyEnd[count];
        int start = 0;
        int i = 0;
        keys:
        for (; i < count; i++) {
          int e = first + order[i];
          s[from + i] = e;
          int key = ek[e];
          int ko = o[key];
          int kl = l[key];
          int stop = ends[i];
          if (stop - start != kl) {
            break;
          }
          for (int q = 0; q < kl; q++) {
            if (kb[ko + q] != known[start + q]) {
              break keys;
            }
          }
          start = stop;
        }
        if (i == count) {
          return keyFragments[count] != null || fragments(count) ? count : 0;
        }
      }
      int[] in = inserted;
      int k = 0;
      for (int e = first; e >= 0; e = edgeNext[e]) {
        in[k++] = e;
      }
      if (order != null) {
        // the last order of this many keys: it is the sorted order iff its adjacent keys strictly increase (equal
        // keys never do, so duplicates still fall through to the sort, which refuses them)
        s[from] = in[order[0]];
        int prev = ek[s[from]];
        int i = 1;
        for (; i < count; i++) {
          int e = in[order[i]];
          s[from + i] = e;
          int key = ek[e];
          int po = o[prev];
          int pl = l[prev];
          int eo = o[key];
          int el = l[key];
          int m = Math.min(pl, el);
          int c = pl - el;
          for (int q = 0; q < m; q++) {
            int diff = (kb[po + q] & 0xFF) - (kb[eo + q] & 0xFF);
            if (diff != 0) {
              c = diff;
              break;
            }
          }
          if (c >= 0) {
            break;
          }
          prev = key;
        }
        if (i == count) {
          remember(from, count);
          return 0;
        }
      }
      System.arraycopy(in, 0, s, from, count);
      // insertion sort with the key comparison inline and the fields in locals (C1 would call and reload)
      for (int i = from + 1; i < from + count; i++) {
        int e = s[i];
        int key = ek[e];
        int eo = o[key];
        int el = l[key];
        int j = i - 1;
        while (j >= from) {
          int other = ek[s[j]];
          int oo = o[other];
          int ol = l[other];
          int m = Math.min(ol, el);
          int c = ol - el;
          for (int q = 0; q < m; q++) {
            int diff = (kb[oo + q] & 0xFF) - (kb[eo + q] & 0xFF);
            if (diff != 0) {
              c = diff;
              break;
            }
          }
          if (c < 0) {
            break;
          }
          if (c == 0) {
            throw no();
          }
          s[j + 1] = s[j];
          j--;
        }
        s[j + 1] = e;
      }
      if (count > 0) {
        if (order == null) {
          order = new int[count];
          orders[count] = order;
        }
        for (int i = 0; i < count; i++) {
          int e = s[from + i];
          int j = 0;
          while (in[j] != e) {
            j++;
          }
          order[i] = j;
        }
        remember(from, count);
      }
      return 0;
    } else {
      int k = from;
      for (int e = off[dict]; e >= 0; e = edgeNext[e]) {
        s[k++] = e;
      }
      Integer[] boxed = new Integer[count];
      for (int i = 0; i < count; i++) {
        boxed[i] = s[from + i];
      }
      Arrays.sort(boxed, this::compareKeys);
      for (int i = 0; i < count; i++) {
        s[from + i] = boxed[i];
        if (i > 0 && compareKeys(boxed[i - 1], boxed[i]) == 0) {
          throw no();
        }
      }
      return 0;
    }
  }

  /**
   * Remembers the keys of sorted[from..from+count) (strictly increasing) as {@link #keyBytes}{@code [count]}, their
   * fragments to be written when they come again; not while a dict being written uses that count's fragments.
   */
  private void remember(int from, int count) {
    if (keyUsers[count] > 0) {
      return;
    }
    int size = 0;
    for (int i = 0; i < count; i++) {
      size += len[edgeKey[sorted[from + i]]];
    }
    byte[] known = keyBytes[count];
    if (known == null || known.length < size) {
      known = new byte[Math.max(size, 32)];
      keyBytes[count] = known;
    }
    int[] ends = keyEnd[count];
    if (ends == null) {
      ends = new int[count];
      keyEnd[count] = ends;
    }
    int p = 0;
    for (int i = 0; i < count; i++) {
      int key = edgeKey[sorted[from + i]];
      System.arraycopy(buf, off[key], known, p, len[key]);
      p += len[key];
      ends[i] = p;
    }
    keyFragments[count] = null;
  }

  /**
   * Makes {@link #keyFragments}{@code [count]} from {@link #keyBytes}{@code [count]}; false (and none) when a key is
   * not text the strict UTF-8 decoder takes.
   */
  private boolean fragments(int count) {
    byte[] known = keyBytes[count];
    int[] ends = keyEnd[count];
    int[] fragmentEnd = keyFragmentEnd[count];
    if (fragmentEnd == null) {
      fragmentEnd = new int[count];
      keyFragmentEnd[count] = fragmentEnd;
    }
    JsonTokenWriter w = keyOut;
    w.reset();
    int start = 0;
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        w.itemSeparator();
      }
      int n = ends[i] - start;
      if (!w.asciiString(known, start, n)) {
        String text = new String(known, start, n, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0) {
          return false; // as string() refuses it
        }
        w.value(text);
      }
      w.keySeparator();
      fragmentEnd[i] = w.size();
      start = ends[i];
    }
    keyFragments[count] = w.toBytes();
    return true;
  }

  /** Compares the keys of two edges by their UTF-8 bytes, unsigned: code point order for valid UTF-8. */
  private int compareKeys(int e1, int e2) {
    int a = edgeKey[e1];
    int b = edgeKey[e2];
    byte[] k = buf;
    int i = off[a];
    int j = off[b];
    int la = len[a];
    int lb = len[b];
    int n = Math.min(la, lb);
    for (int q = 0; q < n; q++) {
      int d = (k[i + q] & 0xFF) - (k[j + q] & 0xFF);
      if (d != 0) {
        return d;
      }
    }
    return la - lb;
  }

  private void string(int n) {
    if (!leaves.string(buf, off[n], len[n])) {
      throw no(); // refused by the strict decoder (or a real U+FFFD): the classic path decides
    }
  }
}

package dev.cachecompat.pickle;

import static dev.cachecompat.pickle.Opcodes.*;

import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Limits;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Severity;
import dev.cachecompat.core.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.List;
import java.util.Set;

/**
 * One inspection of one payload: a single loop over the opcodes that simulates the unpickler's stack, marks and
 * memo with a few primitive arrays (a kind and a node per stack item; a node holds an expanded size and a
 * nesting depth), never building a value. Not thread-safe: each thread reuses its own pass ({@link #forThread}),
 * one payload at a time.
 *
 * <p>The stack follows CPython's C unpickler: a MARK fences off the items below it, so an opcode that needs an
 * item finds none there (stack underflow). Memo entries are "cells" shared by every stack item that came from
 * the same PUT, so filling a memoized list after its PUT is seen by every later GET: that is what makes the
 * expanded-size count catch billion-laughs payloads. The expanded size of a container grows by the size its
 * items have when they are added (a list filled after it was appended elsewhere is not counted again there).
 *
 * <p>Speed: {@link #fastRun()} takes the common opcodes with the state in local variables and leaves everything
 * else, including every failure, to the general loop; the arrays are per-thread scratch reused between passes.
 * Memory: 5 bytes per stack item, 8 more for a string and 24 more for an item that owns a node (a container, a
 * tuple, an object), and about 21 per memo cell, bounded by the payload size and the limits; no declared length
 * is ever allocated.
 */
final class InspectorPass {
  // Kinds of stack items. Hashable kinds come first.
  private static final byte K_NONE = 1;
  private static final byte K_BOOL = 2;
  private static final byte K_INT = 3;
  private static final byte K_FLOAT = 4;
  private static final byte K_STR = 5;
  private static final byte K_PYSTR = 6;
  private static final byte K_BYTES = 7;
  private static final byte K_FROZENSET = 8;
  private static final byte K_TUPLE = 9;
  private static final byte K_GLOBAL = 10;
  private static final byte K_OBJ = 11;
  private static final byte K_BYTEARRAY = 12;
  private static final byte K_LIST = 13;
  private static final byte K_DICT = 14;
  private static final byte K_SET = 15;
  private static final byte K_TUPLE_UNHASHABLE = 16;

  private static final String[] KIND_NAMES = {
    "?", "None", "a bool", "an int", "a float", "a str", "a Python 2 str", "a bytes", "a frozenset", "a tuple",
    "a global", "an object", "a bytearray", "a list", "a dict", "a set", "a tuple"
  };

  // String locations packed into a long: flavour in bits 62-63, body offset in bits 31-61, length in bits 0-30.
  private static final int STR_UTF8 = 0;
  private static final int STR_RAW_UNICODE_ESCAPE = 1;
  private static final int STR_LATIN1 = 2;
  private static final int STR_ESCAPED = 3;

  /** Thrown inside the pass to stop it at the first malformed or over-limit finding. */
  @SuppressWarnings("serial")
  private static final class Stop extends RuntimeException {
    Stop() {
      super(null, null, false, false);
    }
  }

  private static final Stop STOP_PASS = new Stop();

  /** The node shared by the items of size 1 and depth 0 that cannot grow: memo cell 0, never in the memo. */
  private static final int SCALAR = 1;
  /** The node shared by empty tuples (size 1, depth 1): memo cell 1, never in the memo. */
  private static final int TUPLE0 = 3;

  private final boolean fast;
  /** The inspector whose settings the limit fields below hold. */
  private PickleInspector inspector;
  /** Whether {@link #run()} is under way: this thread's reusable pass is then not free. */
  private boolean running;
  private byte[] buf;
  private int start;
  private int end;
  /** The payload length: offsets run from 0 to endRel. */
  private int endRel;
  private Limits limits;
  private Set<String> allowedGlobals;
  private boolean persistentIds;
  private boolean outOfBandBuffers;
  private long maxStringBytes;
  private long maxExpanded;
  private int maxDepth;
  private long maxObjects;
  private int maxMemo;
  private int maxLongBytes;

  private int pos;
  private int frameEnd = -1;
  private int op;
  private int opPos;

  /** Each stack item's kind; a memo read copies its cell's, which never changes. */
  private byte[] stKind;
  /**
   * Each stack item's node, which holds its expanded size and nesting depth in {@link #nSize} and {@link #nDepth}:
   * {@code 2 * i} is the own node of stack slot {@code i}, {@code 2 * c + 1} the node of memo cell {@code c}, and
   * {@link #SCALAR} and {@link #TUPLE0} the shared nodes of items that cannot grow (scalars and strings, empty
   * tuples). Only the kinds that can grow ({@link #mutable}) are ever filled, and those always have an own node
   * or a cell.
   */
  private int[] stRef;
  /** The location of each string item's text (see STR_UTF8): grown lazily, only strings write it. */
  private long[] stLoc;
  private int sp;

  /** Expanded sizes and depths of the nodes (see {@link #stRef}); grown lazily, at most twice the stack or cells. */
  private long[] nSize;
  private int[] nDepth;

  private int[] marks;
  private int nMarks;

  /** Each memo cell's kind, and for a string its text's location; cells 0 and 1 are the constant nodes'. */
  private byte[] cKind;
  private long[] cLoc;
  private int nCells;

  /** Memo index to cell, -1 where unset; every slot from memoHigh on is -1. */
  private int[] memo;
  private int memoHigh;
  private Scratch scratch;
  private int memoDistinct;
  private int memoWrites;

  private long objects;
  private Integer declaredProtocol;
  private int currentProtocol;
  /** The highest protocol any PROTO declared: CPython refuses a PROTO above its own highest wherever it stands. */
  private int highestDeclared;
  private int maxOpcodeProtocol;
  private PythonVersion globalsMinPython = PythonVersion.PY2_7;

  /** The first two distinct globals referenced; {@link #globals} lists them all from the third one on. */
  private ResolvedGlobal firstGlobal;
  private ResolvedGlobal secondGlobal;
  private List<String> globals;
  private Set<String> globalsSeen;
  private List<Finding> findings;
  private boolean unsafe;
  private Verdict errorVerdict;

  InspectorPass(PickleInspector inspector, byte[] buf, int start, int end) {
    this(inspector, buf, start, end, true);
  }

  /** With {@code fast} false the pass runs the general loop alone: the reference the fast path is tested against. */
  InspectorPass(PickleInspector inspector, byte[] buf, int start, int end, boolean fast) {
    this.fast = fast;
    reset(SCRATCH.get(), inspector, buf, start, end);
  }

  /**
   * This thread's reusable pass (with the fast path), reset for the payload {@code buf[start, end)}; a fresh one
   * when this thread's pass is still running (a pass calls nothing that could inspect, but a fresh pass is the
   * safe answer if one ever did).
   */
  static InspectorPass forThread(PickleInspector inspector, byte[] buf, int start, int end) {
    Scratch s = SCRATCH.get();
    InspectorPass pass = s.pass;
    if (pass == null || pass.running) {
      return new InspectorPass(inspector, buf, start, end);
    }
    pass.reset(s, inspector, buf, start, end);
    return pass;
  }

  private void reset(Scratch s, PickleInspector inspector, byte[] buf, int start, int end) {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.endRel = end - start;
    this.scratch = s;
    this.stKind = s.stKind;
    this.stRef = s.stRef;
    this.stLoc = s.stLoc;
    this.nSize = s.nSize;
    this.nDepth = s.nDepth;
    this.marks = s.marks;
    this.cKind = s.cKind;
    this.cLoc = s.cLoc;
    nSize[SCALAR] = 1;
    nDepth[SCALAR] = 0;
    nSize[TUPLE0] = 1;
    nDepth[TUPLE0] = 1;
    this.memo = s.memo;
    if (inspector != this.inspector) {
      this.inspector = inspector;
      this.limits = inspector.limits();
      this.allowedGlobals = inspector.allowedGlobals();
      this.persistentIds = inspector.persistentIds();
      this.outOfBandBuffers = inspector.outOfBandBuffers();
      this.maxStringBytes = limits.maxStringBytes();
      this.maxExpanded = limits.maxExpandedSize();
      this.maxDepth = limits.maxDepth();
      this.maxObjects = limits.maxObjects();
      this.maxMemo = limits.maxMemoEntries();
      // n bytes of two's complement hold at most ceil(8n log10 2) decimal digits.
      this.maxLongBytes =
          (int) Math.min(Integer.MAX_VALUE, (long) Math.floor(limits.maxIntDigits() / 2.408239965));
    }
    pos = 0;
    frameEnd = -1;
    op = 0;
    opPos = 0;
    sp = 0;
    nMarks = 0;
    nCells = 2; // cells 0 and 1 are the SCALAR and TUPLE0 nodes
    memoHigh = 0;
    memoDistinct = 0;
    memoWrites = 0;
    objects = 0;
    declaredProtocol = null;
    currentProtocol = 0;
    highestDeclared = 0;
    maxOpcodeProtocol = 0;
    globalsMinPython = PythonVersion.PY2_7;
    firstGlobal = null;
    secondGlobal = null;
    globals = null;
    globalsSeen = null;
    findings = null;
    unsafe = false;
    errorVerdict = null;
  }

  PickleReport run() {
    running = true;
    try {
      if (end - start > limits.maxPayloadBytes()) {
        error(Verdict.OVER_LIMIT, "payload-too-large", Finding.NO_OFFSET,
            "payload of " + (end - start) + " bytes is over the limit of " + limits.maxPayloadBytes() + " bytes");
      }
      loop();
    } catch (Stop stop) {
      // the first malformed or over-limit finding ended the pass
    } finally {
      release();
      buf = null; // the payload is not kept reachable from the thread's pass
      running = false;
    }
    // Globals decide first: CPython runs REDUCE before it finds a later truncation.
    Verdict verdict = unsafe ? Verdict.UNSAFE : errorVerdict != null ? errorVerdict : Verdict.VALID;
    int proto = Math.max(maxOpcodeProtocol, highestDeclared);
    PythonVersion min = OLDEST_LOADING[Math.min(proto, 5)];
    if (globalsMinPython.compareTo(min) > 0) {
      min = globalsMinPython;
    }
    List<String> g = globals != null ? globals
        : secondGlobal != null ? firstGlobal.with(secondGlobal)
        : firstGlobal != null ? firstGlobal.alone : List.of();
    if (findings != null) {
      return new PickleReport(verdict, declaredProtocol, maxOpcodeProtocol, min, g, findings);
    }
    // A payload with no finding whose fields are those of a report this thread made before gets that report
    // back: it is immutable, so only its identity tells, and a scan of same-shaped values skips building one each
    // time. One report is kept per declared and opcode protocol, so a mix of protocols hits too. The globals
    // compare by identity (the resolved globals' cached lists, which the report keeps as they are); a list the
    // report copied, or any other difference, builds a new report. The reports are kept with their globals' list
    // (a pass without globals keeps them in the scratch), so payloads of different types do not evict each other.
    if (globals != null) {
      return new PickleReport(verdict, declaredProtocol, maxOpcodeProtocol, min, g, List.of());
    }
    int dp = declaredProtocol == null ? 6 : declaredProtocol;
    if (dp < 0 || dp > 6 || maxOpcodeProtocol < 0 || maxOpcodeProtocol > 5) {
      return new PickleReport(verdict, declaredProtocol, maxOpcodeProtocol, min, g, List.of());
    }
    PickleReport[] kept = secondGlobal != null ? firstGlobal.pairReports
        : firstGlobal != null ? firstGlobal.aloneReports : scratch.reports;
    int slot = dp * 6 + maxOpcodeProtocol;
    PickleReport last = kept[slot];
    if (last != null && last.globals() == g && last.minPython() == min && last.verdict() == verdict
        && last.maxOpcodeProtocol() == maxOpcodeProtocol && Objects.equals(last.declaredProtocol(), declaredProtocol)) {
      return last;
    }
    PickleReport r = new PickleReport(verdict, declaredProtocol, maxOpcodeProtocol, min, g, List.of());
    kept[slot] = r;
    return r;
  }

  /**
   * Per-thread scratch arrays, reused by the passes of one thread so that inspecting a typical payload allocates
   * almost nothing. Arrays grown past {@link #RETAIN} entries by a large payload are dropped, not kept.
   */
  private static final class Scratch {
    byte[] stKind = new byte[256];
    int[] stRef = new int[256];
    long[] stLoc = new long[256];
    long[] nSize = new long[512];
    int[] nDepth = new int[512];
    int[] marks = new int[32];
    byte[] cKind = new byte[256];
    long[] cLoc = new long[256];
    int[] memo = filled(256);
    /** This thread's reusable pass; see {@link #forThread}. */
    InspectorPass pass;
    /**
     * The last report without findings or globals made on this thread for each declared protocol (6: none) and
     * opcode protocol, at {@code declared * 6 + opcodes}; returned again for a payload with the same fields.
     */
    final PickleReport[] reports = new PickleReport[42];
    final ResolvedGlobal[] globals = new ResolvedGlobal[16];
    int nextGlobal;

    /** The global's verdicts, from this thread's cache when its names are short enough to keep. */
    ResolvedGlobal resolve(String module, String name) {
      if (module.length() + name.length() > 200) {
        return new ResolvedGlobal(module, name);
      }
      for (ResolvedGlobal g : globals) {
        if (g != null && g.module.equals(module) && g.name.equals(name)) {
          return g;
        }
      }
      ResolvedGlobal g = new ResolvedGlobal(module, name);
      return remember(g);
    }

    /**
     * The cached global whose module and name are the UTF-8 bytes {@code b[ms, me)} and {@code b[ns, ne)}, or
     * null: bytes equal to a cached name's UTF-8 encoding decode to that name, so no string needs to be made.
     */
    ResolvedGlobal find(byte[] b, int ms, int me, int ns, int ne) {
      ResolvedGlobal[] gs = globals;
      int ml = me - ms;
      int nl = ne - ns;
      for (int k = 0; k < gs.length; k++) {
        ResolvedGlobal g = gs[k];
        if (g == null) {
          return null; // slots fill from 0 and are never cleared: no global after an empty one
        }
        byte[] n = g.nameUtf8;
        if (n != null && n.length == nl && g.moduleUtf8.length == ml && same(n, b, ns) && same(g.moduleUtf8, b, ms)) {
          return g;
        }
      }
      return null;
    }

    /** Whether {@code b} holds {@code x} at {@code off}: a plain loop, which C1 inlines (Arrays.equals it calls). */
    private static boolean same(byte[] x, byte[] b, int off) {
      for (int i = 0; i < x.length; i++) {
        if (x[i] != b[off + i]) {
          return false;
        }
      }
      return true;
    }

    private ResolvedGlobal remember(ResolvedGlobal g) {
      globals[nextGlobal] = g;
      nextGlobal = (nextGlobal + 1) & (globals.length - 1);
      return g;
    }

    static int[] filled(int n) {
      int[] a = new int[n];
      Arrays.fill(a, -1);
      return a;
    }
  }

  /**
   * A global's policy verdicts, which depend only on its module and name (and, for the allowlist, on the
   * protocol's side of 3 and the user's allowlist): kept per thread so that a payload type seen again skips the
   * string work of {@link GlobalPolicy}.
   */
  static final class ResolvedGlobal {
    final String module;
    final String name;
    final String qualified;
    /** The report's list of globals when this is the payload's only one. */
    final List<String> alone;
    /** The reports kept for {@link #alone} and for this global's pair list (see {@link #with}), by {@code run}. */
    final PickleReport[] aloneReports = new PickleReport[42];
    final PickleReport[] pairReports = new PickleReport[42];
    /** The UTF-8 forms of module and name, by which {@link Scratch#find} knows them; null when there is none. */
    final byte[] moduleUtf8;
    final byte[] nameUtf8;
    final PythonVersion minPython;
    final String danger;
    private Set<String> allowlist;
    private ResolvedGlobal pairedWith;
    private List<String> pair;
    private byte allowedBelow3;
    private byte allowedFrom3;

    ResolvedGlobal(String module, String name) {
      this.module = module;
      this.name = name;
      this.qualified = module + "." + name;
      this.alone = List.of(qualified);
      byte[] m = module.getBytes(StandardCharsets.UTF_8);
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      // a name with a lone surrogate (a raw-unicode-escape can make one) has no UTF-8 form: never found by bytes
      boolean exact = new String(m, StandardCharsets.UTF_8).equals(module)
          && new String(n, StandardCharsets.UTF_8).equals(name);
      this.moduleUtf8 = exact ? m : null;
      this.nameUtf8 = exact ? n : null;
      this.minPython = GlobalPolicy.minPython(module, name);
      this.danger = GlobalPolicy.dangerReason(module, name);
    }

    /** The report's list of globals when this and {@code second} are the payload's only two, in that order. */
    List<String> with(ResolvedGlobal second) {
      if (pairedWith != second) {
        pairedWith = second;
        pair = List.of(qualified, second.qualified);
      }
      return pair;
    }

    boolean allowed(int protocol, Set<String> userAllowed) {
      if (userAllowed != allowlist) {
        allowlist = userAllowed;
        allowedBelow3 = 0;
        allowedFrom3 = 0;
      }
      byte known = protocol < 3 ? allowedBelow3 : allowedFrom3;
      if (known == 0) {
        known = GlobalPolicy.allowed(module, name, protocol, userAllowed) ? (byte) 1 : (byte) 2;
        if (protocol < 3) {
          allowedBelow3 = known;
        } else {
          allowedFrom3 = known;
        }
      }
      return known == 1;
    }
  }

  private static final int RETAIN = 1 << 16;
  private static final PythonVersion[] OLDEST_LOADING = new PythonVersion[6];

  static {
    for (int p = 0; p <= 5; p++) {
      OLDEST_LOADING[p] = PythonVersion.oldestLoadingProtocol(p);
    }
  }
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> {
    Scratch s = new Scratch();
    s.pass = new InspectorPass(true);
    return s;
  });

  private InspectorPass(boolean fast) {
    this.fast = fast;
  }

  private void release() {
    Scratch s = scratch;
    if (stKind.length <= RETAIN) {
      s.stKind = stKind;
      s.stRef = stRef;
    }
    if (stLoc.length <= RETAIN) {
      s.stLoc = stLoc;
    }
    if (nSize.length <= 2 * RETAIN) {
      s.nSize = nSize;
      s.nDepth = nDepth;
    }
    if (marks.length <= RETAIN) {
      s.marks = marks;
    }
    if (cKind.length <= RETAIN) {
      s.cKind = cKind;
      s.cLoc = cLoc;
    }
    if (memo.length <= RETAIN) {
      Arrays.fill(memo, 0, memoHigh, -1);
      s.memo = memo;
    } else {
      s.memo = Scratch.filled(256); // the array taken at the start may hold entries written before it grew
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // The loop

  private void loop() {
    final byte[] b = buf;
    while (true) {
      if (fast && fastRun()) {
        return;
      }
      if (pos >= endRel) {
        missingStop();
      }
      opPos = pos;
      op = b[start + pos] & 0xFF;
      pos++;
      int proto = Opcodes.protocolOf(op);
      if (proto > maxOpcodeProtocol) {
        maxOpcodeProtocol = proto;
      } else if (proto < 0) {
        unknownOpcode();
      }
      switch (op) {
        case MARK:
          if (nMarks == marks.length || nMarks >= maxDepth) {
            growMarks();
          }
          marks[nMarks++] = sp;
          break;
        case STOP:
          doStop();
          return;
        case POP:
          if (sp > base()) {
            sp--;
          } else if (nMarks > 0) {
            nMarks--;
          } else {
            underflow(1);
          }
          break;
        case POP_MARK:
          sp = popMark();
          break;
        case DUP:
          need(1);
          dup();
          break;
        case FLOAT:
          doFloat();
          break;
        case INT:
          doInt();
          break;
        case BININT:
          fixed(4);
          pushNew(K_INT);
          break;
        case BININT1:
          fixed(1);
          pushNew(K_INT);
          break;
        case BININT2:
          fixed(2);
          pushNew(K_INT);
          break;
        case LONG:
          doLong();
          break;
        case LONG1:
          doLongBinary(u8(fixed(1)));
          break;
        case LONG4:
          doLongBinary(s32(fixed(4)));
          break;
        case NONE:
          pushNew(K_NONE);
          break;
        case NEWTRUE:
        case NEWFALSE:
          pushNew(K_BOOL);
          break;
        case STRING:
          doString();
          break;
        case BINSTRING:
          counted(u32(fixed(4)), K_PYSTR, STR_LATIN1);
          break;
        case SHORT_BINSTRING:
          counted(u8(fixed(1)), K_PYSTR, STR_LATIN1);
          break;
        case BINBYTES:
          counted(u32(fixed(4)), K_BYTES, -1);
          break;
        case SHORT_BINBYTES:
          counted(u8(fixed(1)), K_BYTES, -1);
          break;
        case BINBYTES8:
          counted(u64(fixed(8)), K_BYTES, -1);
          break;
        case BYTEARRAY8:
          counted(u64(fixed(8)), K_BYTEARRAY, -1);
          break;
        case UNICODE:
          doUnicode();
          break;
        case BINUNICODE:
          counted(u32(fixed(4)), K_STR, STR_UTF8);
          break;
        case SHORT_BINUNICODE:
          counted(u8(fixed(1)), K_STR, STR_UTF8);
          break;
        case BINUNICODE8:
          counted(u64(fixed(8)), K_STR, STR_UTF8);
          break;
        case BINFLOAT:
          fixed(8);
          pushNew(K_FLOAT);
          break;
        case EMPTY_LIST:
          pushContainer(K_LIST);
          break;
        case EMPTY_TUPLE:
          pushContainer(K_TUPLE);
          break;
        case EMPTY_DICT:
          pushContainer(K_DICT);
          break;
        case EMPTY_SET:
          pushContainer(K_SET);
          break;
        case APPEND:
          need(2);
          requireKind(sp - 2, K_LIST, "appends to");
          addChildren(sp - 2, sp - 1, sp);
          sp--;
          break;
        case APPENDS: {
          int m = popMarkWithTarget();
          requireKind(m - 1, K_LIST, "appends to");
          addChildren(m - 1, m, sp);
          sp = m;
          break;
        }
        case LIST:
          collect(popMark(), K_LIST);
          break;
        case TUPLE:
          collect(popMark(), K_TUPLE);
          break;
        case TUPLE1:
          need(1);
          collect(sp - 1, K_TUPLE);
          break;
        case TUPLE2:
          need(2);
          collect(sp - 2, K_TUPLE);
          break;
        case TUPLE3:
          need(3);
          collect(sp - 3, K_TUPLE);
          break;
        case DICT: {
          int m = popMark();
          pairs(m);
          collect(m, K_DICT);
          break;
        }
        case SETITEM:
          need(3);
          requireKind(sp - 3, K_DICT, "sets an item of");
          hashable(sp - 2);
          addChildren(sp - 3, sp - 2, sp);
          sp -= 2;
          break;
        case SETITEMS: {
          int m = popMarkWithTarget();
          pairs(m);
          requireKind(m - 1, K_DICT, "sets items of");
          addChildren(m - 1, m, sp);
          sp = m;
          break;
        }
        case ADDITEMS: {
          int m = popMarkWithTarget();
          requireKind(m - 1, K_SET, "adds items to");
          for (int i = m; i < sp; i++) {
            hashable(i);
          }
          addChildren(m - 1, m, sp);
          sp = m;
          break;
        }
        case FROZENSET: {
          int m = popMark();
          for (int i = m; i < sp; i++) {
            hashable(i);
          }
          collect(m, K_FROZENSET);
          break;
        }
        case GET:
          getMemo(parseMemoIndex(line(), false));
          break;
        case BINGET:
          getMemo(u8(fixed(1)));
          break;
        case LONG_BINGET:
          getMemo(u32(fixed(4)));
          break;
        case PUT: {
          long idx = parseMemoIndex(line(), true);
          need(1);
          putMemo(idx);
          break;
        }
        case BINPUT: {
          long idx = u8(fixed(1));
          need(1);
          putMemo(idx);
          break;
        }
        case LONG_BINPUT: {
          long idx = u32(fixed(4));
          need(1);
          putMemo(idx);
          break;
        }
        case MEMOIZE:
          need(1);
          putMemo(memoDistinct);
          break;
        case GLOBAL:
          doGlobal();
          pushNew(K_GLOBAL);
          break;
        case STACK_GLOBAL:
          need(2);
          doStackGlobal();
          sp -= 2;
          pushNew(K_GLOBAL);
          break;
        case INST: {
          int m = popMark();
          doGlobal();
          call(m);
          break;
        }
        case OBJ:
          doObj();
          break;
        case REDUCE:
          need(2);
          requireCallable(sp - 2, "calls");
          requireTuple(sp - 1, "as arguments");
          call(sp - 2);
          break;
        case BUILD:
          need(2);
          requireKind(sp - 2, K_OBJ, "sets the state of");
          addChildren(sp - 2, sp - 1, sp);
          sp--;
          break;
        case NEWOBJ:
          need(2);
          requireCallable(sp - 2, "instantiates");
          requireTuple(sp - 1, "as arguments");
          call(sp - 2);
          break;
        case NEWOBJ_EX:
          need(3);
          requireCallable(sp - 3, "instantiates");
          requireTuple(sp - 2, "as arguments");
          requireKind(sp - 1, K_DICT, "takes keyword arguments from");
          call(sp - 3);
          break;
        case PROTO:
          doProto();
          break;
        case FRAME:
          doFrame();
          break;
        case EXT1:
          ext(u8(fixed(1)));
          break;
        case EXT2:
          ext(u16(fixed(2)));
          break;
        case EXT4:
          ext(s32(fixed(4)));
          break;
        case PERSID:
          doPersid();
          break;
        case BINPERSID:
          persistentIdsEnabled();
          need(1);
          sp--;
          pushNew(K_OBJ);
          break;
        case NEXT_BUFFER:
          buffers();
          pushNew(K_OBJ);
          break;
        case READONLY_BUFFER:
          buffers();
          need(1);
          break;
        default:
          throw new AssertionError(op);
      }
    }
  }

  // Opcode classes of the fast path, dense so that its switch compiles to one jump table.
  // C1 compiles the switch into compares in the order of these values: the most frequent classes come first.
  private static final byte F_LEAVE = 0;
  private static final byte F_SHORT_BINUNICODE = 1;
  private static final byte F_SHORT_BINBYTES = 2;
  private static final byte F_BINUNICODE = 3;
  private static final byte F_BINBYTES = 4;
  private static final byte F_SIMPLE = 5;
  private static final byte F_MARK = 6;
  private static final byte F_SETITEMS = 7;
  private static final byte F_APPENDS = 8;
  private static final byte F_TUPLE_N = 9;
  private static final byte F_REDUCE = 10;
  private static final byte F_STACK_GLOBAL = 11;
  private static final byte F_GLOBAL = 12;
  private static final byte F_BINGET = 13;
  private static final byte F_APPEND = 14;
  private static final byte F_SETITEM = 15;
  private static final byte F_PROTO = 16;
  private static final byte F_FRAME = 17;
  private static final byte F_STOP = 18;

  /** The fast path's class of each opcode; {@link #F_LEAVE} for the ones it leaves to the general loop. */
  private static final byte[] FAST_CLASS = new byte[256];
  /**
   * For the {@link #F_SIMPLE} opcodes, which push a scalar or an empty container: the opcode's length with its
   * fixed argument in bits 0-7, the kind in bits 8-15, the nesting depth in bits 16-23, the protocol from 24.
   */
  private static final int[] SIMPLE = new int[256];

  static {
    simple(BININT1, 2, K_INT, 0);
    simple(BININT2, 3, K_INT, 0);
    simple(BININT, 5, K_INT, 0);
    simple(BINFLOAT, 9, K_FLOAT, 0);
    simple(NONE, 1, K_NONE, 0);
    simple(NEWTRUE, 1, K_BOOL, 0);
    simple(NEWFALSE, 1, K_BOOL, 0);
    simple(EMPTY_LIST, 1, K_LIST, 1);
    simple(EMPTY_DICT, 1, K_DICT, 1);
    simple(EMPTY_TUPLE, 1, K_TUPLE, 1);
    simple(EMPTY_SET, 1, K_SET, 1);
    FAST_CLASS[SHORT_BINUNICODE] = F_SHORT_BINUNICODE;
    FAST_CLASS[SHORT_BINBYTES] = F_SHORT_BINBYTES;
    FAST_CLASS[BINUNICODE] = F_BINUNICODE;
    FAST_CLASS[BINBYTES] = F_BINBYTES;
    FAST_CLASS[BINGET] = F_BINGET;
    FAST_CLASS[MARK] = F_MARK;
    FAST_CLASS[SETITEMS] = F_SETITEMS;
    FAST_CLASS[APPENDS] = F_APPENDS;
    FAST_CLASS[APPEND] = F_APPEND;
    FAST_CLASS[SETITEM] = F_SETITEM;
    FAST_CLASS[TUPLE1] = F_TUPLE_N;
    FAST_CLASS[TUPLE2] = F_TUPLE_N;
    FAST_CLASS[TUPLE3] = F_TUPLE_N;
    FAST_CLASS[PROTO] = F_PROTO;
    FAST_CLASS[FRAME] = F_FRAME;
    FAST_CLASS[STOP] = F_STOP;
    FAST_CLASS[REDUCE] = F_REDUCE;
    FAST_CLASS[GLOBAL] = F_GLOBAL;
    FAST_CLASS[STACK_GLOBAL] = F_STACK_GLOBAL;
  }

  private static void simple(int op, int length, byte kind, int depth) {
    FAST_CLASS[op] = F_SIMPLE;
    SIMPLE[op] = length | kind << 8 | depth << 16 | Opcodes.protocolOf(op) << 24;
  }

  /** Whether items of this kind can grow after they are made (APPEND(S), SETITEM(S), ADDITEMS, BUILD). */
  private static boolean mutable(byte kind) {
    return kind >= K_OBJ && kind != K_BYTEARRAY;
  }

  /**
   * Runs the most common opcodes with the pass state in local variables, and returns at the first opcode it
   * does not handle or that needs any check to fail, leaving that opcode to the general loop (which also makes
   * every finding). It changes nothing for an opcode it returns on, so both paths agree by construction: the
   * general loop is the specification, this is a shortcut through it.
   *
   * <p>A memo write (MEMOIZE or BINPUT) right after a push is taken without going back to the opcode switch,
   * since the pickler writes one after nearly every string and container; the containers' fill opcodes
   * (APPEND, APPENDS, SETITEM, SETITEMS, TUPLE1-3) are here too, so a typical payload stays in this loop from
   * its first opcode after FRAME to STOP. A stack item's kind is always its own (a memo read copies it); its
   * size and depth are always read through its node ({@link #stRef}), so a fill adds its items without a branch
   * on their kinds, and a memo read pushes a kind and a reference.
   * PROTO, FRAME and a STOP that ends a well-formed payload are here too, and REDUCE, and GLOBAL and STACK_GLOBAL
   * of a global this thread has resolved before (found by its bytes, {@link Scratch#find}), so a typical pickle,
   * datetimes included, is one call.
   *
   * <p>The scan runs it under C1 alone, which compiles the class switch into compares in the order of the class
   * values (so the frequent classes have the small values), inlines only tiny methods and spills the loop's
   * locals around every call: the common opcodes make no call here.
   *
   * @return true when it took the STOP that ends the payload (nothing is left to do), false when it leaves the
   *     opcode at {@link #pos} to the general loop
   */
  private boolean fastRun() {
    final byte[] b = buf;
    final int st = start;
    int fe = frameEnd;
    final int er = endRel;
    final byte[] kinds = stKind;
    final int[] refs = stRef;
    final long[] locs = stLoc;
    final int locCap = locs.length;
    final long[] ns = nSize;
    final int[] nd = nDepth;
    final int nCap = ns.length;
    final int cap = kinds.length;
    final int[] mm = memo;
    final int mmLen = mm.length;
    final byte[] ck = cKind;
    final long[] cl = cLoc;
    final int cCap = ck.length;
    final int[] mk = marks;
    final int mkCap = Math.min(mk.length, maxDepth);
    final long maxObjs = maxObjects;
    final long maxStr = maxStringBytes;
    final int maxM = maxMemo;
    final byte[] fastClass = FAST_CLASS;
    int p = pos;
    int s = sp;
    long objs = objects;
    int maxProto = maxOpcodeProtocol;
    int nm = nMarks;
    int base = nm > 0 ? mk[nm - 1] : 0;
    int ncells = nCells;
    int mWrites = memoWrites;
    int mDistinct = memoDistinct;
    int mHigh = memoHigh;
    boolean stopped = false;
    run:
    while (p < er && s < cap && objs < maxObjs) {
      int lim = p < fe ? fe : er;
      int c = b[st + p] & 0xFF;
      if (c != MEMOIZE && c != BINPUT) {
        byte cls = fastClass[c];
        byte kind;
        int ref = SCALAR;
        int next;
        int proto;
        switch (cls) {
          case F_SIMPLE: {
            int info = SIMPLE[c];
            next = p + (info & 0xFF);
            if (next > lim) {
              break run;
            }
            kind = (byte) (info >>> 8);
            proto = info >>> 24;
            if ((info & (1 << 16)) != 0) {
              // an empty container: one that can grow gets a node of its own
              if (kind == K_TUPLE) {
                ref = TUPLE0;
              } else {
                ref = 2 * s;
                if (ref >= nCap) {
                  break run;
                }
                ns[ref] = 1;
                nd[ref] = 1;
              }
            }
            break;
          }
          case F_SHORT_BINUNICODE:
          case F_SHORT_BINBYTES: {
            if (p + 2 > lim) {
              break run;
            }
            int n = b[st + p + 1] & 0xFF;
            next = p + 2 + n;
            if (n > maxStr || next > lim) {
              break run;
            }
            if (cls == F_SHORT_BINBYTES) {
              kind = K_BYTES;
              proto = 3;
            } else {
              // ASCII? Up to 16 bytes in one or two word reads here: C1 would call isAscii (and spill around it)
              int a0 = st + p + 2;
              int e = st + next;
              long high;
              if (n <= 16 && a0 >= 8) {
                high = n == 0 ? 0
                    : n <= 8 ? (long) InspectorText.LONGS.get(b, e - 8) >>> ((8 - n) << 3)
                    : (long) InspectorText.LONGS.get(b, a0) | (long) InspectorText.LONGS.get(b, e - 8);
              } else {
                high = InspectorText.isAscii(b, a0, e) ? 0 : -1;
              }
              if (s >= locCap || (high & InspectorText.HIGH_BITS) != 0
                  && InspectorText.firstInvalidUtf8(b, a0, e, true) >= 0) {
                break run;
              }
              kind = K_STR;
              locs[s] = ((long) (p + 2) << 31) | n; // STR_UTF8 location
              proto = 4;
            }
            break;
          }
          case F_BINUNICODE:
          case F_BINBYTES: {
            if (p + 5 > lim) {
              break run;
            }
            int a = st + p + 1;
            long n = ((b[a] & 0xFF) | (b[a + 1] & 0xFF) << 8 | (b[a + 2] & 0xFF) << 16 | b[a + 3] << 24) & 0xFFFFFFFFL;
            if (n > maxStr || p + 5 + n > lim) {
              break run;
            }
            next = p + 5 + (int) n;
            if (cls == F_BINBYTES) {
              kind = K_BYTES;
              proto = 3;
            } else {
              // ASCII? Up to 16 bytes in one or two word reads here: C1 would call isAscii (and spill around it)
              int a0 = st + p + 5;
              int e = st + next;
              long high;
              if (n <= 16 && a0 >= 8) {
                high = n == 0 ? 0
                    : n <= 8 ? (long) InspectorText.LONGS.get(b, e - 8) >>> ((8 - n) << 3)
                    : (long) InspectorText.LONGS.get(b, a0) | (long) InspectorText.LONGS.get(b, e - 8);
              } else {
                high = InspectorText.isAscii(b, a0, e) ? 0 : -1;
              }
              if (s >= locCap || (high & InspectorText.HIGH_BITS) != 0
                  && InspectorText.firstInvalidUtf8(b, a0, e, true) >= 0) {
                break run;
              }
              kind = K_STR;
              locs[s] = ((long) (p + 5) << 31) | n; // STR_UTF8 location
              proto = 1;
            }
            break;
          }
          case F_BINGET: {
            if (p + 2 > lim) {
              break run;
            }
            int idx = b[st + p + 1] & 0xFF;
            int cell = idx < mmLen ? mm[idx] : -1;
            if (cell < 0) {
              break run;
            }
            // a reference, not a new object
            objs--;
            next = p + 2;
            kind = ck[cell];
            ref = 2 * cell + 1;
            proto = 1;
            break;
          }
          case F_PROTO: {
            if (p + 2 > lim) {
              break run;
            }
            int v = b[st + p + 1] & 0xFF;
            if (v > 5) {
              break run;
            }
            if (declaredProtocol == null) {
              declaredProtocol = v;
            }
            currentProtocol = v;
            if (v > highestDeclared) {
              highestDeclared = v;
            }
            if (maxProto < 2) {
              maxProto = 2;
            }
            p += 2;
            continue;
          }
          case F_FRAME: {
            if (p + 9 > lim) {
              break run;
            }
            long n = u64(st + p + 1);
            if (n < 0 || n > er - (p + 9L) || p + 9 < fe) {
              break run;
            }
            p += 9;
            fe = p + (int) n;
            if (maxProto < 4) {
              maxProto = 4;
            }
            continue;
          }
          case F_STOP:
            if (nm != 0 || s != 1 || p + 1 != er) {
              break run;
            }
            p++;
            stopped = true;
            break run;
          case F_TUPLE_N: {
            int m = s - (c - TUPLE1 + 1);
            if (m < base || 2 * m >= nCap) {
              break run;
            }
            long sz = 1;
            int d = 1;
            boolean unhashable = false;
            for (int i = m; i < s; i++) {
              int r = refs[i];
              sz += ns[r];
              d = Math.max(d, nd[r] + 1);
              unhashable |= kinds[i] > K_OBJ;
              if (sz > maxExpanded) {
                break run;
              }
            }
            if (d > maxDepth) {
              break run;
            }
            s = m;
            next = p + 1;
            kind = unhashable ? K_TUPLE_UNHASHABLE : K_TUPLE;
            ref = 2 * m;
            ns[ref] = sz;
            nd[ref] = d;
            proto = 2;
            break;
          }
          case F_REDUCE: {
            // a global (or an object) called with a tuple: an object of their sizes, one level deeper
            int m = s - 2;
            if (m < base || 2 * m >= nCap) {
              break run;
            }
            byte kf = kinds[m];
            byte ka = kinds[m + 1];
            if (kf != K_GLOBAL && kf != K_OBJ || ka != K_TUPLE && ka != K_TUPLE_UNHASHABLE && ka != K_OBJ) {
              break run;
            }
            int rf = refs[m];
            int ra = refs[m + 1];
            long sz = 1 + ns[rf] + ns[ra];
            int d = Math.max(nd[rf], nd[ra]) + 1;
            if (sz > maxExpanded || d > maxDepth) {
              break run;
            }
            s = m;
            next = p + 1;
            kind = K_OBJ;
            ref = 2 * m;
            ns[ref] = sz;
            nd[ref] = d;
            proto = 0;
            break;
          }
          case F_GLOBAL: {
            // two newline-terminated lines inside the frame, naming a global this thread has resolved before
            int ms = p + 1;
            int me = ms;
            while (me < lim && b[st + me] != '\n') {
              me++;
            }
            int gs = me + 1;
            int ge = gs;
            while (ge < lim && b[st + ge] != '\n') {
              ge++;
            }
            if (ge >= lim || me == ms || ge == gs) {
              break run;
            }
            ResolvedGlobal g = scratch.find(b, st + ms, st + me, st + gs, st + ge);
            if (g == null) {
              break run;
            }
            op = c;
            opPos = p;
            referenceGlobal(g);
            next = ge + 1;
            kind = K_GLOBAL;
            proto = 0;
            break;
          }
          case F_STACK_GLOBAL: {
            // module and name from two UTF-8 str items, naming a global this thread has resolved before
            int m = s - 2;
            if (m < base || m + 1 >= locCap || kinds[m] != K_STR || kinds[m + 1] != K_STR) {
              break run;
            }
            int rm = refs[m];
            int rn = refs[m + 1];
            long ml = isCell(rm) ? cl[rm >>> 1] : locs[m];
            long nl = isCell(rn) ? cl[rn >>> 1] : locs[m + 1];
            if (((ml | nl) >>> 62) != STR_UTF8) {
              break run;
            }
            int gm = st + (int) (ml >>> 31);
            int gn = st + (int) (nl >>> 31);
            ResolvedGlobal g = scratch.find(b, gm, gm + (int) (ml & 0x7FFFFFFF), gn, gn + (int) (nl & 0x7FFFFFFF));
            if (g == null) {
              break run;
            }
            op = c;
            opPos = p;
            referenceGlobal(g);
            s = m;
            next = p + 1;
            kind = K_GLOBAL;
            proto = 4;
            break;
          }
          case F_MARK:
            if (nm >= mkCap) {
              break run;
            }
            mk[nm++] = s;
            base = s;
            p++;
            continue;
          case F_SETITEMS:
          case F_APPENDS: {
            if (nm == 0) {
              break run;
            }
            int m = mk[nm - 1];
            int below = nm > 1 ? mk[nm - 2] : 0;
            if (m <= below) {
              break run;
            }
            // fastAdd inline (C1 would call it): the container below the MARK grows by the items above it
            int t = m - 1;
            byte kt = kinds[t];
            if (cls == F_SETITEMS) {
              if (kt != K_DICT && kt != K_OBJ || ((s - m) & 1) != 0) {
                break run;
              }
              for (int i = m; i < s; i += 2) {
                if (kinds[i] > K_OBJ) {
                  break run;
                }
              }
            } else if (kt != K_LIST && kt != K_OBJ) {
              break run;
            }
            if (m < s) {
              long add = 0;
              int deepest = 0;
              for (int i = m; i < s; i++) {
                int r = refs[i];
                add += ns[r];
                deepest = Math.max(deepest, nd[r]);
                if (add > maxExpanded) {
                  break run;
                }
              }
              int rt = refs[t];
              long size = ns[rt] + add;
              int depth = Math.max(nd[rt], deepest + 1);
              if (size > maxExpanded || depth > maxDepth) {
                break run;
              }
              ns[rt] = size;
              nd[rt] = depth;
            }
            nm--;
            base = below;
            s = m;
            if (maxProto < 1) {
              maxProto = 1;
            }
            p++;
            continue;
          }
          case F_APPEND:
            if (s - base < 2 || !fastAdd(s - 2, s - 1, s, K_LIST, false)) {
              break run;
            }
            s--;
            p++;
            continue;
          case F_SETITEM:
            if (s - base < 3 || !fastAdd(s - 3, s - 2, s, K_DICT, true)) {
              break run;
            }
            s -= 2;
            p++;
            continue;
          default:
            break run;
        }
        // every class above has checked that next <= lim
        if (proto > maxProto) {
          maxProto = proto;
        }
        kinds[s] = kind;
        refs[s] = ref;
        s++;
        objs++;
        p = next;
        // a memo write right after the push is taken here, without another trip through the switch
        if (p >= er) {
          break;
        }
        lim = p < fe ? fe : er;
        c = b[st + p] & 0xFF;
        if (c != MEMOIZE && c != BINPUT) {
          continue;
        }
      }
      // MEMOIZE or BINPUT at p
      int n = c == MEMOIZE ? 1 : 2;
      if (p + n > lim) {
        break;
      }
      int idx = c == MEMOIZE ? mDistinct : b[st + p + 1] & 0xFF;
      int top = s - 1;
      if (idx >= mmLen || idx >= maxM || mWrites >= maxM || top < base) {
        break;
      }
      int r0 = refs[top];
      int c0;
      if (isCell(r0)) {
        c0 = r0 >>> 1;
      } else {
        // a new cell takes the item's size, depth, kind and text location
        if (ncells == cCap || 2 * ncells + 1 >= nCap) {
          break;
        }
        c0 = ncells++;
        int cr = 2 * c0 + 1;
        byte k0 = kinds[top];
        ck[c0] = k0;
        ns[cr] = ns[r0];
        nd[cr] = nd[r0];
        if (k0 == K_STR || k0 == K_PYSTR) {
          cl[c0] = locs[top];
        }
        refs[top] = cr;
      }
      mWrites++;
      if (mm[idx] < 0) {
        mDistinct++;
      }
      mm[idx] = c0;
      if (idx >= mHigh) {
        mHigh = idx + 1;
      }
      int proto = c == MEMOIZE ? 4 : 1;
      if (proto > maxProto) {
        maxProto = proto;
      }
      p += n;
    }
    pos = p;
    sp = s;
    objects = objs;
    maxOpcodeProtocol = maxProto;
    nMarks = nm;
    nCells = ncells;
    memoWrites = mWrites;
    memoDistinct = mDistinct;
    memoHigh = mHigh;
    frameEnd = fe;
    return stopped;
  }

  /**
   * The fast path's APPEND(S) and SETITEM(S): if the item at {@code t} is a {@code kind} (or an object) and
   * adding the items in [from, to) keeps the limits (and, with {@code keys}, every other item from {@code from}
   * on is hashable), grows its size and depth as {@link #addChildren} does and returns true; otherwise changes
   * nothing and returns false, for the general loop to make the finding. Every item's size and depth are read
   * through its node, without a branch on its kind.
   */
  private boolean fastAdd(int t, int from, int to, byte kind, boolean keys) {
    final byte[] kinds = stKind;
    final int[] refs = stRef;
    final long[] ns = nSize;
    final int[] nd = nDepth;
    byte kt = kinds[t];
    if (kt != kind && kt != K_OBJ) {
      return false;
    }
    if (from >= to) {
      return true;
    }
    if (keys) {
      for (int i = from; i < to; i += 2) {
        if (kinds[i] > K_OBJ) {
          return false;
        }
      }
    }
    long add = 0;
    int deepest = 0;
    for (int i = from; i < to; i++) {
      int r = refs[i];
      add += ns[r];
      deepest = Math.max(deepest, nd[r]);
      if (add > maxExpanded) {
        return false;
      }
    }
    int rt = refs[t];
    long size = ns[rt] + add;
    int depth = Math.max(nd[rt], deepest + 1);
    if (size > maxExpanded || depth > maxDepth) {
      return false;
    }
    ns[rt] = size;
    nd[rt] = depth;
    return true;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Opcodes with more to check

  private void missingStop() {
    if (pos == 0) {
      malformed("missing-stop", 0, "pickle is empty: no opcode, no STOP");
    }
    malformed("missing-stop", pos, "pickle ends at offset " + pos + " without STOP");
  }

  private void unknownOpcode() {
    malformed("unknown-opcode", opPos, "unknown opcode " + hexByte(op) + " at offset " + opPos);
  }

  private void growMarks() {
    if (nMarks >= maxDepth) {
      overLimit("too-deep", "MARK at offset " + opPos + " opens mark " + (nMarks + 1)
          + " but the nesting limit is " + maxDepth);
    }
    marks = Arrays.copyOf(marks, nMarks * 2);
  }

  private void doProto() {
    int v = u8(fixed(1));
    if (v > 5) {
      malformed("bad-protocol", opPos, "PROTO at offset " + opPos + " declares unsupported protocol " + v);
    }
    if (declaredProtocol == null) {
      declaredProtocol = v;
    }
    currentProtocol = v;
    if (v > highestDeclared) {
      highestDeclared = v;
    }
  }

  private void doFrame() {
    long n = u64(fixed(8));
    long remain = remaining();
    if (n < 0 || n > remain) {
      malformed("truncated", opPos, "FRAME at offset " + opPos + " claims " + Long.toUnsignedString(n)
          + " bytes but " + plural(remain, "remains", "remain"));
    }
    if (pos < frameEnd) {
      malformed("bad-frame", opPos, "FRAME at offset " + opPos + " begins before the previous frame ends at "
          + "offset " + frameEnd);
    }
    frameEnd = pos + (int) n;
  }

  private void persistentIdsEnabled() {
    if (!persistentIds) {
      malformed("persistent-id-unsupported", opPos, Opcodes.nameOf(op) + " at offset " + opPos
          + " needs a persistent-id handler; enable persistentIds(true) to accept it");
    }
  }

  private void doPersid() {
    persistentIdsEnabled();
    int lineEnd = line();
    for (int i = start + pos; i < start + lineEnd; i++) {
      if (buf[i] < 0) {
        malformed("bad-string-literal", opPos, "PERSID at offset " + opPos
            + " has a non-ASCII byte " + hexByte(buf[i] & 0xFF) + " at offset " + (i - start));
      }
    }
    pos = lineEnd + 1;
    pushNew(K_OBJ);
  }

  private void doObj() {
    int m = popMark();
    if (sp - m < 1) {
      malformed("stack-underflow", opPos, "OBJ at offset " + opPos + " finds no class after the MARK");
    }
    requireCallable(m, "instantiates");
    call(m);
  }

  private void doStop() {
    if (nMarks > 0) {
      malformed("mark-misuse", opPos, "STOP at offset " + opPos + " finds the MARK pushed before stack item "
          + marks[nMarks - 1] + " still open");
    }
    if (sp == 0) {
      malformed("stack-underflow", opPos, "STOP at offset " + opPos + " finds an empty stack");
    }
    if (sp > 1) {
      malformed("bad-stop-stack", opPos, "STOP at offset " + opPos + " leaves " + sp
          + " items on the stack; a pickle must leave exactly 1");
    }
    int rest = end - start - pos;
    if (rest > 0) {
      finding("trailing-bytes", Severity.WARNING, pos, rest + " bytes after STOP at offset " + opPos
          + " (from offset " + pos + ") are ignored by the unpickler");
    }
  }

  private void doInt() {
    int lineEnd = line();
    int s = start + pos;
    int e = start + lineEnd;
    int len = e - s;
    if (len == 2 && buf[s] == '0' && (buf[s + 1] == '0' || buf[s + 1] == '1')) {
      pos = lineEnd + 1;
      pushNew(K_BOOL);
      return;
    }
    int digits = decimalDigits(s, e, false);
    if (digits < 0) {
      malformed("bad-int-literal", opPos, "INT at offset " + opPos + " has a bad literal " + quoteLine(s, e));
    }
    tooManyDigits(digits);
    pos = lineEnd + 1;
    pushNew(K_INT);
  }

  private void doLong() {
    int lineEnd = line();
    int s = start + pos;
    int e = start + lineEnd;
    if (e > s && buf[e - 1] == 'L') {
      e--;
    }
    int digits = decimalDigits(s, e, true);
    if (digits < 0) {
      malformed("bad-int-literal", opPos, "LONG at offset " + opPos + " has a bad literal "
          + quoteLine(s, start + lineEnd));
    }
    tooManyDigits(digits);
    pos = lineEnd + 1;
    pushNew(K_INT);
  }

  private void tooManyDigits(int digits) {
    if (digits > limits.maxIntDigits()) {
      overLimit("int-too-long", Opcodes.nameOf(op) + " at offset " + opPos + " has " + digits
          + " digits but the limit is " + limits.maxIntDigits());
    }
  }

  /**
   * Counts the digits of {@code [+-]?digits}: no leading zeros unless {@code zerosOk} allows all-zero runs (as
   * PyLong_FromString does), and "0" always. Returns -1 for anything else.
   */
  private int decimalDigits(int s, int e, boolean zerosOk) {
    int i = s;
    if (i < e && (buf[i] == '-' || buf[i] == '+')) {
      i++;
    }
    int digits = e - i;
    if (digits == 0) {
      return -1;
    }
    boolean allZero = true;
    for (int j = i; j < e; j++) {
      byte c = buf[j];
      if (c < '0' || c > '9') {
        return -1;
      }
      if (c != '0') {
        allZero = false;
      }
    }
    if (digits > 1 && buf[i] == '0' && !(zerosOk && allZero)) {
      return -1;
    }
    return digits;
  }

  private void doLongBinary(int n) {
    if (n < 0) {
      malformed("bad-length", opPos, "LONG4 at offset " + opPos + " has a negative byte count " + n);
    }
    long remain = remaining();
    if (n > remain) {
      truncatedCount(n, remain);
    }
    frameCheck(pos + (long) n);
    if (n > maxLongBytes) {
      overLimit("int-too-long", Opcodes.nameOf(op) + " at offset " + opPos + " has " + n
          + " bytes, more than the " + maxLongBytes + " bytes that fit in " + limits.maxIntDigits() + " digits");
    }
    pos += n;
    pushNew(K_INT);
  }

  private void doFloat() {
    int lineEnd = line();
    int s = start + pos;
    int e = start + lineEnd;
    if (!floatSyntax(s, e)) {
      malformed("bad-float-literal", opPos, "FLOAT at offset " + opPos + " has a bad literal " + quoteLine(s, e));
    }
    if (e - s > 400 || hasExponentOrManyDigits(s, e)) {
      String text = new String(buf, s, e - s, StandardCharsets.US_ASCII);
      double d = Double.parseDouble(text);
      if (Double.isInfinite(d) && !text.toLowerCase(java.util.Locale.ROOT).contains("inf")) {
        malformed("bad-float-literal", opPos, "FLOAT at offset " + opPos + " overflows: " + quoteLine(s, e));
      }
    }
    pos = lineEnd + 1;
    pushNew(K_FLOAT);
  }

  private boolean hasExponentOrManyDigits(int s, int e) {
    if (e - s > 300) {
      return true;
    }
    for (int i = s; i < e; i++) {
      if (buf[i] == 'e' || buf[i] == 'E') {
        return true;
      }
    }
    return false;
  }

  /** {@code [+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?} or {@code [+-]?(inf|infinity|nan)}. */
  private boolean floatSyntax(int s, int e) {
    int i = s;
    if (i < e && (buf[i] == '-' || buf[i] == '+')) {
      i++;
    }
    if (matchesIgnoreCase(i, e, "inf") || matchesIgnoreCase(i, e, "infinity") || matchesIgnoreCase(i, e, "nan")) {
      return true;
    }
    int intDigits = 0;
    while (i < e && buf[i] >= '0' && buf[i] <= '9') {
      i++;
      intDigits++;
    }
    int fracDigits = 0;
    if (i < e && buf[i] == '.') {
      i++;
      while (i < e && buf[i] >= '0' && buf[i] <= '9') {
        i++;
        fracDigits++;
      }
    }
    if (intDigits + fracDigits == 0) {
      return false;
    }
    if (i < e && (buf[i] == 'e' || buf[i] == 'E')) {
      i++;
      if (i < e && (buf[i] == '-' || buf[i] == '+')) {
        i++;
      }
      int expDigits = 0;
      while (i < e && buf[i] >= '0' && buf[i] <= '9') {
        i++;
        expDigits++;
      }
      if (expDigits == 0) {
        return false;
      }
    }
    return i == e;
  }

  private boolean matchesIgnoreCase(int s, int e, String word) {
    if (e - s != word.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (Character.toLowerCase((char) buf[s + i]) != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void doString() {
    int lineEnd = line();
    int s = start + pos;
    int e = start + lineEnd;
    int len = e - s;
    if (len < 2 || buf[s] != buf[e - 1] || (buf[s] != '\'' && buf[s] != '"')) {
      malformed("bad-string-literal", opPos, "STRING at offset " + opPos + " has an argument that is not quoted: "
          + quoteLine(s, e));
    }
    checkStringLength(len - 2L);
    for (int i = s + 1; i < e - 1; i++) {
      if (buf[i] != '\\') {
        continue;
      }
      if (i + 1 >= e - 1) {
        malformed("bad-string-literal", opPos, "STRING at offset " + opPos + " ends with a lone backslash: "
            + quoteLine(s, e));
      }
      byte c = buf[++i];
      if (c == 'x') {
        if (i + 2 >= e - 1 || hex(buf[i + 1]) < 0 || hex(buf[i + 2]) < 0) {
          malformed("bad-string-literal", opPos, "STRING at offset " + opPos + " has a bad \\x escape at offset "
              + (i - 1 - start) + ": " + quoteLine(s, e));
        }
        i += 2;
      }
    }
    pos = lineEnd + 1;
    pushString(K_PYSTR, STR_ESCAPED, s + 1 - start, len - 2);
  }

  private void doUnicode() {
    int lineEnd = line();
    int s = start + pos;
    int e = start + lineEnd;
    checkStringLength(e - s);
    int i = s;
    while (i < e) {
      if (buf[i] != '\\') {
        i++;
        continue;
      }
      int run = 0;
      while (i < e && buf[i] == '\\') {
        run++;
        i++;
      }
      if ((run & 1) == 1 && i < e && (buf[i] == 'u' || buf[i] == 'U')) {
        int count = buf[i] == 'u' ? 4 : 8;
        long cp = 0;
        for (int k = 1; k <= count; k++) {
          int h = i + k < e ? hex(buf[i + k]) : -1;
          if (h < 0) {
            malformed("bad-string-literal", opPos, "UNICODE at offset " + opPos + " has a truncated \\"
                + (char) buf[i] + " escape at offset " + (i - 1 - start));
          }
          cp = cp * 16 + h;
        }
        if (cp > 0x10FFFF) {
          malformed("bad-string-literal", opPos, "UNICODE at offset " + opPos + " has escape \\U"
              + Long.toHexString(cp) + " beyond U+10FFFF at offset " + (i - 1 - start));
        }
        i += count + 1;
      }
    }
    pos = lineEnd + 1;
    pushString(K_STR, STR_RAW_UNICODE_ESCAPE, s - start, e - s);
  }

  /** A string, bytes or bytearray whose length was just read: {@code flavour} -1 for bytes. */
  private void counted(long n, byte kind, int flavour) {
    long remain = remaining();
    if (n < 0 || n > remain) {
      truncatedCount(n, remain);
    }
    frameCheck(pos + n);
    checkStringLength(n);
    int body = pos;
    if (flavour == STR_UTF8) {
      int bad = InspectorText.firstInvalidUtf8(buf, start + body, start + body + (int) n, true);
      if (bad >= 0) {
        malformed("bad-utf8", opPos, Opcodes.nameOf(op) + " at offset " + opPos
            + " has malformed UTF-8 at offset " + (bad - start) + " (byte " + hexByte(buf[bad] & 0xFF) + ")");
      }
    }
    pos += (int) n;
    if (flavour < 0) {
      pushNew(kind);
    } else {
      pushString(kind, flavour, body, (int) n);
    }
  }

  private void checkStringLength(long n) {
    if (n > maxStringBytes) {
      overLimit("length-over-limit", Opcodes.nameOf(op) + " at offset " + opPos + " has " + n
          + " bytes but the limit is " + maxStringBytes);
    }
  }

  private void truncatedCount(long n, long remain) {
    malformed("truncated", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " claims "
        + Long.toUnsignedString(n) + " bytes but " + plural(remain, "remains", "remain"));
  }

  private void ext(int code) {
    malformed("ext-unsupported", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " uses extension code "
        + code + " but no extension registry is configured");
  }

  private void buffers() {
    if (!outOfBandBuffers) {
      malformed("buffer-unsupported", opPos, Opcodes.nameOf(op) + " at offset " + opPos
          + " refers to an out-of-band buffer; enable outOfBandBuffers(true) to accept it");
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Globals

  private void doGlobal() {
    int moduleEnd = line();
    if (moduleEnd == pos) {
      malformed("truncated", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " has an empty module name");
    }
    int ms = pos;
    pos = moduleEnd + 1;
    int nameEnd = line();
    if (nameEnd == pos) {
      malformed("truncated", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " has an empty global name");
    }
    int ns = pos;
    pos = nameEnd + 1;
    ResolvedGlobal known = scratch.find(buf, start + ms, start + moduleEnd, start + ns, start + nameEnd);
    if (known != null) {
      referenceGlobal(known);
      return;
    }
    String module = utf8Name(ms, moduleEnd);
    String name = utf8Name(ns, nameEnd);
    referenceGlobal(module, name);
  }

  private String utf8Name(int s, int e) {
    int bad = InspectorText.firstInvalidUtf8(buf, start + s, start + e, false);
    if (bad >= 0) {
      malformed("bad-utf8", opPos, Opcodes.nameOf(op) + " at offset " + opPos
          + " has malformed UTF-8 at offset " + (bad - start) + " (byte " + hexByte(buf[bad] & 0xFF) + ")");
    }
    return new String(buf, start + s, e - s, StandardCharsets.UTF_8);
  }

  private void doStackGlobal() {
    long ml = utf8Location(sp - 2);
    long nl = utf8Location(sp - 1);
    if (ml >= 0 && nl >= 0) {
      int ms = start + (int) (ml >>> 31);
      int ns = start + (int) (nl >>> 31);
      ResolvedGlobal known = scratch.find(buf, ms, ms + (int) (ml & 0x7FFFFFFF), ns, ns + (int) (nl & 0x7FFFFFFF));
      if (known != null) {
        referenceGlobal(known);
        return;
      }
    }
    String module = stringValue(sp - 2, "module");
    String name = module == null ? null : stringValue(sp - 1, "name");
    if (name != null) {
      referenceGlobal(module, name);
    }
  }

  /** The location of a str constant on the stack held as UTF-8, or -1 for anything else. */
  private long utf8Location(int i) {
    if (stKind[i] != K_STR) {
      return -1;
    }
    int ref = stRef[i];
    long loc = isCell(ref) ? cLoc[ref >>> 1] : stLoc[i];
    return (int) (loc >>> 62) == STR_UTF8 ? loc : -1;
  }

  /** The text of a str constant on the stack, or null after an unresolved-global finding. */
  private String stringValue(int i, String what) {
    byte kind = stKind[i];
    if (kind != K_STR && kind != K_PYSTR) {
      unresolved("takes its " + what + " from " + KIND_NAMES[kind] + ", not a string constant");
      return null;
    }
    int ref = stRef[i];
    long loc = isCell(ref) ? cLoc[ref >>> 1] : stLoc[i];
    int flavour = (int) (loc >>> 62);
    int off = (int) ((loc >>> 31) & 0x7FFFFFFF);
    int len = (int) (loc & 0x7FFFFFFF);
    switch (flavour) {
      case STR_UTF8:
        return new String(buf, start + off, len, StandardCharsets.UTF_8);
      case STR_LATIN1:
        return new String(buf, start + off, len, StandardCharsets.ISO_8859_1);
      case STR_RAW_UNICODE_ESCAPE:
        return InspectorText.decodeRawUnicodeEscape(buf, start + off, start + off + len);
      default:
        unresolved("takes its " + what + " from a STRING literal with escapes the inspector does not resolve");
        return null;
    }
  }

  private void unresolved(String why) {
    unsafe = true;
    finding("unresolved-global", Severity.ERROR, opPos, "STACK_GLOBAL at offset " + opPos + " " + why);
  }

  private void referenceGlobal(String module, String name) {
    referenceGlobal(scratch.resolve(module, name));
  }

  private void referenceGlobal(ResolvedGlobal g) {
    String qualified = g.qualified;
    if (globals == null) {
      if (firstGlobal == null) {
        firstGlobal = g;
      } else if (firstGlobal == g || firstGlobal.qualified.equals(qualified)) {
        return;
      } else if (secondGlobal == null) {
        secondGlobal = g;
      } else if (secondGlobal == g || secondGlobal.qualified.equals(qualified)) {
        return;
      } else {
        globals = new ArrayList<>(4);
        globals.add(firstGlobal.qualified);
        globals.add(secondGlobal.qualified);
        globals.add(qualified);
      }
    } else if (globalsSeen != null) {
      if (!globalsSeen.add(qualified)) {
        return;
      }
      globals.add(qualified);
    } else if (globals.contains(qualified)) {
      return;
    } else {
      if (globals.size() >= 8) {
        globalsSeen = new HashSet<>(globals);
        globalsSeen.add(qualified);
      }
      globals.add(qualified);
    }
    PythonVersion needs = g.minPython;
    if (needs.compareTo(globalsMinPython) > 0) {
      globalsMinPython = needs;
    }
    String danger = g.danger;
    String opName = Opcodes.nameOf(op);
    if (danger != null) {
      unsafe = true;
      finding("dangerous-global", Severity.ERROR, opPos, opName + " at offset " + opPos + " references "
          + qualified + ", which can run code or do I/O when loaded (" + danger + ")");
    } else if (!g.allowed(currentProtocol, allowedGlobals)) {
      unsafe = true;
      finding("unknown-global", Severity.ERROR, opPos, opName + " at offset " + opPos + " references "
          + qualified + ", which is not on the allowlist; allow it with allowGlobal(\"" + qualified + "\")");
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Memo

  private long parseMemoIndex(int lineEnd, boolean put) {
    int s = start + pos;
    int e = start + lineEnd;
    int i = s;
    boolean negative = false;
    if (i < e && buf[i] == '-') {
      negative = true;
      i++;
    }
    if (i == e) {
      malformed(e == s ? "truncated" : "bad-int-literal", opPos, Opcodes.nameOf(op) + " at offset " + opPos
          + " has " + (e == s ? "an empty" : "a bad") + " memo index " + quoteLine(s, e));
    }
    long v = 0;
    for (int j = i; j < e; j++) {
      byte c = buf[j];
      if (c < '0' || c > '9') {
        malformed("bad-int-literal", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " has a bad memo index "
            + quoteLine(s, e));
      }
      if (v < Integer.MAX_VALUE) {
        v = v * 10 + (c - '0');
      }
    }
    if (negative && v != 0) {
      if (put) {
        malformed("negative-put", opPos, "PUT at offset " + opPos + " has a negative memo index "
            + quoteLine(s, e));
      }
      v = -1;
    }
    pos = lineEnd + 1;
    return v;
  }

  private void getMemo(long idx) {
    int cell = idx >= 0 && idx < memo.length ? memo[(int) idx] : -1;
    if (cell < 0) {
      malformed("memo-missing", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " reads memo index " + idx
          + ", which was never PUT");
    }
    pushRef(cKind[cell], 2 * cell + 1);
  }

  private void putMemo(long idx) {
    if (idx >= maxMemo) {
      overLimit("too-many-memo-entries", Opcodes.nameOf(op) + " at offset " + opPos + " uses memo index " + idx
          + " but at most " + maxMemo + " memo entries are allowed");
    }
    if (++memoWrites > maxMemo) {
      overLimit("too-many-memo-entries", Opcodes.nameOf(op) + " at offset " + opPos + " writes memo entry "
          + memoWrites + " but at most " + maxMemo + " are allowed");
    }
    int i = (int) idx;
    if (i >= memo.length) {
      int n = (int) Math.min(maxMemo, Math.max(i + 1L, Math.max(16L, memo.length * 2L)));
      int old = memo.length;
      memo = Arrays.copyOf(memo, n);
      Arrays.fill(memo, old, n, -1);
    }
    int top = sp - 1;
    int ref = stRef[top];
    int cell;
    if (isCell(ref)) {
      cell = ref >>> 1;
    } else {
      if (nCells == cKind.length) {
        int n = nCells * 2;
        cKind = Arrays.copyOf(cKind, n);
        cLoc = Arrays.copyOf(cLoc, n);
      }
      cell = nCells++;
      int cr = 2 * cell + 1;
      ensureNode(cr);
      byte kind = stKind[top];
      cKind[cell] = kind;
      nSize[cr] = nSize[ref];
      nDepth[cr] = nDepth[ref];
      if (kind == K_STR || kind == K_PYSTR) {
        cLoc[cell] = stLoc[top];
      }
      stRef[top] = cr;
    }
    if (memo[i] < 0) {
      memoDistinct++;
    }
    memo[i] = cell;
    if (i >= memoHigh) {
      memoHigh = i + 1;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Stack

  private int base() {
    return nMarks > 0 ? marks[nMarks - 1] : 0;
  }

  private void need(int n) {
    if (sp - base() < n) {
      underflow(n);
    }
  }

  private void underflow(int n) {
    int have = sp - base();
    malformed("stack-underflow", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " needs " + n
        + (n == 1 ? " stack item" : " stack items") + " but finds " + have
        + (nMarks > 0 ? " above the MARK" : ""));
  }

  private int popMark() {
    if (nMarks == 0) {
      malformed("mark-misuse", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " finds no MARK");
    }
    return marks[--nMarks];
  }

  /** Pops the mark of APPENDS, SETITEMS or ADDITEMS, which need their container just below it. */
  private int popMarkWithTarget() {
    int m = popMark();
    if (m <= base()) {
      malformed("stack-underflow", opPos, Opcodes.nameOf(op) + " at offset " + opPos
          + " finds no container below its MARK");
    }
    return m;
  }

  private void pairs(int m) {
    if (((sp - m) & 1) != 0) {
      malformed("odd-items", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " has an odd number of items ("
          + (sp - m) + ") after the MARK");
    }
    for (int i = m; i < sp; i += 2) {
      hashable(i);
    }
  }

  /** Whether a node reference is a memo cell's (not a stack slot's own node nor a shared constant one). */
  private static boolean isCell(int ref) {
    return (ref & 1) != 0 && ref > TUPLE0;
  }

  private byte kindAt(int i) {
    return stKind[i];
  }

  private long sizeAt(int i) {
    return nSize[stRef[i]];
  }

  private int depthAt(int i) {
    return nDepth[stRef[i]];
  }

  private void requireKind(int i, byte kind, String verb) {
    byte k = kindAt(i);
    if (k != kind && k != K_OBJ) {
      malformed("type-mismatch", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " " + verb + " "
          + KIND_NAMES[k] + ", not " + KIND_NAMES[kind]);
    }
  }

  /** A callable: a global, or an object some call returned. */
  private void requireCallable(int i, String verb) {
    byte k = kindAt(i);
    if (k != K_GLOBAL && k != K_OBJ) {
      malformed("type-mismatch", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " " + verb + " "
          + KIND_NAMES[k] + ", not a global or an object");
    }
  }

  private void requireTuple(int i, String role) {
    byte k = kindAt(i);
    if (k != K_TUPLE && k != K_TUPLE_UNHASHABLE && k != K_OBJ) {
      malformed("type-mismatch", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " takes " + KIND_NAMES[k]
          + " " + role + ", not a tuple");
    }
  }

  private void hashable(int i) {
    if (kindAt(i) > K_OBJ) {
      malformed("type-mismatch", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " uses "
          + KIND_NAMES[kindAt(i)] + ", which is unhashable, as a key or set element");
    }
  }

  /** Adds the items in [from, to) to the container at {@code target}: its size and depth grow. */
  private void addChildren(int target, int from, int to) {
    long add = 0;
    int deepest = -1;
    for (int i = from; i < to; i++) {
      add += sizeAt(i);
      deepest = Math.max(deepest, depthAt(i));
      if (add > maxExpanded) {
        break;
      }
    }
    if (deepest < 0) {
      return;
    }
    int r = stRef[target];
    long size = nSize[r] + add;
    int depth = Math.max(nDepth[r], deepest + 1);
    checkSizeAndDepth(size, depth);
    nSize[r] = size;
    nDepth[r] = depth;
  }

  /** Replaces the items in [m, sp) with one new container of {@code kind}. */
  private void collect(int m, byte kind) {
    long size = 1;
    int depth = 1;
    boolean unhashable = false;
    for (int i = m; i < sp; i++) {
      size += sizeAt(i);
      depth = Math.max(depth, depthAt(i) + 1);
      if (kindAt(i) > K_OBJ) {
        unhashable = true;
      }
      if (size > maxExpanded) {
        break;
      }
    }
    checkSizeAndDepth(size, depth);
    sp = m;
    countObject();
    pushOwn(kind == K_TUPLE && unhashable ? K_TUPLE_UNHASHABLE : kind, size, depth);
  }

  /** Replaces the items in [m, sp) (a callable and its arguments) with the object the call returns. */
  private void call(int m) {
    long size = 1;
    int depth = 0;
    for (int i = m; i < sp; i++) {
      size += sizeAt(i);
      depth = Math.max(depth, depthAt(i) + 1);
      if (size > maxExpanded) {
        break;
      }
    }
    checkSizeAndDepth(size, depth);
    sp = m;
    countObject();
    pushOwn(K_OBJ, size, depth);
  }

  private void checkSizeAndDepth(long size, int depth) {
    if (size > maxExpanded) {
      overLimit("expanded-size-over-limit", Opcodes.nameOf(op) + " at offset " + opPos
          + " builds a value of more than " + maxExpanded + " elements once shared references are expanded");
    }
    if (depth > maxDepth) {
      overLimit("too-deep", Opcodes.nameOf(op) + " at offset " + opPos + " nests containers " + depth
          + " deep but the limit is " + maxDepth);
    }
  }

  private void countObject() {
    if (++objects > maxObjects) {
      tooManyObjects();
    }
  }

  private void tooManyObjects() {
    {
      overLimit("too-many-objects", Opcodes.nameOf(op) + " at offset " + opPos + " creates object " + objects
          + " but the limit is " + maxObjects);
    }
  }

  /** A new item of size 1 and depth 0: one that can grow gets a node of its own. */
  private void pushNew(byte kind) {
    countObject();
    if (mutable(kind)) {
      pushOwn(kind, 1, 0);
    } else {
      pushRef(kind, SCALAR);
    }
  }

  /** An empty container: one level of nesting. */
  private void pushContainer(byte kind) {
    countObject();
    if (kind == K_TUPLE) {
      pushRef(kind, TUPLE0);
    } else {
      pushOwn(kind, 1, 1);
    }
  }

  private void pushString(byte kind, int flavour, int off, int len) {
    countObject();
    long loc = ((long) flavour << 62) | ((long) off << 31) | (len & 0x7FFFFFFFL);
    pushRef(kind, SCALAR);
    setLoc(sp - 1, loc);
  }

  private void setLoc(int i, long loc) {
    if (i >= stLoc.length) {
      stLoc = Arrays.copyOf(stLoc, stKind.length);
    }
    stLoc[i] = loc;
  }

  /** Pushes an item with a node of its own, holding {@code size} and {@code depth}. */
  private void pushOwn(byte kind, long size, int depth) {
    if (sp == stKind.length) {
      growStack();
    }
    int r = 2 * sp;
    ensureNode(r);
    stKind[sp] = kind;
    stRef[sp] = r;
    nSize[r] = size;
    nDepth[r] = depth;
    sp++;
  }

  /** Pushes an item that shares the node {@code ref} (a memo cell's or a constant one). */
  private void pushRef(byte kind, int ref) {
    if (sp == stKind.length) {
      growStack();
    }
    stKind[sp] = kind;
    stRef[sp] = ref;
    sp++;
  }

  /** DUP: the copy shares the item's memo cell, or gets a copy of its own node. */
  private void dup() {
    int top = sp - 1;
    byte kind = stKind[top];
    int ref = stRef[top];
    if ((ref & 1) == 0) {
      pushOwn(kind, nSize[ref], nDepth[ref]);
    } else {
      pushRef(kind, ref);
    }
    if ((kind == K_STR || kind == K_PYSTR) && !isCell(ref)) {
      setLoc(sp - 1, stLoc[top]);
    }
  }

  private void ensureNode(int r) {
    if (r >= nSize.length) {
      int n = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(r + 2L, nSize.length * 2L));
      nSize = Arrays.copyOf(nSize, n);
      nDepth = Arrays.copyOf(nDepth, n);
    }
  }

  private void growStack() {
    {
      if (sp >= maxObjects) {
        overLimit("too-many-objects", Opcodes.nameOf(op) + " at offset " + opPos + " grows the stack past "
            + maxObjects + " items");
      }
      // node references are 2 * slot: the stack stays under 2^30 slots
      int n = (int) Math.min((Integer.MAX_VALUE - 8) / 2, Math.min(maxObjects + 1, sp * 2L));
      stKind = Arrays.copyOf(stKind, n);
      stRef = Arrays.copyOf(stRef, n);
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reading arguments

  /**
   * Refuses an argument that starts inside the current FRAME and ends after it, as CPython's file unpickler and
   * pure-Python unpickler do ({@code pickle.loads} of bytes does not check).
   */
  private void frameCheck(long argEnd) {
    if (pos < frameEnd && argEnd > frameEnd) {
      malformed("bad-frame", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " reads past the end of its frame"
          + " at offset " + frameEnd);
    }
  }

  private long remaining() {
    return endRel - pos;
  }

  /** Checks that {@code n} argument bytes follow, returns their position in buf and skips them. */
  private int fixed(int n) {
    int p = pos;
    if (p + n > (p < frameEnd ? frameEnd : endRel)) {
      fixedFails(n);
    }
    pos = p + n;
    return start + p;
  }

  private void fixedFails(int n) {
    int remain = endRel - pos;
    if (remain < n) {
      malformed("truncated", opPos, Opcodes.nameOf(op) + " at offset " + opPos + " needs "
          + plural(n, "argument byte", "argument bytes") + " but " + plural(remain, "remains", "remain"));
    }
    frameCheck(pos + (long) n);
  }

  /** The relative offset of the newline ending the argument line at pos. */
  private int line() {
    int e = end;
    byte[] b = buf;
    for (int i = start + pos; i < e; i++) {
      if (b[i] == '\n') {
        frameCheck(i - start + 1L);
        return i - start;
      }
    }
    malformed("truncated", opPos, Opcodes.nameOf(op) + " at offset " + opPos
        + " has no newline-terminated argument (" + plural(end - start - pos, "byte remains", "bytes remain") + ")");
    return -1;
  }

  private int u8(int at) {
    return buf[at] & 0xFF;
  }

  private int u16(int at) {
    return (buf[at] & 0xFF) | (buf[at + 1] & 0xFF) << 8;
  }

  private int s32(int at) {
    return (buf[at] & 0xFF) | (buf[at + 1] & 0xFF) << 8 | (buf[at + 2] & 0xFF) << 16 | buf[at + 3] << 24;
  }

  private long u32(int at) {
    return s32(at) & 0xFFFFFFFFL;
  }

  /** Eight little-endian bytes; values of 2^63 or more come back negative. */
  /** The 8 little-endian bytes at {@code at}; small enough for C1 to inline (FRAME in the fast loop). */
  private long u64(int at) {
    return (long) InspectorText.LONGS.get(buf, at);
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static String plural(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  private static String hexByte(int v) {
    return String.format("0x%02x", v);
  }

  /** A short printable rendering of buf[s, e) for messages. */
  private String quoteLine(int s, int e) {
    StringBuilder sb = new StringBuilder("'");
    int stop = Math.min(e, s + 40);
    for (int i = s; i < stop; i++) {
      int c = buf[i] & 0xFF;
      if (c == '\\' || c == '\'') {
        sb.append('\\').append((char) c);
      } else if (c >= 0x20 && c < 0x7F) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    if (stop < e) {
      sb.append("...");
    }
    return sb.append('\'').toString();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Findings

  private void finding(String code, Severity severity, long offset, String message) {
    if (findings == null) {
      findings = new ArrayList<>();
    }
    findings.add(new Finding(code, severity, offset, message));
  }

  private void malformed(String code, long offset, String message) {
    error(Verdict.MALFORMED, code, offset, message);
  }

  private void overLimit(String code, String message) {
    error(Verdict.OVER_LIMIT, code, opPos, message);
  }

  private void error(Verdict verdict, String code, long offset, String message) {
    errorVerdict = verdict;
    finding(code, Severity.ERROR, offset, message);
    throw STOP_PASS;
  }
}

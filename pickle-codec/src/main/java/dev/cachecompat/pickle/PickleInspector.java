package dev.cachecompat.pickle;

import dev.cachecompat.core.Checks;
import dev.cachecompat.core.Limits;
import dev.cachecompat.core.Verdict;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Static validation of a pickle: one pass over the opcodes, building no object, that reports the protocol, the
 * oldest Python that can load it, every global it references, and whether it is valid, malformed, unsafe or over
 * a limit.
 *
 * <p>The pass simulates CPython's C unpickler (stack, MARK fences, memo) with primitive arrays and no recursion.
 * It rejects what that unpickler rejects as malformed data, and a little more: decimal literals must be plain
 * decimal (CPython also takes {@code I0x1f} or {@code I 5}), STOP must leave exactly one item and no open MARK,
 * coarse type errors CPython would raise while building (APPEND to an int or to a class, an unhashable dict
 * key, REDUCE of None) are reported as {@code type-mismatch}, and an opcode may not run past the end of its
 * FRAME (CPython's file and pure-Python unpicklers refuse that; {@code pickle.loads} of bytes does not look). Every {@link Limits limit} is checked before anything is
 * allocated for what it limits. Memory used is proportional to the stack height and memo size, never to a
 * declared length.
 *
 * <p><b>Verdict.</b> {@link Verdict#UNSAFE} if any global finding was made (CPython runs REDUCE before it meets a
 * later truncation, so a truncated {@code os.system} pickle is still unsafe); otherwise the first error finding
 * decides ({@link Verdict#MALFORMED} or {@link Verdict#OVER_LIMIT}; the pass stops there); otherwise
 * {@link Verdict#VALID}.
 *
 * <p><b>Finding codes</b> (all severity error unless noted). Malformed: {@code unknown-opcode}, {@code truncated}
 * (a length, fixed-width argument, text line or FRAME runs past the end), {@code missing-stop},
 * {@code stack-underflow}, {@code mark-misuse} (no MARK where one is needed, or one still open at STOP),
 * {@code odd-items} (DICT or SETITEMS with an odd item count), {@code type-mismatch}, {@code memo-missing},
 * {@code negative-put}, {@code bad-length} (negative LONG4 count), {@code bad-string-literal} (STRING quoting or
 * escapes, UNICODE escapes, non-ASCII PERSID), {@code bad-int-literal}, {@code bad-float-literal},
 * {@code bad-utf8}, {@code ext-unsupported}, {@code persistent-id-unsupported}, {@code buffer-unsupported},
 * {@code bad-protocol}, {@code bad-stop-stack}, {@code bad-frame}. Over limit: {@code payload-too-large},
 * {@code length-over-limit}, {@code too-deep}, {@code too-many-memo-entries}, {@code too-many-objects},
 * {@code expanded-size-over-limit}, {@code int-too-long} (decimal digits, or LONG1/LONG4 bytes that would exceed
 * {@link Limits#maxIntDigits()} digits). Unsafe: {@code dangerous-global}, {@code unknown-global},
 * {@code unresolved-global}. Warning: {@code trailing-bytes} (bytes after STOP; the verdict stays valid).
 *
 * <p><b>Globals.</b> Default deny: a global that is not on the built-in allowlist of cacheable value types and
 * not allowed through {@link Builder#allowGlobal} is {@code unknown-global}. The allowlist (Python 3 spelling;
 * protocol 0-2 Python 2 names are mapped as the 3.x unpickler maps them): {@code builtins} set, frozenset,
 * bytearray, complex, list, dict, tuple, bytes, str, int, float, bool, object, slice, range, Ellipsis,
 * NotImplemented; {@code _codecs.encode}; {@code copyreg} _reconstructor, __newobj__, __newobj_ex__ (they only
 * instantiate a class that is itself a global of the pickle, and so classified); {@code collections}
 * OrderedDict, defaultdict, deque, Counter; {@code datetime} datetime, date, time, timedelta, timezone;
 * {@code decimal.Decimal}; {@code uuid} UUID, SafeUUID; {@code fractions.Fraction}. A global is
 * {@code dangerous-global}, even when allowed, if its module is one that runs code or does I/O (os, posix, nt,
 * subprocess, sys, runpy, importlib, pickle, marshal, shutil, socket, ctypes, multiprocessing, types, operator,
 * functools, io, tempfile, pty, code, pdb, timeit, signal and more), if it is a builtin that evaluates, reaches
 * attributes or does I/O (eval, exec, compile, open, getattr, setattr, delattr, __import__, input, breakpoint,
 * exit, globals, vars, print...), or if any dotted segment of its name names such a module, a code-running
 * attribute (system, popen, spawn*, exec*, loads...) or a dunder ({@code __globals__}, {@code __dict__}...).
 * Both the written and the Python 3 spelling are checked, at every protocol. A STACK_GLOBAL whose module or name
 * is not a string constant known to the pass (also through the memo) is {@code unresolved-global}.
 *
 * <p><b>Oldest Python.</b> The oldest of 2.7, 3.0, 3.4 and 3.8 that loads the highest of the declared protocol
 * and the opcodes' protocols, raised to 3.0 when a global is spelled in a module only Python 3 has
 * ({@code builtins}, {@code copyreg}...; or {@code datetime.timezone}, which is 3.2+) and to 3.4 for a dotted
 * name.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()} or use {@link #defaults()}.
 */
public final class PickleInspector {
  private static final PickleInspector DEFAULTS = builder().build();

  private final Limits limits;
  private final Set<String> allowedGlobals;
  private final boolean persistentIds;
  private final boolean outOfBandBuffers;

  private PickleInspector(Builder b) {
    this.limits = b.limits;
    this.allowedGlobals = Set.copyOf(b.allowedGlobals);
    this.persistentIds = b.persistentIds;
    this.outOfBandBuffers = b.outOfBandBuffers;
  }

  /**
   * An inspector with {@link Limits#defaults()}, the built-in allowlist only, and neither persistent ids nor
   * out-of-band buffers.
   *
   * @return the shared default inspector
   */
  public static PickleInspector defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this inspector's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.limits = limits;
    b.allowedGlobals.addAll(allowedGlobals);
    b.persistentIds = persistentIds;
    b.outOfBandBuffers = outOfBandBuffers;
    return b;
  }

  /**
   * The limits this inspector enforces.
   *
   * @return the limits
   */
  public Limits limits() {
    return limits;
  }

  /**
   * The globals allowed beyond the built-in allowlist, as {@code module.name}.
   *
   * @return an unmodifiable set
   */
  public Set<String> allowedGlobals() {
    return allowedGlobals;
  }

  /**
   * Whether PERSID and BINPERSID are accepted (a persistent-id handler is configured).
   *
   * @return true if accepted
   */
  public boolean persistentIds() {
    return persistentIds;
  }

  /**
   * Whether NEXT_BUFFER and READONLY_BUFFER are accepted (out-of-band buffers are supplied).
   *
   * @return true if accepted
   */
  public boolean outOfBandBuffers() {
    return outOfBandBuffers;
  }

  /**
   * Inspects a whole payload. Never throws for bad input: problems are findings in the report.
   *
   * @param payload the pickle bytes
   * @return the report
   * @throws NullPointerException if payload is null
   */
  public PickleReport inspect(byte[] payload) {
    Checks.requireNonNull(payload, "payload");
    return InspectorPass.forThread(this, payload, 0, payload.length).run();
  }

  /**
   * Inspects {@code length} bytes of {@code buffer} from {@code offset}, as if they were a whole payload: offsets
   * in the findings count from {@code offset}. Never throws for bad input.
   *
   * @param buffer the bytes holding the pickle
   * @param offset where the pickle starts
   * @param length how many bytes it has
   * @return the report
   * @throws NullPointerException if buffer is null
   * @throws IndexOutOfBoundsException if offset and length do not describe a range of buffer
   */
  public PickleReport inspect(byte[] buffer, int offset, int length) {
    Checks.requireNonNull(buffer, "buffer");
    java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
    return InspectorPass.forThread(this, buffer, offset, offset + length).run();
  }

  /** Builds a {@link PickleInspector}. Not thread-safe. */
  public static final class Builder {
    private Limits limits = Limits.defaults();
    private final Set<String> allowedGlobals = new LinkedHashSet<>();
    private boolean persistentIds;
    private boolean outOfBandBuffers;

    private Builder() {}

    /**
     * Sets the limits.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder limits(Limits limits) {
      this.limits = Checks.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Allows one more global, beyond the built-in allowlist. A denylisted global stays unsafe even when allowed.
     *
     * @param qualifiedName {@code module.name}, e.g. {@code myapp.models.Point}
     * @return this builder
     * @throws IllegalArgumentException if the name has no dot
     */
    public Builder allowGlobal(String qualifiedName) {
      Checks.requireNonNull(qualifiedName, "qualifiedName");
      Checks.requireArgument(qualifiedName.indexOf('.') > 0 && !qualifiedName.endsWith("."),
          "global must be module.name: '%s'", qualifiedName);
      allowedGlobals.add(qualifiedName);
      return this;
    }

    /**
     * Accepts PERSID and BINPERSID.
     *
     * @param accept true to accept
     * @return this builder
     */
    public Builder persistentIds(boolean accept) {
      this.persistentIds = accept;
      return this;
    }

    /**
     * Accepts NEXT_BUFFER and READONLY_BUFFER.
     *
     * @param accept true to accept
     * @return this builder
     */
    public Builder outOfBandBuffers(boolean accept) {
      this.outOfBandBuffers = accept;
      return this;
    }

    /**
     * Builds the inspector.
     *
     * @return the inspector
     */
    public PickleInspector build() {
      return new PickleInspector(this);
    }
  }
}

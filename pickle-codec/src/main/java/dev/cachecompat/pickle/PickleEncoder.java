package dev.cachecompat.pickle;

import dev.cachecompat.core.Checks;
import dev.cachecompat.core.Limits;
import dev.cachecompat.core.PythonVersion;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes Java values as pickles that real CPython loads, byte for byte as CPython 3.13's {@code pickle.dumps}
 * writes the same Python value wherever the mapping is unambiguous.
 *
 * <p>Start with {@link #forReaders(PythonVersion)}: it picks the highest protocol the oldest reader loads and
 * the spellings every reader from that version on imports. {@link #protocol(int)} writes a given protocol with
 * CPython's defaults ({@code fix_imports=True}, so protocols 0-2 load in Python 2.7 too).
 *
 * <h2>Type mapping (Java to Python)</h2>
 *
 * <table>
 *   <caption>What each Java value becomes</caption>
 *   <tr><th>Java</th><th>Python</th><th>How</th></tr>
 *   <tr><td>{@code null}</td><td>{@code None}</td><td>NONE</td></tr>
 *   <tr><td>{@link Boolean}</td><td>{@code bool}</td><td>NEWTRUE/NEWFALSE; {@code I01}/{@code I00} below
 *       protocol 2</td></tr>
 *   <tr><td>{@link Byte}, {@link Short}, {@link Integer}, {@link Long}, {@link java.math.BigInteger}</td>
 *       <td>{@code int}</td><td>BININT1/BININT2/BININT, LONG1/LONG4 from protocol 2, INT/LONG text at 0;
 *       LONG text at 1 beyond 32 bits</td></tr>
 *   <tr><td>{@link Float}, {@link Double}</td><td>{@code float}</td><td>BINFLOAT; FLOAT with Python's
 *       {@code repr} (shortest round-trip digits) at protocol 0</td></tr>
 *   <tr><td>{@link String}</td><td>{@code str} ({@code unicode} in Python 2)</td><td>SHORT_BINUNICODE,
 *       BINUNICODE, UNICODE at 0; lone surrogates are written as CPython's {@code surrogatepass}</td></tr>
 *   <tr><td>{@code byte[]}</td><td>{@code bytes} ({@code str} in Python 2)</td><td>SHORT_BINBYTES/BINBYTES
 *       from protocol 3, below it {@code _codecs.encode(u'latin-1 text', 'latin1')} (empty:
 *       {@code bytes()}) as CPython 3 does</td></tr>
 *   <tr><td>{@link PyByteArray}</td><td>{@code bytearray}</td><td>BYTEARRAY8 at 5, else
 *       {@code bytearray(bytes)}</td></tr>
 *   <tr><td>{@link java.util.List}</td><td>{@code list}</td><td>APPENDS in batches of 1,000</td></tr>
 *   <tr><td>{@link PyTuple}</td><td>{@code tuple}</td><td>EMPTY_TUPLE, TUPLE1-3, MARK..TUPLE</td></tr>
 *   <tr><td>{@link java.util.Map} (any, including {@link java.util.LinkedHashMap})</td><td>{@code dict}</td>
 *       <td>SETITEMS in batches of 1,000, in iteration order; never {@code OrderedDict}</td></tr>
 *   <tr><td>{@link java.util.Set}</td><td>{@code set}</td><td>EMPTY_SET + ADDITEMS from protocol 4, else
 *       {@code set([items])}</td></tr>
 *   <tr><td>{@link PyFrozenSet}</td><td>{@code frozenset}</td><td>FROZENSET from 4, else
 *       {@code frozenset([items])}</td></tr>
 *   <tr><td>{@link PyComplex}</td><td>{@code complex}</td><td>{@code complex(re, im)}</td></tr>
 *   <tr><td>{@link java.math.BigDecimal}</td><td>{@code decimal.Decimal}</td><td>{@code Decimal(str)}; Java's
 *       {@code toString} is the same to-scientific-string Python's {@code str(Decimal)} uses</td></tr>
 *   <tr><td>{@link PyDecimal}</td><td>{@code decimal.Decimal} NaN, sNaN, infinities, negative zero</td>
 *       <td>{@code Decimal(text)}, as for BigDecimal; a text Python's Decimal does not read is refused</td></tr>
 *   <tr><td>{@link java.time.LocalDateTime}, {@link java.time.LocalDate}, {@link java.time.LocalTime}</td>
 *       <td>naive {@code datetime.datetime}, {@code date}, {@code time}</td><td>their {@code __reduce__}: the
 *       class applied to the packed bytes state (years 1-9999, whole microseconds)</td></tr>
 *   <tr><td>{@link java.time.OffsetDateTime}, {@link java.time.OffsetTime}</td><td>aware {@code datetime},
 *       {@code time} with a {@code datetime.timezone}</td><td>the class applied to (state bytes, timezone)</td></tr>
 *   <tr><td>{@link java.time.ZoneOffset}</td><td>{@code datetime.timezone} (no name)</td><td>{@code timezone(
 *       timedelta(days, seconds, 0))}, also for UTC, as CPython writes {@code timezone.utc}</td></tr>
 *   <tr><td>{@link java.time.Duration}</td><td>{@code datetime.timedelta}</td><td>{@code timedelta(days,
 *       seconds, microseconds)}; whole microseconds, at most 999,999,999 days</td></tr>
 *   <tr><td>{@link java.util.UUID}</td><td>{@code uuid.UUID}</td><td>as CPython: NEWOBJ from protocol 2,
 *       {@code copyreg._reconstructor} below, then BUILD with {@code {'int': n}}</td></tr>
 *   <tr><td>{@link PyObject}</td><td>an instance of its class</td><td>GLOBAL, REDUCE of the args, BUILD of
 *       the state when it is not null; {@code builtins.Ellipsis} and {@code builtins.NotImplemented} without
 *       args or state are the singletons, written as the bare global (as the decoder reads them)</td></tr>
 * </table>
 *
 * <p>Every value {@link PickleDecoder} returns is accepted, with the same type mapping back; where the decoder
 * was lossy (OrderedDict, Counter and defaultdict became a {@code LinkedHashMap}, deque an {@code ArrayList},
 * a timezone's name was dropped) the plain type is written.
 *
 * <p>Aware values ({@code OffsetDateTime}, {@code OffsetTime}, {@code ZoneOffset}) need
 * {@code datetime.timezone}, which Python 2.7 lacks: protocols 0-2 with {@linkplain Builder#fixImports(boolean)
 * fix-imports} (so also {@code forReaders(PY2_7)}), whose pickles promise Python 2.7 readers, refuse them with
 * {@code unsupported-value}, where CPython 3 would write a pickle 2.7 cannot load; {@code fixImports(false)} or
 * protocol 3+ writes them. Likewise an offset that is not whole minutes is refused below protocol 5, because
 * Python 3.6 and older (readers of protocols 3 and 4) reject it.
 *
 * <p>With {@linkplain Builder#memoize(boolean) memoization} on (the default), objects are remembered by
 * identity as CPython does: a list, string or other object reached twice is written once and fetched again
 * (so the reader sees one shared object), and self-referential lists, dicts, sets and {@link PyObject} states
 * are written the way CPython writes them. Numbers, booleans and null are never memoized. With memoization off,
 * shared objects are written every time they are reached and a cycle fails as {@code too-deep}.
 *
 * <p>Immutable and thread-safe. (Internally it keeps one spare output buffer and memo table, up to 24 KiB, for
 * the next encode; concurrent encodes that find it taken allocate their own. It holds no values between calls.)
 */
public final class PickleEncoder {
  /** The highest protocol written. */
  public static final int HIGHEST_PROTOCOL = 5;

  private final int protocol;
  private final boolean fixImports;
  private final boolean memoize;
  private final Limits limits;
  /** The arrays the last encode left for the next (an internal cache: never shared by two encodes at once). */
  private final AtomicReference<EncoderWriter.Scratch> spare = new AtomicReference<>();

  private PickleEncoder(Builder b) {
    this.protocol = b.protocol;
    this.fixImports = b.fixImports;
    this.memoize = b.memoize;
    this.limits = b.limits;
  }

  /**
   * An encoder writing protocol {@code p} with CPython 3's default spellings: below protocol 3 Python 2's names
   * ({@code __builtin__}, {@code copy_reg}), so protocols 0-2 load in Python 2.7 and every Python 3.
   *
   * @param p the protocol, 0 to 5
   * @return the encoder
   * @throws IllegalArgumentException if the protocol is outside 0-5
   */
  public static PickleEncoder protocol(int p) {
    return builder().protocol(p).build();
  }

  /**
   * An encoder for readers from {@code oldest} on: the highest protocol {@code oldest} loads
   * ({@link PythonVersion#highestPickleProtocol()}) with the spellings every reader from it on imports. For 2.7
   * that is protocol 2 with Python 2 names, exactly what CPython 3's {@code pickle.dumps(v, 2)} writes, except
   * that values with a {@code datetime.timezone} are refused (Python 2.7 has none).
   *
   * @param oldest the oldest Python that must load the pickles
   * @return the encoder
   * @throws NullPointerException if oldest is null
   */
  public static PickleEncoder forReaders(PythonVersion oldest) {
    Checks.requireNonNull(oldest, "oldest");
    return builder().protocol(oldest.highestPickleProtocol()).fixImports(true).build();
  }

  /**
   * A builder starting from protocol 5, fix-imports spellings, memoization on and {@link Limits#defaults()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this encoder's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.protocol = protocol;
    b.fixImports = fixImports;
    b.memoize = memoize;
    b.limits = limits;
    return b;
  }

  /**
   * The protocol written.
   *
   * @return 0 to 5
   */
  public int protocol() {
    return protocol;
  }

  /**
   * Whether globals are spelled as Python 2 imports them below protocol 3 (CPython's {@code fix_imports}).
   *
   * @return true if Python 2 spellings are used below protocol 3
   */
  public boolean fixImports() {
    return fixImports;
  }

  /**
   * Whether objects reached more than once are written once and fetched from the memo.
   *
   * @return true if memoizing
   */
  public boolean memoize() {
    return memoize;
  }

  /**
   * The limits applied while writing: {@link Limits#maxDepth()} (nesting of the Java value),
   * {@link Limits#maxIntDigits()} (decimal integers written as text, below protocol 2) and
   * {@link Limits#maxPayloadBytes()} (size of the pickle).
   *
   * @return the limits
   */
  public Limits limits() {
    return limits;
  }

  /**
   * The oldest Python that loads what this encoder writes: 2.7 for protocols 0-2 with fix-imports spellings,
   * otherwise the oldest Python 3 that loads the protocol.
   *
   * @return the oldest reader
   */
  public PythonVersion oldestReader() {
    PythonVersion v = PythonVersion.oldestLoadingProtocol(protocol);
    return v.isPython2() && !fixImports ? PythonVersion.PY3_0 : v;
  }

  /**
   * Writes one value as a pickle, ending with STOP. Deterministic: the same value gives the same bytes.
   *
   * @param value the value, see the type mapping above; may be null
   * @return the pickle
   * @throws PickleException code {@code unsupported-type} (verdict valid: no pickle was involved) for a Java
   *     type without a Python counterpart, {@code unsupported-value} for a value outside what Python holds
   *     (e.g. a year 0 date, nanoseconds, an aware datetime for Python 2.7 readers: {@code Python 2.7 has no
   *     datetime.timezone}), {@code unhashable} for a list, dict, set or bytearray used as a dict
   *     key or set element (also a signaling NaN PyDecimal), {@code duplicate-key} for dict keys or set
   *     elements that differ in Java but are one key in Python (e.g. {@code 1}, {@code 1L}, {@code true},
   *     {@code 1.0}; {@code 0.0} and {@code -0.0}; a {@code -0} PyDecimal and {@code 0}; OffsetDateTimes at the
   *     same instant),
   *     which Python would silently merge, {@code too-deep} (verdict over-limit) for nesting beyond
   *     {@link Limits#maxDepth()}, {@code too-many-digits} (over-limit) for an int needing more decimal digits
   *     than {@link Limits#maxIntDigits()} at protocols 0 and 1, {@code too-large} (over-limit) for a pickle
   *     beyond {@link Limits#maxPayloadBytes()}; each message names the Java class or value and its path in the
   *     value, e.g. {@code cannot encode java.lang.Thread at value[3].key}
   */
  public byte[] encode(Object value) {
    // one spare buffer and memo table, taken by one encode at a time (others make their own)
    EncoderWriter.Scratch scratch = spare.getAndSet(null);
    if (scratch == null) {
      scratch = new EncoderWriter.Scratch();
    }
    EncoderWriter w = new EncoderWriter(protocol, fixImports, memoize, limits, scratch);
    try {
      return w.encode(value);
    } finally {
      w.recycle(scratch);
      spare.lazySet(scratch);
    }
  }

  @Override
  public String toString() {
    return "PickleEncoder{protocol=" + protocol + ", fixImports=" + fixImports + ", memoize=" + memoize + "}";
  }

  /** Builds a {@link PickleEncoder}. Not thread-safe. */
  public static final class Builder {
    private int protocol = HIGHEST_PROTOCOL;
    private boolean fixImports = true;
    private boolean memoize = true;
    private Limits limits = Limits.defaults();

    private Builder() {}

    /**
     * Sets the protocol.
     *
     * @param p 0 to 5
     * @return this builder
     * @throws IllegalArgumentException if outside 0-5
     */
    public Builder protocol(int p) {
      Checks.requireArgument(p >= 0 && p <= HIGHEST_PROTOCOL, "pickle protocol must be 0 to 5: %s", p);
      this.protocol = p;
      return this;
    }

    /**
     * Whether to spell globals as Python 2 imports them below protocol 3 ({@code __builtin__.set},
     * {@code copy_reg._reconstructor}), as CPython 3 does by default. Without it, protocols 0-2 name Python 3
     * modules ({@code builtins}) that Python 2 cannot import. No effect from protocol 3 on.
     *
     * @param fix true for Python 2 spellings (the default)
     * @return this builder
     */
    public Builder fixImports(boolean fix) {
      this.fixImports = fix;
      return this;
    }

    /**
     * Whether to memoize objects by identity (the default), as CPython does. Off is CPython's "fast" mode: no
     * PUT/GET, shared objects are duplicated, cycles fail as {@code too-deep}.
     *
     * @param memoize true to memoize
     * @return this builder
     */
    public Builder memoize(boolean memoize) {
      this.memoize = memoize;
      return this;
    }

    /**
     * Sets the limits (depth, integer digits, payload size) applied while writing.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder limits(Limits limits) {
      this.limits = Checks.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Builds the encoder.
     *
     * @return the encoder
     */
    public PickleEncoder build() {
      return new PickleEncoder(this);
    }
  }
}

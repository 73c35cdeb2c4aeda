package dev.cachecompat.pickle;

import dev.cachecompat.core.Checks;
import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Limits;
import dev.cachecompat.core.Verdict;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes pickles of protocols 0-5, written by CPython 2.7 or 3.x, into Java values, after
 * {@link PickleInspector} has found them valid: only inspected input is ever unpickled. The values are built by
 * the decoder's own single pass over the opcodes, with CPython's semantics (strict UTF-8 with surrogatepass,
 * the Python 2 names of protocols 0-2, ...) and a constructor registry per decoder instance.
 *
 * <p>Java type of each Python type:
 * <table>
 *   <caption>Python to Java</caption>
 *   <tr><th>Python</th><th>Java</th></tr>
 *   <tr><td>None</td><td>{@code null}</td></tr>
 *   <tr><td>bool</td><td>{@link Boolean}</td></tr>
 *   <tr><td>int, Python 2 long</td><td>{@link Long}; {@link java.math.BigInteger} outside the long range</td></tr>
 *   <tr><td>float</td><td>{@link Double}</td></tr>
 *   <tr><td>str (3), unicode (2)</td><td>{@link String}; lone surrogates survive as lone surrogate chars</td></tr>
 *   <tr><td>bytes (3)</td><td>{@code byte[]}</td></tr>
 *   <tr><td>Python 2 str</td><td>by {@link Py2Str}: {@code byte[]} under BYTES, a {@link String} otherwise</td></tr>
 *   <tr><td>bytearray</td><td>{@link PyByteArray}</td></tr>
 *   <tr><td>list</td><td>{@link java.util.ArrayList}</td></tr>
 *   <tr><td>tuple</td><td>{@link PyTuple}</td></tr>
 *   <tr><td>dict, collections.OrderedDict</td><td>{@link java.util.LinkedHashMap}, in pickle order</td></tr>
 *   <tr><td>set</td><td>{@link java.util.LinkedHashSet}, in pickle order</td></tr>
 *   <tr><td>frozenset</td><td>{@link PyFrozenSet}</td></tr>
 *   <tr><td>complex</td><td>{@link PyComplex}</td></tr>
 *   <tr><td>decimal.Decimal</td><td>{@link java.math.BigDecimal} (scale kept: {@code 1.10} stays {@code 1.10});
 *       {@link PyDecimal} for NaN, sNaN, infinities and negative zero</td></tr>
 *   <tr><td>datetime.datetime</td><td>{@link java.time.LocalDateTime} when naive; {@link java.time.OffsetDateTime}
 *       with a datetime.timezone tzinfo</td></tr>
 *   <tr><td>datetime.date</td><td>{@link java.time.LocalDate}</td></tr>
 *   <tr><td>datetime.time</td><td>{@link java.time.LocalTime} when naive; {@link java.time.OffsetTime} with a
 *       datetime.timezone tzinfo</td></tr>
 *   <tr><td>datetime.timezone</td><td>{@link java.time.ZoneOffset} (the name is dropped; offsets must be whole
 *       seconds within +-18:00)</td></tr>
 *   <tr><td>datetime.timedelta</td><td>{@link java.time.Duration}</td></tr>
 *   <tr><td>uuid.UUID</td><td>{@link java.util.UUID}</td></tr>
 *   <tr><td>collections.Counter, collections.defaultdict</td><td>{@link java.util.LinkedHashMap} (the default
 *       factory is dropped)</td></tr>
 *   <tr><td>collections.deque</td><td>{@link java.util.ArrayList} (maxlen is dropped)</td></tr>
 *   <tr><td>other globals on the inspector's allowlist (fractions.Fraction, builtins.range, builtins.slice,
 *       ...)</td><td>{@link PyObject}</td></tr>
 *   <tr><td>a class allowed with {@link Builder#allowGlobal(String, PickleConstructor)}</td>
 *       <td>whatever its constructor returns</td></tr>
 *   <tr><td>a class allowed with {@link Builder#allowGlobal(String)}</td><td>{@link PyObject}</td></tr>
 * </table>
 *
 * <p>Arguments of the built-in classes are read as the producing Python meant them whatever the str policy, so
 * a Python 2 datetime (whose state is a binary str) or Decimal decodes the same under every policy.
 * Other tzinfo classes (pytz, zoneinfo), persistent ids, out-of-band buffers and the copyreg extension registry
 * are not supported and fail with {@link PickleException}.
 *
 * <p>Immutable and thread-safe; every call decodes with fresh state.
 */
public final class PickleDecoder {
  private static final PickleDecoder DEFAULTS = builder().build();

  private final Py2Str py2Str;
  private final Limits limits;
  private final Map<String, PickleConstructor> constructors; // null value: decode to PyObject
  private final PickleInspector inspector;

  private PickleDecoder(Builder b) {
    this.py2Str = b.py2Str;
    this.limits = b.limits;
    this.constructors = Collections.unmodifiableMap(new LinkedHashMap<>(b.constructors));
    PickleInspector.Builder ib = PickleInspector.builder().limits(limits);
    for (String name : constructors.keySet()) {
      ib.allowGlobal(name);
    }
    this.inspector = ib.build();
  }

  /**
   * A decoder with the defaults: str policy {@link Py2Str#BYTES}, {@link Limits#defaults()}, built-in classes
   * only.
   *
   * @return the shared default decoder
   */
  public static PickleDecoder defaults() {
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
   * A builder starting from this decoder's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.py2Str = py2Str;
    b.limits = limits;
    b.constructors.putAll(constructors);
    return b;
  }

  /**
   * How Python 2 str values are decoded.
   *
   * @return the policy
   */
  public Py2Str py2Str() {
    return py2Str;
  }

  /**
   * The limits passed to the inspector.
   *
   * @return the limits
   */
  public Limits limits() {
    return limits;
  }

  /**
   * The inspector every payload goes through first: this decoder's limits, and its extra globals allowed.
   *
   * @return the inspector
   */
  public PickleInspector inspector() {
    return inspector;
  }

  /**
   * Inspects and decodes a pickle.
   *
   * @param pickle the payload
   * @return the value (null for Python None), typed as the class documentation says
   * @throws PickleException if the payload is not valid (the inspection's verdict, code and offset), or cannot be
   *     decoded (verdict malformed, e.g. code {@code py2-str-undecodable}, {@code malformed-utf8},
   *     {@code decode-failed}, with the offset of the opcode)
   * @throws NullPointerException if pickle is null
   */
  public Object decode(byte[] pickle) {
    return decodeDetailed(pickle).value();
  }

  /**
   * Inspects and decodes a pickle, returning the inspection report with the value.
   *
   * @param pickle the payload
   * @return the value and the report
   * @throws PickleException as {@link #decode}
   * @throws NullPointerException if pickle is null
   */
  public Decoded decodeDetailed(byte[] pickle) {
    Checks.requireNonNull(pickle, "pickle");
    PickleReport report = inspector.inspect(pickle).requireValid();
    return new Decoded(unpickle(pickle), report);
  }

  /** Decodes input the inspector found valid (tests call it directly to isolate the decoder). */
  Object unpickle(byte[] pickle) {
    DecoderPass run = new DecoderPass(pickle, py2Str, limits, this::callee);
    try {
      return run.run();
    } catch (PickleException e) {
      throw e;
    } catch (Exception | StackOverflowError e) {
      // the inspector should make this unreachable; never let anything else out
      throw new PickleException(Verdict.MALFORMED, "decode-failed", Finding.NO_OFFSET,
          "decoding failed after a valid inspection: " + e, e);
    }
  }

  /** The decoder's view of the globals, for a test oracle run over the same registry. */
  java.util.function.BiFunction<String, String, Callee> globals() {
    return this::callee;
  }

  /** This decoder's callee for a global, by its Python 3 name or as written; null when not allowed. */
  private Callee callee(String resolvedName, String rawName) {
    for (String name : new String[] {resolvedName, rawName}) {
      if (constructors.containsKey(name)) {
        PickleConstructor c = constructors.get(name);
        return c == null ? Callee.pyObject(resolvedName) : Callee.of(c);
      }
    }
    Callee builtin = BuiltinCallees.ALL.get(resolvedName);
    if (builtin == null && GlobalPolicy.ALLOWED.contains(resolvedName)) {
      return Callee.pyObject(resolvedName);
    }
    return builtin;
  }

  /**
   * A decoded value with the report of its inspection.
   *
   * @param value the value, null for Python None
   * @param report the inspection report (verdict valid)
   */
  public record Decoded(Object value, PickleReport report) {
    /**
     * Checks the report.
     *
     * @throws NullPointerException if report is null
     */
    public Decoded {
      Checks.requireNonNull(report, "report");
    }
  }

  /** Builds a {@link PickleDecoder}. Not thread-safe. */
  public static final class Builder {
    private Py2Str py2Str = Py2Str.BYTES;
    private Limits limits = Limits.defaults();
    private final Map<String, PickleConstructor> constructors = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets how Python 2 str values decode. Default {@link Py2Str#BYTES}: lossless, and never fails.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder py2Str(Py2Str policy) {
      this.py2Str = Checks.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the limits the inspector enforces.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder limits(Limits limits) {
      this.limits = Checks.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Allows one more class, built by a Java constructor. The inspector is told to allow it too (a
     * denylisted global stays unsafe). The name matches a global as written in the pickle or as Python 3 reads
     * it (protocols 0-2 map Python 2 names, e.g. {@code __builtin__.set} to {@code builtins.set}); it overrides
     * a built-in class of the same name.
     *
     * @param qualifiedName {@code module.name}
     * @param constructor builds its instances
     * @return this builder
     * @throws IllegalArgumentException if the name has no dot
     */
    public Builder allowGlobal(String qualifiedName, PickleConstructor constructor) {
      Checks.requireNonNull(constructor, "constructor");
      constructors.put(checkedName(qualifiedName), constructor);
      return this;
    }

    /**
     * Allows one more class without a Java constructor: its instances decode to {@link PyObject}.
     *
     * @param qualifiedName {@code module.name}
     * @return this builder
     * @throws IllegalArgumentException if the name has no dot
     */
    public Builder allowGlobal(String qualifiedName) {
      constructors.put(checkedName(qualifiedName), null);
      return this;
    }

    private static String checkedName(String qualifiedName) {
      Checks.requireNonNull(qualifiedName, "qualifiedName");
      Checks.requireArgument(qualifiedName.indexOf('.') > 0 && !qualifiedName.endsWith("."),
          "global must be module.name: '%s'", qualifiedName);
      return qualifiedName;
    }

    /**
     * Builds the decoder.
     *
     * @return the decoder
     */
    public PickleDecoder build() {
      return new PickleDecoder(this);
    }
  }
}

package dev.cachecompat.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachecompat.core.Checks;
import dev.cachecompat.core.Limits;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes values as canonical JSON bytes: byte for byte what Python's {@code json.dumps(v, sort_keys=True)}
 * writes ({@link JsonStyle#PYTHON}), or the JSON Canonicalization Scheme of RFC 8785
 * ({@link JsonStyle#RFC8785}).
 *
 * <p>Start with {@link #python()} or {@link #rfc8785()}; adjust with {@link #toBuilder()}. Values may be
 * Jackson {@link JsonNode} trees, {@link java.util.Map}s, {@link java.util.Collection}s, arrays, strings,
 * numbers ({@code Integer}, {@code Long}, {@code BigInteger} exact; {@code Float}, {@code Double},
 * {@code BigDecimal} as doubles, as Python reads them), booleans and null; anything else goes through the
 * configured {@link ObjectMapper}'s {@code valueToTree}, so Jackson annotations and modules apply.
 * {@link #canonicalize(byte[])} reads JSON as Python's {@code json.loads} does and writes it canonically;
 * {@link #check(byte[])} says where input differs from its canonical form.
 *
 * <p>Immutable and thread-safe. Every method throws {@link JsonCanonicalException} (never a
 * {@code StackOverflowError}, {@code NumberFormatException} or Jackson exception) for bad input or a value
 * with no JSON form, and {@link NullPointerException} for a null argument where a value is required.
 */
public final class CanonicalJson {
  private static final CanonicalJson PYTHON = builder().build();
  private static final CanonicalJson RFC8785 = builder().style(JsonStyle.RFC8785).build();

  private final JsonStyle style;
  private final boolean compact;
  private final boolean ensureAscii;
  private final boolean allowNonFinite;
  private final boolean refuseDuplicateKeys;
  private final Limits limits;
  /** The builder's mapper; null for the default one, made only when first needed ({@link #mapper()}). */
  private final ObjectMapper mapper;
  private final JsonReader parser;

  private CanonicalJson(Builder b) {
    this.style = b.style;
    boolean rfc = style == JsonStyle.RFC8785;
    this.compact = rfc || (b.compact != null && b.compact);
    this.ensureAscii = !rfc && (b.ensureAscii == null || b.ensureAscii);
    this.allowNonFinite = !rfc && (b.allowNonFinite == null || b.allowNonFinite);
    this.refuseDuplicateKeys = rfc || (b.refuseDuplicateKeys != null && b.refuseDuplicateKeys);
    this.limits = b.limits;
    this.mapper = b.mapper;
    this.parser = new JsonReader(this);
  }

  /**
   * Python's {@code json.dumps(v, sort_keys=True)}: {@code ", "} and {@code ": "} separators,
   * {@code ensure_ascii=True}, NaN and infinities allowed, last duplicate key wins, default {@link Limits}.
   *
   * @return the shared instance
   */
  public static CanonicalJson python() {
    return PYTHON;
  }

  /**
   * RFC 8785 (JCS) with default {@link Limits}.
   *
   * @return the shared instance
   */
  public static CanonicalJson rfc8785() {
    return RFC8785;
  }

  /**
   * A builder starting from {@link #python()}'s settings.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.style = style;
    if (style == JsonStyle.PYTHON) {
      b.compact = compact;
      b.ensureAscii = ensureAscii;
      b.allowNonFinite = allowNonFinite;
      b.refuseDuplicateKeys = refuseDuplicateKeys;
    }
    b.limits = limits;
    b.mapper = mapper;
    return b;
  }

  /**
   * The style written.
   *
   * @return the style
   */
  public JsonStyle style() {
    return style;
  }

  /**
   * Whether separators are {@code ","} and {@code ":"} (always for RFC 8785) rather than {@code ", "} and
   * {@code ": "}.
   *
   * @return true if compact
   */
  public boolean compact() {
    return compact;
  }

  /**
   * Whether every character outside U+0020–U+007E is written as a {@code \}{@code uXXXX} escape (Python's
   * default); false writes them as raw UTF-8 (always for RFC 8785).
   *
   * @return true if output is pure ASCII
   */
  public boolean ensureAscii() {
    return ensureAscii;
  }

  /**
   * Whether NaN, Infinity and -Infinity are read and written bare, as Python does by default
   * ({@code allow_nan=True}); never for RFC 8785.
   *
   * @return true if non-finite numbers are allowed
   */
  public boolean allowNonFinite() {
    return allowNonFinite;
  }

  /**
   * Whether a key repeated in one input object is an error ({@code duplicate-key}); otherwise the last one
   * wins, as in Python. Always for RFC 8785.
   *
   * @return true if duplicate keys are refused
   */
  public boolean refuseDuplicateKeys() {
    return refuseDuplicateKeys;
  }

  /**
   * The limits on input: payload bytes, string length, nesting depth (also bounds output nesting) and number
   * digits.
   *
   * @return the limits
   */
  public Limits limits() {
    return limits;
  }

  ObjectMapper mapper() {
    return mapper != null ? mapper : DefaultMapper.INSTANCE;
  }

  /**
   * The mapper of instances built without one, made on first use: an {@code ObjectMapper}'s setup costs a
   * command-line run tens of milliseconds, and most uses (JSON trees, maps, strings, numbers) never need it.
   */
  private static final class DefaultMapper {
    static final ObjectMapper INSTANCE = new ObjectMapper();
  }

  /**
   * A Jackson {@link ObjectMapper} for code that already writes through one: its {@code writeValueAsBytes},
   * {@code writeValueAsString} and {@code writeValue} produce exactly what {@link #writeBytes(Object)} of this
   * style produces, with POJOs bound by the returned mapper's own configuration (register modules on it as on
   * any mapper). Its readers and {@code writer()}/{@code writerFor()} are Jackson's, not canonical.
   *
   * @return a new mapper; as thread-safe as any ObjectMapper once configured
   */
  public ObjectMapper objectMapper() {
    return new CanonicalObjectMapper(this);
  }

  /**
   * Writes {@code value} canonically.
   *
   * @param value the value, or null for JSON {@code null}
   * @return the UTF-8 bytes
   * @throws JsonCanonicalException if the value has no JSON form in this style (a NaN under RFC 8785, a lone
   *     surrogate with raw UTF-8, unsortable or non-string keys, nesting beyond {@link Limits#maxDepth()})
   */
  public byte[] writeBytes(Object value) {
    return writeSink(value, 256).toBytes();
  }

  /**
   * Writes {@code value} canonically as text: the string Python's {@code json.dumps} returns.
   *
   * @param value the value, or null for JSON {@code null}
   * @return the text
   * @throws JsonCanonicalException as {@link #writeBytes(Object)}
   */
  public String writeString(Object value) {
    return writeSink(value, 256).asString();
  }

  /**
   * Writes {@code value} canonically to {@code out}, which is neither flushed nor closed.
   *
   * @param value the value, or null for JSON {@code null}
   * @param out where the UTF-8 bytes go
   * @throws JsonCanonicalException as {@link #writeBytes(Object)}; nothing is written then
   * @throws IOException if {@code out} fails
   */
  public void write(Object value, OutputStream out) throws IOException {
    Checks.requireNonNull(out, "out");
    ByteSink sink = writeSink(value, 256);
    out.write(sink.buf, 0, sink.len);
  }

  /**
   * A writer of single tokens in this style, for code that walks its own object graph and must write what
   * {@link #writeBytes(Object)} writes for the equivalent tree.
   *
   * @return a new writer; not thread-safe
   */
  public JsonTokenWriter tokenWriter() {
    return new JsonTokenWriter(this);
  }

  private ByteSink writeSink(Object value, int capacity) {
    ByteSink sink = newSink(capacity);
    new CanonicalWriter(this, sink).write(value);
    return sink;
  }

  ByteSink newSink(int capacity) {
    // Canonical text of a within-limit input is at most 6 times longer (\\uXXXX); the cap stops shared or
    // repeated Java values from expanding without bound.
    return new ByteSink(capacity, limits.maxPayloadBytes() * 8 + 4096);
  }

  /**
   * Reads JSON as Python's {@code json.loads} reads it (RFC 8785: every number as a double) into a Jackson
   * tree: integers as {@code IntNode}/{@code LongNode}/{@code BigIntegerNode}, other numbers as
   * {@code DoubleNode} (including NaN and infinities), the last of duplicate keys.
   *
   * @param json UTF-8 JSON
   * @return the tree
   * @throws JsonCanonicalException for input that is not JSON, not UTF-8, over a limit, or refused by an
   *     option; the offset is where in {@code json} the problem is
   */
  public JsonNode parse(byte[] json) {
    Checks.requireNonNull(json, "json");
    return parser.parse(json, 0, json.length);
  }

  /**
   * Reads JSON and writes it canonically; {@code canonicalize(canonicalize(x))} equals {@code canonicalize(x)}.
   *
   * @param json UTF-8 JSON
   * @return the canonical bytes
   * @throws JsonCanonicalException as {@link #parse(byte[])}
   */
  public byte[] canonicalize(byte[] json) {
    Checks.requireNonNull(json, "json");
    return canonicalize(json, 0, json.length);
  }

  /**
   * Reads the JSON in {@code json[offset, offset + length)} (one line of a JSON Lines file, say) and writes it
   * canonically. Canonical output never contains a raw newline, so it can be written back as one line.
   *
   * @param json a buffer holding UTF-8 JSON
   * @param offset where the JSON starts
   * @param length how many bytes it has
   * @return the canonical bytes
   * @throws JsonCanonicalException as {@link #parse(byte[])}, with offsets counted from the start of
   *     {@code json}, not from {@code offset}
   * @throws IllegalArgumentException if the range is outside {@code json}
   */
  public byte[] canonicalize(byte[] json, int offset, int length) {
    Checks.requireNonNull(json, "json");
    Checks.requireArgument(offset >= 0 && length >= 0 && offset <= json.length - length,
        "range [%s, %s + %s) is outside the %s-byte buffer", offset, offset, length, json.length);
    Object tree = parser.parseForWriting(json, offset, length);
    return writeSink(tree, Math.max(64, length + length / 8)).toBytes();
  }

  /**
   * Says whether {@code json} already is canonical, and where not: findings with codes
   * {@code keys-not-sorted}, {@code duplicate-key}, {@code whitespace}, {@code non-canonical-number},
   * {@code non-canonical-escape} (and {@code not-canonical} for anything else), each with the byte offset.
   *
   * @param json UTF-8 JSON
   * @return the result; {@code canonical()} is true exactly when {@code canonicalize(json)} equals
   *     {@code json}
   * @throws JsonCanonicalException for input {@link #canonicalize(byte[])} refuses
   */
  public CheckResult check(byte[] json) {
    Checks.requireNonNull(json, "json");
    byte[] canonical = canonicalize(json);
    return new Checker(this).check(json, canonical);
  }

  @Override
  public String toString() {
    return "CanonicalJson{style=" + style + ", compact=" + compact + ", ensureAscii=" + ensureAscii
        + ", allowNonFinite=" + allowNonFinite + ", refuseDuplicateKeys=" + refuseDuplicateKeys
        + ", limits=" + limits + "}";
  }

  /**
   * Builds {@link CanonicalJson}. Options left unset take the style's default; setting one the style fixes
   * (RFC 8785 is always compact, raw UTF-8, finite-only and refuses duplicate keys) to the other value makes
   * {@link #build()} throw. Not thread-safe.
   */
  public static final class Builder {
    private JsonStyle style = JsonStyle.PYTHON;
    private Boolean compact;
    private Boolean ensureAscii;
    private Boolean allowNonFinite;
    private Boolean refuseDuplicateKeys;
    private Limits limits = Limits.defaults();
    private ObjectMapper mapper;

    private Builder() {}

    /**
     * Sets the style.
     *
     * @param style PYTHON or RFC8785
     * @return this builder
     */
    public Builder style(JsonStyle style) {
      this.style = Checks.requireNonNull(style, "style");
      return this;
    }

    /**
     * Python's {@code separators=(",", ":")} instead of the default {@code (", ", ": ")}.
     *
     * @param compact true for compact separators
     * @return this builder
     */
    public Builder compact(boolean compact) {
      this.compact = compact;
      return this;
    }

    /**
     * Python's {@code ensure_ascii}: true (the default) escapes every character outside U+0020–U+007E as
     * lowercase {@code \}{@code uXXXX} (non-BMP as a surrogate pair); false writes them raw as UTF-8 and escapes
     * only {@code "}, {@code \} and controls below U+0020. A lone surrogate cannot be written raw: it is a
     * {@code lone-surrogate} error, as {@code json.dumps(..., ensure_ascii=False).encode("utf-8")} fails.
     *
     * @param ensureAscii whether output is pure ASCII
     * @return this builder
     */
    public Builder ensureAscii(boolean ensureAscii) {
      this.ensureAscii = ensureAscii;
      return this;
    }

    /**
     * Python's {@code allow_nan}: true (the default) reads and writes NaN, Infinity and -Infinity bare; false
     * makes them (and numbers too large for a double, such as {@code 1e400}) {@code non-finite-number} errors.
     *
     * @param allow whether non-finite numbers are allowed
     * @return this builder
     */
    public Builder allowNonFinite(boolean allow) {
      this.allowNonFinite = allow;
      return this;
    }

    /**
     * Whether a key repeated within one input object is a {@code duplicate-key} error; false (the default
     * for Python style) keeps the last, as {@code json.loads} does.
     *
     * @param refuse whether to refuse duplicates
     * @return this builder
     */
    public Builder refuseDuplicateKeys(boolean refuse) {
      this.refuseDuplicateKeys = refuse;
      return this;
    }

    /**
     * Sets the input limits: {@code maxPayloadBytes} (written output is capped at 8 times it),
     * {@code maxStringBytes} (the bytes of a string token, and its characters once unescaped),
     * {@code maxDepth} (also bounds the nesting of written values, which catches cycles) and
     * {@code maxIntDigits} (the longest number token; CPython 3.11+ refuses integers of more than 4,300 digits).
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder limits(Limits limits) {
      this.limits = Checks.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * The Jackson mapper that turns values other than maps, collections, arrays, strings, numbers, booleans and
     * trees (POJOs, records, enums, dates) into trees with {@code valueToTree}, so your modules, annotations
     * and configuration apply. Maps nested in such a value are keyed by whatever strings the mapper's key
     * serializers write, then sorted as strings.
     *
     * @param mapper the mapper; it is used, not copied, and must not be reconfigured while in use
     * @return this builder
     */
    public Builder objectMapper(ObjectMapper mapper) {
      this.mapper = Checks.requireNonNull(mapper, "mapper");
      return this;
    }

    /**
     * Builds the writer.
     *
     * @return the immutable writer
     * @throws IllegalArgumentException if an option contradicts RFC 8785
     */
    public CanonicalJson build() {
      if (style == JsonStyle.RFC8785) {
        Checks.requireArgument(compact == null || compact, "RFC 8785 output is always compact");
        Checks.requireArgument(ensureAscii == null || !ensureAscii, "RFC 8785 output is always raw UTF-8");
        Checks.requireArgument(allowNonFinite == null || !allowNonFinite,
            "RFC 8785 does not allow NaN or infinities");
        Checks.requireArgument(refuseDuplicateKeys == null || refuseDuplicateKeys,
            "RFC 8785 always refuses duplicate keys");
      }
      return new CanonicalJson(this);
    }
  }
}

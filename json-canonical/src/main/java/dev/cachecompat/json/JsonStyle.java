package dev.cachecompat.json;

/** Which canonical form {@link CanonicalJson} writes. */
public enum JsonStyle {
  /**
   * Exactly the bytes of Python's {@code json.dumps(value, sort_keys=True)} (2.7 and every 3.x agree), encoded
   * as UTF-8: keys in code-point order, floats in {@code repr} form, integers exact, {@code ", "} and
   * {@code ": "} separators (or compact), {@code ensure_ascii} escaping (or raw UTF-8).
   */
  PYTHON,
  /**
   * The JSON Canonicalization Scheme of RFC 8785: keys in UTF-16 code-unit order, numbers as IEEE doubles in
   * ECMAScript form, no whitespace, raw UTF-8; NaN, infinities, lone surrogates and duplicate keys are errors.
   */
  RFC8785
}

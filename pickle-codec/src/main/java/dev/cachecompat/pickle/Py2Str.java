package dev.cachecompat.pickle;

/**
 * How a Python 2 {@code str} (opcodes STRING, BINSTRING, SHORT_BINSTRING) is decoded. Python 2 {@code str} is a
 * byte string; Python 3 decodes it with {@code encoding='ASCII'} by default.
 */
public enum Py2Str {
  /** As {@code byte[]}, exactly the bytes Python 2 held (CPython 3's {@code encoding='bytes'}). */
  BYTES,
  /** As a String, each byte one character (never fails). */
  LATIN1,
  /** As a String decoded as strict UTF-8; malformed UTF-8 is an error. */
  UTF8,
  /** As a String decoded as strict ASCII, CPython 3's default; any byte over 0x7F is an error. */
  ASCII
}

package dev.cachecompat.verifier;

import dev.cachecompat.core.CacheCompatException;
import dev.cachecompat.core.Finding;

/**
 * A scan source that cannot be parsed, opened or read to the end. Codes: {@code bad-source} (the source argument
 * is malformed: a usage error), {@code bad-cursor} (a resume cursor that does not fit the source),
 * {@code connection-failed} (cannot connect), {@code connection-lost} (the server went away mid-scan; the
 * message says how far the scan got), {@code server-error} (the server answered with an error),
 * {@code truncated}, {@code malformed} and {@code over-limit} (a dump file; {@link #offset()} is the byte offset,
 * where known), {@code io-error}.
 */
final class SourceException extends CacheCompatException {
  private static final long serialVersionUID = 1L;

  SourceException(String code, String message) {
    super(code, Finding.NO_OFFSET, message, null);
  }

  SourceException(String code, long offset, String message) {
    super(code, offset, message, null);
  }

  SourceException(String code, long offset, String message, Throwable cause) {
    super(code, offset, message, cause);
  }

  static SourceException badSource(String source, String problem) {
    return new SourceException("bad-source", "bad source " + source + ": " + problem);
  }
}

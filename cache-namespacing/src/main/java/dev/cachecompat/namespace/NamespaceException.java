package dev.cachecompat.namespace;

import dev.cachecompat.core.CacheCompatException;
import dev.cachecompat.core.Finding;

/**
 * The one exception type that leaves a cache-namespacing public method for bad input or a failed cache operation.
 *
 * <p>The {@link #code()} says what went wrong, among others:
 * <ul>
 *   <li>{@code key-too-long}, {@code key-invalid-character}, {@code key-unpaired-surrogate}: a memcached key that
 *       the server would refuse (see {@link MemcachedKeyPolicy});
 *   <li>{@code server-unavailable}: the server could not be reached or did not answer in time;
 *   <li>{@code server-error}: the server answered with an error;
 *   <li>{@code write-failed}, {@code dual-write-failed}: a write was refused; for dual writes the other copies
 *       were deleted;
 *   <li>{@code unencodable-value}: a Java value the namespace's format cannot carry;
 *   <li>a payload code ({@code unsafe-payload}, {@code unreadable-by-readers}, {@code unknown-flags},
 *       {@code bad-integer}, {@code bad-text}, {@code bad-compression}, {@code bad-json}, ...) in strict mode only:
 *       otherwise a rejected payload is a cache miss reported to the {@link PayloadListener}.
 * </ul>
 */
public final class NamespaceException extends CacheCompatException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param code the machine-readable code
   * @param message what went wrong, naming the key, namespace and server where known
   */
  public NamespaceException(String code, String message) {
    super(code, Finding.NO_OFFSET, message, null);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param code the machine-readable code
   * @param message what went wrong
   * @param cause the underlying failure, or null
   */
  public NamespaceException(String code, String message, Throwable cause) {
    super(code, Finding.NO_OFFSET, message, cause);
  }

  /**
   * Creates an exception with an offset into a payload.
   *
   * @param code the machine-readable code
   * @param offset the byte offset of the problem, or {@link Finding#NO_OFFSET}
   * @param message what went wrong
   * @param cause the underlying failure, or null
   */
  public NamespaceException(String code, long offset, String message, Throwable cause) {
    super(code, offset, message, cause);
  }
}

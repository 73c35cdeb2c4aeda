package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;

/**
 * A payload that was read from the cache and not served: unsafe, malformed, over a limit, or not loadable by the
 * namespace's readers. In the default (lenient) mode it is a cache miss and this record goes to the
 * {@link PayloadListener}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param namespace the name of the namespace the payload was read from
 * @param rawKey the raw key it was read under
 * @param code a machine-readable code, e.g. {@code unsafe-payload}, {@code unreadable-by-readers},
 *     {@code unknown-flags}
 * @param message what was wrong and where, e.g. {@code pickle at key 'shop:2:cart' needs Python 3.8 but
 *     namespace shop:2 is read by Python 2.7}
 */
public record RejectedPayload(String namespace, String rawKey, String code, String message) {
  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public RejectedPayload {
    Checks.requireNonNull(namespace, "namespace");
    Checks.requireNonNull(rawKey, "rawKey");
    Checks.requireNonNull(code, "code");
    Checks.requireNonNull(message, "message");
  }
}

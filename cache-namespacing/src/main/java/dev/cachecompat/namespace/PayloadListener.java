package dev.cachecompat.namespace;

/**
 * Told about every payload that was read and not served (the metrics and logging hook). Called on the thread that
 * read the payload, in the caller's hot path: implementations must be fast, thread-safe and must not throw (an
 * exception they throw is swallowed).
 */
@FunctionalInterface
public interface PayloadListener {
  /** A listener that does nothing. */
  PayloadListener NONE = rejected -> { };

  /**
   * Records one rejected payload.
   *
   * @param rejected what was rejected, where and why
   */
  void rejected(RejectedPayload rejected);
}

package dev.cachecompat.namespace;

import java.util.function.Supplier;

/** Turns a payload rejection into a miss plus a listener call, or into an exception in strict mode. */
final class Decoding {
  private Decoding() {}

  static Object decode(ValueOptions options, Namespace reader, Namespace source, String rawKey,
      Supplier<Object> decoder) {
    try {
      return decoder.get();
    } catch (NamespaceException e) {
      String where = rawKey.isEmpty() ? "" : " at key '" + rawKey + "'";
      String readerNote = reader.equals(source) ? "" : " (read through for namespace " + reader.name() + ")";
      String message = "payload" + where + " in namespace " + source.name() + readerNote + " rejected: "
          + e.getMessage();
      RejectedPayload r = new RejectedPayload(source.name(), rawKey, e.code(), message);
      try {
        options.listener().rejected(r);
      } catch (RuntimeException ignored) {
        // a listener must not break the caller's read
      }
      if (options.strict()) {
        throw new NamespaceException(e.code(), e.offset(), message, e);
      }
      return null;
    }
  }
}

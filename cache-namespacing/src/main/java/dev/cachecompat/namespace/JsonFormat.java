package dev.cachecompat.namespace;

/** Canonical JSON through json-canonical. Wired once CanonicalJson lands in main. */
final class JsonFormat implements ObjectFormat {
  JsonFormat(ValueOptions options) {}

  @Override
  public byte[] encode(Namespace ns, Object value) {
    throw new NamespaceException("format-unavailable", "canonical JSON is not available yet");
  }

  @Override
  public Object decode(Namespace source, byte[] payload) {
    throw new NamespaceException("format-unavailable", "canonical JSON is not available yet");
  }
}

package dev.cachecompat.namespace;

/** Pickles through pickle-codec. Wired once the decoder and encoder land in main. */
final class PickleFormat implements ObjectFormat {
  PickleFormat(ValueOptions options) {}

  @Override
  public byte[] encode(Namespace ns, Object value) {
    throw new NamespaceException("format-unavailable", "the pickle encoder is not available yet: cannot write a "
        + value.getClass().getName() + " to namespace " + ns.name());
  }

  @Override
  public Object decode(Namespace source, byte[] payload) {
    throw new NamespaceException("format-unavailable", "the pickle decoder is not available yet");
  }
}

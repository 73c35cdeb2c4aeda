package dev.cachecompat.namespace;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Verdict;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleEncoder;
import dev.cachecompat.pickle.PickleException;
import dev.cachecompat.pickle.PickleReport;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pickles through pickle-codec: written by {@link PickleEncoder#forReaders} for the namespace's oldest reader,
 * read by {@link PickleDecoder} (which inspects first: allowlist and limits) and then checked against the readers
 * of the namespace the payload came from. A {@code byte[]} value takes {@link BytesPickle}'s hot path, which
 * gives the same bytes both ways.
 */
final class PickleFormat implements ObjectFormat {
  private final PickleDecoder decoder;
  private final Map<PythonVersion, PickleEncoder> encoders = new ConcurrentHashMap<>();
  private final ValueOptions options;

  PickleFormat(ValueOptions options) {
    this.options = options;
    PickleDecoder.Builder b = PickleDecoder.builder().limits(options.limits());
    for (String g : options.allowedGlobals()) {
      b.allowGlobal(g);
    }
    this.decoder = b.build();
  }

  @Override
  public byte[] encode(Namespace ns, Object value) {
    if (value instanceof byte[]) {
      byte[] fast = BytesPickle.encode((byte[]) value, ns.pickleProtocol(), options.limits());
      if (fast != null) {
        return fast;
      }
    }
    PickleEncoder encoder = encoders.computeIfAbsent(ns.readers(),
        v -> PickleEncoder.forReaders(v).toBuilder().limits(options.limits()).build());
    try {
      return encoder.encode(value);
    } catch (PickleException e) {
      throw new NamespaceException("unencodable-value", "cannot pickle a " + typeName(value) + " for namespace "
          + ns.name() + " (protocol " + ns.pickleProtocol() + "): " + e.getMessage(), e);
    }
  }

  @Override
  public Object decode(Namespace source, byte[] payload) {
    byte[] bytesValue = BytesPickle.decode(payload, source.readers(), options.limits());
    if (bytesValue != null) {
      return bytesValue;
    }
    PickleDecoder.Decoded d;
    try {
      d = decoder.decodeDetailed(payload);
    } catch (PickleException e) {
      throw new NamespaceException(code(e.verdict()), e.offset(), e.verdict().label() + " pickle ("
          + e.code() + "): " + e.getMessage(), e);
    }
    PickleReport r = d.report();
    if (!source.readers().atLeast(r.minPython())) {
      throw new NamespaceException("unreadable-by-readers", "pickle protocol " + r.protocol() + " needs Python "
          + r.minPython() + " but namespace " + source.name() + " is read by Python " + source.readers());
    }
    return d.value();
  }

  static String code(Verdict v) {
    switch (v) {
      case UNSAFE:
        return "unsafe-payload";
      case OVER_LIMIT:
        return "over-limit";
      default:
        return "malformed-payload";
    }
  }

  private static String typeName(Object value) {
    return value == null ? "null" : value.getClass().getName();
  }
}

package dev.cachecompat.verifier;

import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Verdict;
import dev.cachecompat.namespace.MemcachedFlags;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleException;
import java.math.BigInteger;
import java.util.zip.DataFormatException;

/**
 * The Java value of a raw entry as a Python reader of a pickle namespace would load it: by the memcached flags
 * when there are any, else an all-digits value is an int (as Django's RedisCache stores ints) and anything else
 * a pickle. Every pickle is inspected before it is decoded.
 */
final class EntryValues {
  private EntryValues() {}

  static Object decode(RawEntry e, PickleDecoder decoder) {
    byte[] data = e.value();
    Integer flags = e.flags();
    if (flags != null && (flags & MemcachedFlags.COMPRESSED) != 0) {
      try {
        data = EntryClassifier.inflate(data, decoder.limits().maxPayloadBytes());
      } catch (DataFormatException | IllegalStateException ex) {
        throw new PickleException(Verdict.MALFORMED, "bad-zlib", Finding.NO_OFFSET,
            "flag 8 (zlib) but the value does not inflate within limits: " + ex.getMessage());
      }
    }
    int kind = flags == null ? -1 : flags & ~MemcachedFlags.COMPRESSED;
    if (kind == MemcachedFlags.TEXT) {
      String s = EntryClassifier.utf8(data);
      if (s == null) {
        throw new PickleException(Verdict.MALFORMED, "bad-utf8", Finding.NO_OFFSET, "flag 16 but not UTF-8");
      }
      return s;
    }
    if (kind == 0) {
      return data;
    }
    if (kind == MemcachedFlags.INTEGER || kind == MemcachedFlags.LONG
        || (kind == -1 && EntryClassifier.isInteger(data))) {
      String s = new String(data, java.nio.charset.StandardCharsets.US_ASCII).trim();
      if (!EntryClassifier.isInteger(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
        throw new PickleException(Verdict.MALFORMED, "bad-int", Finding.NO_OFFSET, "not decimal digits: " + s);
      }
      BigInteger n = new BigInteger(s);
      return n.bitLength() < 64 ? (Object) n.longValue() : n;
    }
    return decoder.decode(data);
  }
}

package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Raw Redis keys of a namespace: strict UTF-8, hash-tag-safe prefixes, glob-escaped SCAN patterns. */
final class RedisKeys {
  private RedisKeys() {}

  /** Refuses a prefix that would change the cluster slot of keys with a hash tag. */
  static void checkPrefix(Namespace ns) {
    String prefix = ns.scheme().rawPrefix();
    Checks.requireArgument(prefix.indexOf('{') < 0 && prefix.indexOf('}') < 0,
        "namespace %s: raw-key prefix '%s' has a brace, which would change the Redis Cluster hash slot of keys"
            + " with a {hash tag}", ns.name(), prefix);
  }

  /** Strict UTF-8: a key without surrogates takes the JDK's fast path; one with any is checked for pairs. */
  static byte[] utf8(String key) {
    for (int i = 0; i < key.length(); i++) {
      if (Character.isSurrogate(key.charAt(i))) {
        return strictUtf8(key);
      }
    }
    return key.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] strictUtf8(String key) {
    try {
      ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(key));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new NamespaceException("key-unpaired-surrogate", "Redis key has an unpaired surrogate and cannot be"
          + " encoded as UTF-8: '" + key + "'", e);
    }
  }

  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** Escapes Redis glob metacharacters ({@code * ? [ ] \}) so the text matches itself. */
  static String escapeGlob(String text) {
    StringBuilder b = new StringBuilder(text.length() + 4);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  /** The logical key of raw UTF-8 bytes in the namespace, or null. */
  static String logical(Namespace ns, byte[] raw) {
    return ns.scheme().logicalKey(new String(raw, StandardCharsets.UTF_8));
  }
}

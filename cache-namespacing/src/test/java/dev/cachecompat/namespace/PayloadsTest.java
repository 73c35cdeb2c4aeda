package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cachecompat.core.Limits;
import dev.cachecompat.core.PythonVersion;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import net.rubyeye.xmemcached.transcoders.CachedData;
import org.junit.jupiter.api.Test;

class PayloadsTest {
  static final Namespace PY27 = Namespace.django("shop", 2, PythonVersion.PY2_7);
  static final Namespace PY38 = Namespace.django("shop", 3, PythonVersion.PY3_8);
  final Payloads payloads = Payloads.create(ValueOptions.defaults());

  @Test
  void scalarsGetPymemcacheFlags() {
    assertEquals(0, payloads.encodeMemcached(PY38, new byte[] {1}).flags());
    assertEquals(16, payloads.encodeMemcached(PY38, "x").flags());
    assertEquals(2, payloads.encodeMemcached(PY38, 7).flags());
    assertEquals(2, payloads.encodeMemcached(PY38, BigInteger.TEN.pow(30)).flags());
    assertEquals(4, payloads.encodeMemcached(PY27, BigInteger.TEN.pow(30)).flags());
    assertEquals(2, payloads.encodeMemcached(PY27, Long.MAX_VALUE).flags());
    assertArrayEquals("-12".getBytes(StandardCharsets.US_ASCII), payloads.encodeMemcached(PY27, -12L).data());
  }

  @Test
  void memcachedBytesAreCopiedUnlessTheCallerSendsThemAtOnce() {
    byte[] b = {1, 2, 3};
    MemcachedValue copied = payloads.encodeMemcached(PY38, b);
    MemcachedValue shared = payloads.encodeMemcached(PY38, b, false);
    assertNotSame(b, copied.data());
    assertArrayEquals(b, copied.data());
    assertSame(b, shared.data());
    assertEquals(copied.flags(), shared.flags());
  }

  @Test
  void redisIntegersAreDecimalDigitsAsDjangoWritesThem() {
    assertArrayEquals("42".getBytes(StandardCharsets.US_ASCII), payloads.encodeRedis(PY27, 42));
    assertEquals(42L, payloads.decodeRedis(PY27, "42".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(BigInteger.TEN.pow(20), payloads.decodeRedis(PY27,
        "100000000000000000000".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void integerFlagWithNonDigitsIsRejectedWithTheBytes() {
    NamespaceException e = assertThrows(NamespaceException.class,
        () -> payloads.decodeMemcached(PY38, 2, "4 2".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("bad-integer", e.code());
    assertEquals("memcached flags 2 mark an integer but the value is not decimal digits: b'4 2'", e.getMessage());
  }

  @Test
  void integerOverTheDigitLimitIsRejected() {
    Payloads small = Payloads.create(ValueOptions.builder().limits(Limits.builder().maxIntDigits(5).build()).build());
    assertEquals(99999L, small.decodeMemcached(PY38, 2, "99999".getBytes(StandardCharsets.US_ASCII)));
    assertThrows(NamespaceException.class,
        () -> small.decodeMemcached(PY38, 2, "123456".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void textFlagWithMalformedUtf8IsRejected() {
    NamespaceException e = assertThrows(NamespaceException.class,
        () -> payloads.decodeMemcached(PY38, 16, new byte[] {'a', (byte) 0xff}));
    assertEquals("bad-text", e.code());
    assertEquals("memcached flags 16 mark UTF-8 text but the value is not valid UTF-8: b'a\\xff'", e.getMessage());
  }

  @Test
  void compressionRoundTripsAndIsSkippedWhenItDoesNotHelp() {
    Payloads zip = Payloads.create(ValueOptions.builder().compressAbove(10).build());
    MemcachedValue v = zip.encodeMemcached(PY38, "a".repeat(1000));
    assertEquals(16 | 8, v.flags());
    assertEquals("a".repeat(1000), zip.decodeMemcached(PY38, v.flags(), v.data()));
    assertEquals(0, zip.encodeMemcached(PY38, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}).flags());
  }

  @Test
  void truncatedZlibIsRejected() {
    byte[] z = Payloads.deflate("hello world hello world".getBytes(StandardCharsets.US_ASCII));
    byte[] cut = java.util.Arrays.copyOf(z, z.length - 4);
    NamespaceException e = assertThrows(NamespaceException.class,
        () -> payloads.decodeMemcached(PY38, 8, cut));
    assertEquals("bad-compression", e.code());
  }

  @Test
  void transcoderTurnsRejectionIntoMissAndTellsTheListener() {
    Servers.Recorder rec = new Servers.Recorder();
    PythonTranscoder t = PythonTranscoder.forNamespace(PY38, ValueOptions.builder().listener(rec).build());
    assertNull(t.decode(new CachedData(32 << 1, new byte[] {1})));
    assertEquals("unknown-flags", rec.seen.get(0).code());
    CachedData d = t.encode("caf\u00e9");
    assertEquals(16, d.getFlag());
    assertEquals("caf\u00e9", t.decode(d));
    assertThrows(UnsupportedOperationException.class, () -> t.setPrimitiveAsString(true));
  }
}

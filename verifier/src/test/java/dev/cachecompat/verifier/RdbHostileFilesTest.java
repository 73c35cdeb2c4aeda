package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.moilioncircle.redis.replicator.util.ByteArray;
import com.moilioncircle.redis.replicator.util.Lzf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RDB files built byte by byte that redis-replicator alone met with an OutOfMemoryError, an AssertionError or a
 * silently misread value: each now ends the file's scan with a {@link SourceException} that says what and where,
 * nothing declared is allocated first, and a value over the limit is skipped on the stream.
 */
class RdbHostileFilesTest {
  private static final byte[] HEAD = "REDIS0011".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = {(byte) 0xFF, 0, 0, 0, 0, 0, 0, 0, 0}; // EOF opcode, zero checksum

  @TempDir Path dir;

  private Path rdb(String name, byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(HEAD);
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return Files.write(dir.resolve(name), out.toByteArray());
  }

  private static byte[] b(int... v) {
    byte[] r = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = (byte) v[i];
    }
    return r;
  }

  /** An RDB length: 6, 14 or 32 bits. */
  private static byte[] len(int n) {
    if (n < 64) {
      return b(n);
    }
    if (n < 16384) {
      return b(0x40 | n >> 8, n & 0xFF);
    }
    return b(0x80, n >>> 24, n >>> 16 & 0xFF, n >>> 8 & 0xFF, n & 0xFF);
  }

  /** A plain RDB string: its length, then its bytes. */
  private static byte[] str(byte[] s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(len(s.length));
    out.writeBytes(s);
    return out.toByteArray();
  }

  private static byte[] str(String s) {
    return str(s.getBytes(StandardCharsets.UTF_8));
  }

  private List<RawEntry> scan(Path file, SourceOptions options) {
    List<RawEntry> got = new ArrayList<>();
    try (ScanSource s = SourceUri.parse(file.toString()).open(options)) {
      s.forEach(got::add);
    }
    return got;
  }

  private SourceException failure(Path file) {
    List<RawEntry> got = new ArrayList<>();
    try (ScanSource s = SourceUri.parse(file.toString()).open(SourceOptions.defaults())) {
      return assertThrows(SourceException.class, () -> s.forEach(got::add));
    }
  }

  @Test
  void anUnknownValueTypeIsMalformedAtItsOffset() throws IOException {
    Path f = rdb("type.rdb", b(0x20), str("key"), str("val"), END);
    SourceException e = failure(f);
    assertEquals("malformed", e.code());
    assertEquals(9, e.offset());
    assertEquals("cannot read " + f + " (" + Files.size(f) + " bytes) after 0 keys: unknown value type 32 at offset 9",
        e.getMessage());
  }

  @Test
  void aKeyDeclaringTwoGibibytesIsTruncatedWithoutAllocatingThem() throws IOException {
    Path f = rdb("key.rdb", b(0x00, 0x80, 0x7F, 0xFF, 0xFF, 0xFF), "abc".getBytes(StandardCharsets.US_ASCII));
    SourceException e = failure(f);
    assertEquals("truncated", e.code());
    assertEquals(10, e.offset());
    assertTrue(e.getMessage().endsWith("after 0 keys: a key of 2147483647 bytes at offset 10 reaches past the end of"
        + " the file (3 bytes left)"), e.getMessage());
  }

  @Test
  void aSixtyFourBitValueLengthIsNotCutToAnInt() throws IOException {
    // 2^40 bytes: redis-replicator cast it to 0 and delivered an empty value, then misread the rest
    Path f = rdb("len64.rdb", b(0x00), str("key"), b(0x81, 0, 0, 1, 0, 0, 0, 0, 0), b('a', 'b', 'c'));
    SourceException e = failure(f);
    assertEquals("truncated", e.code());
    assertTrue(e.getMessage().endsWith("a value of 1099511627776 bytes at offset 14 reaches past the end of the file"
        + " (3 bytes left)"), e.getMessage());
  }

  @Test
  void aLengthPastAnyFileIsMalformed() throws IOException {
    Path f = rdb("neg.rdb", b(0x00), str("key"), b(0x81, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));
    SourceException e = failure(f);
    assertEquals("malformed", e.code());
    assertTrue(e.getMessage().endsWith("a length of 18446744073709551615 bytes at offset 14 is past any file"),
        e.getMessage());
  }

  @Test
  void anUnknownLengthEncodingIsMalformed() throws IOException {
    Path f = rdb("enc.rdb", b(0x00), str("key"), b(0x82, 1, 2, 3), END);
    SourceException e = failure(f);
    assertEquals("malformed", e.code());
    assertTrue(e.getMessage().endsWith("unknown length encoding 0x82 at offset 14"), e.getMessage());
  }

  @Test
  void lzfDataThatRefersBeforeItsStartIsMalformed() throws IOException {
    // LZF, 3 compressed bytes for 10: a back-reference (control 0x20) with nothing written yet
    Path f = rdb("lzf.rdb", b(0x00), str("key"), b(0xC3, 3, 10, 0x20, 0x05, 'a'), END);
    SourceException e = failure(f);
    assertEquals("malformed", e.code());
    assertTrue(e.getMessage().endsWith("the LZF value at offset 14 declares 10 bytes but holds a back-reference"
        + " outside them"), e.getMessage());
  }

  @Test
  void lzfValuesReadBackAsRedisReplicatorsEncoderWroteThem() throws IOException {
    Random random = new Random(8);
    List<byte[]> values = new ArrayList<>();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < 200; i++) {
      byte[] v = new byte[20 + random.nextInt(i < 100 ? 300 : 70_000)];
      for (int j = 0; j < v.length; j++) {
        v[j] = (byte) (j % (1 + random.nextInt(9)) == 0 ? random.nextInt(256) : 'a' + j % (1 + i % 7));
      }
      byte[] packed = Lzf.encode(new ByteArray(v)).first();
      if (packed.length == 0 || packed.length >= v.length) {
        continue; // what Redis would store uncompressed
      }
      values.add(v);
      body.writeBytes(b(0x00));
      body.writeBytes(str("k" + i));
      body.write(0xC3); // LZF: compressed length, length, compressed bytes
      body.writeBytes(len(packed.length));
      body.writeBytes(len(v.length));
      body.writeBytes(packed);
    }
    assertTrue(values.size() > 150, "compressible values: " + values.size());
    List<RawEntry> got = scan(rdb("lzf-ok.rdb", body.toByteArray(), END), SourceOptions.defaults());
    assertEquals(values.size(), got.size());
    for (int i = 0; i < got.size(); i++) {
      assertArrayEquals(values.get(i), got.get(i).value(), "value " + i);
    }
  }

  @Test
  void integerEncodedStringsReadAsTheirDecimalText() throws IOException {
    Path f = rdb("ints.rdb",
        b(0x00), str("i8"), b(0xC0, 0x85),
        b(0x00), str("i16"), b(0xC1, 0x00, 0x80),
        b(0x00), str("i32"), b(0xC2, 0x00, 0x00, 0x00, 0x80),
        END);
    List<RawEntry> got = scan(f, SourceOptions.defaults());
    assertEquals(List.of("-123", "-32768", "-2147483648"),
        got.stream().map(e -> new String(e.value(), StandardCharsets.US_ASCII)).toList());
  }

  @Test
  void aValueOverTheLimitIsSkippedOnTheStreamAndTheNextKeyIsRead() throws IOException {
    byte[] big = new byte[4096];
    Arrays.fill(big, (byte) 'v');
    Path f = rdb("big.rdb", b(0x00), str("big"), str(big), b(0x00), str("next"), str("ok"), END);
    List<RawEntry> got = scan(f, SourceOptions.defaults().withMaxValueBytes(100));
    assertEquals(2, got.size());
    assertNull(got.get(0).value());
    assertEquals(4096, got.get(0).valueLength());
    assertEquals("ok", new String(got.get(1).value(), StandardCharsets.US_ASCII));
  }

  @Test
  void aKeyOverTheLimitEndsTheScan() throws IOException {
    byte[] key = new byte[200];
    Arrays.fill(key, (byte) 'k');
    Path f = rdb("bigkey.rdb", b(0x00), str(key), str("v"), END);
    SourceException e = assertThrows(SourceException.class,
        () -> scan(f, SourceOptions.defaults().withMaxValueBytes(100)));
    assertEquals("over-limit", e.code());
    assertTrue(e.getMessage().endsWith("a key of 200 bytes at offset 10 is over the limit of 100 bytes"),
        e.getMessage());
  }

  @Test
  void hugeAuxFieldsAndFunctionLibrariesAreSkippedNotAllocated() throws IOException {
    SourceException aux = failure(rdb("aux.rdb", b(0xFA, 0x80, 0x7F, 0xFF, 0xFF, 0xFF, 'x')));
    assertEquals("truncated", aux.code());
    SourceException function = failure(rdb("function.rdb", b(0xF5, 0x80, 0x7F, 0xFF, 0xFF, 0xFF, 'x', 'x')));
    assertEquals("truncated", function.code());
    assertTrue(function.getMessage().endsWith("a function library of 2147483647 bytes at offset 10 reaches past the"
        + " end of the file (2 bytes left)"), function.getMessage());
    List<RawEntry> got = scan(rdb("function-ok.rdb", b(0xF5), str("#!lua name=x\nreturn 1"), b(0x00), str("k"),
        str("v"), END), SourceOptions.defaults());
    assertEquals(1, got.size());
  }

  @Test
  void theCommandReportsABadDumpInOneLineAndScansTheNextSource() throws IOException {
    Path bad = rdb("bad.rdb", b(0x20), str("key"), str("val"), END);
    Path good = rdb("good.rdb", b(0x00), str("k1"), str("hello"), b(0x00), str("k2"), str("world"), END);
    Cli r = Cli.run("scan", "--format=jsonl", "--key-scheme=none", bad.toString(), good.toString());
    assertEquals(Main.ERROR, r.status(), r.err());
    assertEquals("cachecompat: cannot read " + bad + " (" + Files.size(bad) + " bytes) after 0 keys: unknown value"
        + " type 32 at offset 9\n", r.err());
    String[] lines = r.out().split("\n");
    JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]).get("summary");
    assertEquals(2, summary.get("keys").asLong(), summary.toString());
    assertEquals(1, summary.get("failed_sources").size(), summary.toString());
    assertTrue(summary.get("stopped").asText().contains(bad.toString()), summary.toString());
  }
}

package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemcachedDumpSourceTest {
  @TempDir
  Path dir;

  private Path dump(String text) throws IOException {
    return Files.write(dir.resolve("m.mcdump"), text.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void readsRecordsWithFlagsAndTtl() throws IOException {
    long future = System.currentTimeMillis() / 1000 + 1000;
    Path p = dump("add a 1 0 3\r\nx\r\n\r\nadd b 4294967295 " + future + " 0\r\n\r\nadd c 16 60 2\r\nhi\r\n");
    List<RawEntry> got = new ArrayList<>();
    try (ScanSource s = SourceUri.parse(p.toString()).open(SourceOptions.defaults())) {
      s.forEach(got::add);
    }
    assertEquals(3, got.size());
    assertArrayEquals("x\r\n".getBytes(StandardCharsets.US_ASCII), got.get(0).value());
    assertEquals(1, got.get(0).flags());
    assertNull(got.get(0).ttlSeconds());
    assertEquals(-1, got.get(1).flags()); // 2^32-1 as a Java int; unsigned in memcached
    assertTrue(got.get(1).ttlSeconds() >= 998 && got.get(1).ttlSeconds() <= 1000, got.get(1).toString());
    assertEquals(60L, got.get(2).ttlSeconds());
  }

  @Test
  void truncatedRecordFailsWithOffsetAfterDeliveringTheRecordsBefore() throws IOException {
    Path p = dump("add a 0 0 1\r\nx\r\nadd key2 0 0 10\r\nshort");
    List<RawEntry> got = new ArrayList<>();
    try (ScanSource s = SourceUri.parse(p.toString()).open(SourceOptions.defaults())) {
      SourceException e = assertThrows(SourceException.class, () -> s.forEach(got::add));
      assertEquals("truncated", e.code());
      assertEquals(16, e.offset());
      assertEquals(p + " is truncated: record key2 at offset 16 claims 10 bytes + \\r\\n but the file ends after 5",
          e.getMessage());
    }
    assertEquals(1, got.size());
    assertEquals("a", got.get(0).displayKey());
  }

  @Test
  void truncatedHeaderLineFailsWithOffset() throws IOException {
    Path p = dump("add a 0 0 1\r\nx\r\nadd b 0");
    try (ScanSource s = SourceUri.parse(p.toString()).open(SourceOptions.defaults())) {
      SourceException e = assertThrows(SourceException.class, () -> s.forEach(x -> true));
      assertEquals("truncated", e.code());
      assertEquals(p + " is truncated: the line at offset 16 has no end (\"add b 0\")", e.getMessage());
    }
  }

  @Test
  void malformedLineIsNamed() throws IOException {
    Path p = dump("add a 0 0 1\r\nx\r\nset b 0 0 1\r\ny\r\n");
    try (ScanSource s = SourceUri.parse(p.toString()).open(SourceOptions.defaults())) {
      SourceException e = assertThrows(SourceException.class, () -> s.forEach(x -> true));
      assertEquals("malformed", e.code());
      assertEquals(16, e.offset());
      assertEquals(p + ": the line at offset 16 is not \"add KEY FLAGS EXPTIME BYTES\": \"set b 0 0 1\"",
          e.getMessage());
    }
  }

  @Test
  void valuesOverTheLimitAreSkippedOnTheStream() throws IOException {
    Path p = dump("add big 0 0 10\r\n0123456789\r\nadd s 0 0 1\r\nz\r\n");
    List<RawEntry> got = new ArrayList<>();
    try (ScanSource s = SourceUri.parse(p.toString()).open(SourceOptions.defaults().withMaxValueBytes(5))) {
      s.forEach(got::add);
    }
    assertTrue(got.get(0).valueSkipped());
    assertEquals(10, got.get(0).valueLength());
    assertArrayEquals(new byte[] {'z'}, got.get(1).value());
  }
}

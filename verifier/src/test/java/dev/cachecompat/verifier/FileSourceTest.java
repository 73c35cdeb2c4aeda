package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {
  @TempDir
  Path dir;

  @Test
  void eachFileIsOneEntryKeyedByItsNameInNameOrder() throws IOException {
    Files.write(dir.resolve("b.pkl"), new byte[] {(byte) 0x80, 2, 'N', '.'});
    Files.write(dir.resolve("a.json"), "{}".getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve("big"), new byte[100]);
    List<RawEntry> got = new ArrayList<>();
    try (ScanSource s = SourceUri.parse(dir.toString()).open(SourceOptions.defaults().withMaxValueBytes(50))) {
      s.forEach(got::add);
      assertEquals(3, s.count());
      assertNull(s.cursor());
    }
    assertEquals(List.of("a.json", "b.pkl", "big"), got.stream().map(RawEntry::displayKey).toList());
    assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), got.get(0).value());
    assertNull(got.get(0).flags());
    assertNull(got.get(0).redisType());
    assertNull(got.get(2).value());
    assertEquals(100, got.get(2).valueLength());
    assertEquals(true, got.get(2).valueSkipped());
  }

  @Test
  void sampleStopsAfterNEntries() throws IOException {
    for (int i = 0; i < 5; i++) {
      Files.write(dir.resolve("f" + i), new byte[] {(byte) i});
    }
    List<RawEntry> got = new ArrayList<>();
    try (ScanSource s = SourceUri.parse(dir.toString()).open(SourceOptions.defaults().withSample(2))) {
      s.forEach(got::add);
    }
    assertEquals(List.of("f0", "f1"), got.stream().map(RawEntry::displayKey).toList());
  }

  @Test
  void displayKeyEscapesInvalidUtf8() {
    RawEntry e = RawEntry.of(new byte[] {'a', (byte) 0xff, '\\', 0}, null, null, null, null);
    assertEquals("a\\xff\\\\\\x00", e.displayKey());
    byte[] utf8 = "k\u00e9".getBytes(StandardCharsets.UTF_8);
    assertEquals("k\u00e9", RawEntry.of(utf8, null, null, null, null).displayKey());
  }
}

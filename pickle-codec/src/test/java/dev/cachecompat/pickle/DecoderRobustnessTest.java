package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Only PickleException ever leaves the decoder and the view, whatever the bytes. */
class DecoderRobustnessTest {

  @Test
  void everyMalformedCorpusPickleIsRejectedWithPickleException() throws IOException {
    Path dir = GoldenVectorsTest.goldenRoot().resolveSibling("malformed");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".pickle")).sorted().toList();
    }
    assertTrue(files.size() > 100, "corpus has " + files.size() + " files");
    for (Path f : files) {
      byte[] p = Files.readAllBytes(f);
      for (Py2Str policy : Py2Str.values()) {
        assertThrows(PickleException.class, () -> PickleDecoder.builder().py2Str(policy).build().decode(p),
            f.getFileName() + " under " + policy);
      }
    }
  }

  @Test
  void mutatedGoldenPicklesOnlyEverThrowPickleException() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (String python : GoldenVectorsTest.INTERPRETERS) {
      for (GoldenVectorsTest.Vector v : GoldenVectorsTest.vectors(python)) {
        byte[] b = v.bytes();
        if (b.length < 2048) {
          seeds.add(b);
        }
      }
    }
    Random random = new Random(20261122L);
    PickleDecoder[] decoders = new PickleDecoder[Py2Str.values().length];
    for (Py2Str policy : Py2Str.values()) {
      decoders[policy.ordinal()] = PickleDecoder.builder().py2Str(policy).build();
    }
    int decoded = 0;
    int rejected = 0;
    for (int i = 0; i < 40_000; i++) {
      byte[] p = mutate(seeds.get(random.nextInt(seeds.size())), random);
      PickleDecoder decoder = decoders[random.nextInt(decoders.length)];
      try {
        PickleJsonView.toJson(decoder.decode(p));
        decoded++;
      } catch (PickleException e) {
        rejected++;
      } catch (Throwable t) {
        fail("input " + HexFormat.of().formatHex(p) + " under " + decoder.py2Str() + " threw " + t, t);
      }
    }
    // both outcomes must be exercised for the test to mean anything
    assertTrue(decoded > 1_000 && rejected > 1_000, "decoded " + decoded + ", rejected " + rejected);
  }

  private static byte[] mutate(byte[] seed, Random r) {
    byte[] b = seed.clone();
    int edits = 1 + r.nextInt(3);
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(5)) {
        case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
        case 1 -> b[at] = (byte) r.nextInt(256);
        case 2 -> b = java.util.Arrays.copyOf(b, at); // truncate
        case 3 -> { // delete one byte
          byte[] d = new byte[b.length - 1];
          System.arraycopy(b, 0, d, 0, at);
          System.arraycopy(b, at + 1, d, at, b.length - at - 1);
          b = d;
        }
        default -> { // insert one byte
          byte[] d = new byte[b.length + 1];
          System.arraycopy(b, 0, d, 0, at);
          d[at] = (byte) r.nextInt(256);
          System.arraycopy(b, at, d, at + 1, b.length - at);
          b = d;
        }
      }
    }
    return b;
  }
}

package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pipeline's lines, over many chunks whose buffers it reuses, are the lines of the entries one by one. */
class ScanPipelineTest {
  /** Entries of keys and JSON values of random sizes, some large enough to make a chunk's buffer grow. */
  private static List<RawEntry> entries(int n, long seed) {
    Random random = new Random(seed);
    List<RawEntry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int size = random.nextInt(50) == 0 ? 20_000 + random.nextInt(50_000) : random.nextInt(300);
      String value = "\"" + "v".repeat(size) + i + "\"";
      byte[] key = random.nextInt(10) == 0 ? ("app:3:\u00e9\"" + i).getBytes(StandardCharsets.UTF_8)
          : ("app:" + (i % 3) + ":user:" + i).getBytes(StandardCharsets.US_ASCII);
      entries.add(RawEntry.of(key, value.getBytes(StandardCharsets.US_ASCII), null, null, null));
    }
    return entries;
  }

  private static ScanSource source(List<RawEntry> entries) {
    return new AbstractScanSource(SourceOptions.defaults()) {
      @Override
      void scan(EntryConsumer consumer) {
        for (RawEntry e : entries) {
          if (!deliver(consumer, e)) {
            return;
          }
        }
      }

      @Override
      public String describe() {
        return "test entries";
      }
    };
  }

  @Test
  void linesOfManyChunksAreTheLinesOfTheEntriesInTheirOrder() {
    EntryClassifier classifier = new EntryClassifier(new PickleOptions().decoder(),
        new NamespaceResolver(NamespaceResolver.Scheme.DJANGO, List.of(), List.of("app:1=3.8")));
    List<RawEntry> entries = entries(20 * ScanPipeline.CHUNK + 17, 3);
    ScanLine.Bytes expected = new ScanLine.Bytes();
    List<String> expectedKeys = new ArrayList<>();
    for (RawEntry e : entries) {
      EntryClassifier.Result r = classifier.classify(e);
      ScanLine.write(expected, r);
      expectedKeys.add(r.key());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> keys = new ArrayList<>();
    try (ScanPipeline pipeline = new ScanPipeline(classifier, true, 2)) {
      for (int run = 0; run < 2; run++) { // a second run reuses the first one's buffers
        out.reset();
        keys.clear();
        try (ScanSource s = source(entries)) {
          pipeline.run(s, false, (results, lines, linesLength, cursor) -> {
            out.write(lines, 0, linesLength);
            results.forEach(r -> keys.add(r.key()));
          });
        }
        assertEquals(expectedKeys, keys);
        assertEquals(new String(expected.toByteArray(), StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
      }
    }
  }
}

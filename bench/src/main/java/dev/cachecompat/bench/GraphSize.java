package dev.cachecompat.bench;

import dev.cachecompat.pickle.PickleDecoder;
import java.util.Locale;

/**
 * Measures the retained size of the decoded object graph of each pickle set: decodes the set many times,
 * keeps every result, and divides the growth of the used heap (after full GCs) by the number of copies. Run
 * with {@code java -cp benchmarks.jar dev.cachecompat.bench.GraphSize}; prints one JSON line per set,
 * {@code {"set":..., "graph_bytes_per_pass":...}}, for comparison with JMH's {@code gc.alloc.rate.norm}.
 * Strings interned by the JVM or small cached boxes (Long -128..127, Boolean) count as zero, as they should:
 * the decoder does not allocate them either.
 */
public final class GraphSize {
  private GraphSize() {}

  /**
   * Prints the graph size of every pickle set.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    for (String set : Corpus.PICKLE_SETS) {
      System.out.printf(Locale.ROOT, "{\"set\":\"%s\",\"graph_bytes_per_pass\":%d}%n", set, measure(set, set.startsWith("feed") ? 300 : 1000));
    }
  }

  static long measure(String set, int copies) {
    byte[][] entries = Corpus.load(set);
    PickleDecoder decoder = PickleDecoder.defaults();
    for (int i = 0; i < 200; i++) { // load and initialise every class the decoder uses before the baseline
      for (byte[] e : entries) {
        decoder.decode(e);
      }
    }
    Object[][] kept = new Object[copies][];
    long before = usedAfterGc();
    for (int c = 0; c < copies; c++) {
      Object[] pass = new Object[entries.length];
      for (int i = 0; i < entries.length; i++) {
        pass[i] = decoder.decode(entries[i]);
      }
      kept[c] = pass;
    }
    long after = usedAfterGc();
    long perPass = (after - before) / copies;
    if (kept[copies - 1] == null) { // keeps kept reachable until after the measurement
      throw new AssertionError();
    }
    return perPass;
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}

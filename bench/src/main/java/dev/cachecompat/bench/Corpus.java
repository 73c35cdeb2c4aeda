package dev.cachecompat.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark corpus written by {@code scripts/gen-bench-corpus.py} into {@code corpus/} on the class path.
 * A <em>set</em> names a group of entries: {@code profile-p4} is every user profile pickled at protocol 4,
 * {@code feed-json} every feed page as JSON. One benchmark operation is one pass over a set, the same unit
 * {@code scripts/bench-cpython.py} times.
 */
public final class Corpus {
  private Corpus() {}

  /** Pickle sets, in table order. */
  public static final List<String> PICKLE_SETS =
      List.of("profile-p2", "profile-p4", "profile-p5", "feed-p2", "feed-p4", "feed-p5");

  /** JSON sets, in table order. */
  public static final List<String> JSON_SETS = List.of("profile-json", "feed-json");

  /** The file names in the set, sorted: {@code profile-p4} is {@code profile-NN.p4.pickle}. */
  public static List<String> names(String set) {
    int dash = set.indexOf('-');
    if (dash < 0) {
      throw new IllegalArgumentException("set must look like profile-p4 or feed-json: " + set);
    }
    String kind = set.substring(0, dash);
    String format = set.substring(dash + 1);
    String suffix = format.equals("json") ? ".json" : "." + format + ".pickle";
    List<String> names = new ArrayList<>();
    for (String line : new String(resource("index.txt"), StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith(kind + "-") && line.endsWith(suffix)) {
        names.add(line);
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no corpus entries for set " + set);
    }
    return names;
  }

  /** The entries of the set, in name order. */
  public static byte[][] load(String set) {
    List<String> names = names(set);
    byte[][] entries = new byte[names.size()][];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = resource(names.get(i));
    }
    return entries;
  }

  /** The protocol of a pickle set: 4 for {@code feed-p4}. */
  public static int protocol(String set) {
    return Integer.parseInt(set.substring(set.lastIndexOf("-p") + 2));
  }

  /** Total bytes of the entries. */
  public static long bytes(byte[][] entries) {
    long n = 0;
    for (byte[] e : entries) {
      n += e.length;
    }
    return n;
  }

  private static byte[] resource(String name) {
    try (InputStream in = Corpus.class.getResourceAsStream("/corpus/" + name)) {
      if (in == null) {
        throw new IllegalStateException("corpus/" + name + " is not on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.cachecompat.verifier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachecompat.core.Verdict;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of a scan by namespace × format × protocol × verdict, and the keys that need attention. A valid pickle
 * that its namespace's readers cannot load counts under the verdict {@code unreadable}.
 */
final class ScanSummary {
  /** At most this many problem keys are listed (all are counted). */
  static final int MAX_LISTED = 1000;

  private record Cell(String namespace, String readers, String format, String protocol, String verdict) {}

  /** Orders cells by their fields in turn; compared only when a key's fields are not among the recent ones. */
  private static final java.util.Comparator<Cell> ORDER = java.util.Comparator.comparing(Cell::namespace)
      .thenComparing(Cell::readers).thenComparing(Cell::format).thenComparing(Cell::protocol)
      .thenComparing(Cell::verdict);

  private record Problem(String key, String namespace, String verdict, String reason) {}

  /**
   * A cell's counter, with the result fields that led to it. Results of one namespace, format, protocol and verdict
   * mostly share their field objects (the resolver's namespace, the classifier's constants), so most keys find
   * their counter among the {@link #recent} tallies by identity, without making the cell's strings.
   */
  private static final class Tally {
    final NamespaceResolver.Ns ns;
    final dev.cachecompat.core.PythonVersion readers;
    final String format;
    /** The protocol, or {@link #NO_PROTOCOL}. */
    final int protocol;
    final String verdict;
    /** The cell's count, shared by every tally of the cell. */
    final long[] keys;

    Tally(EntryClassifier.Result r, int protocol, String verdict, long[] keys) {
      this.keys = keys;
      this.ns = r.namespace();
      this.readers = r.readers();
      this.format = r.format();
      this.protocol = protocol;
      this.verdict = verdict;
    }
  }

  /** A tally's protocol when its results have none. */
  private static final int NO_PROTOCOL = Integer.MIN_VALUE;

  /** The count of every cell. */
  private final Map<Cell, long[]> counts = new TreeMap<>(ORDER);
  /** The tallies found last, most recent first (a short list: searched by identity per key). */
  private final Tally[] recent = new Tally[8];
  private final List<Problem> problems = new ArrayList<>();
  private long keys;
  private long notOk;
  private long unsafe;
  private long malformed;
  private long overLimit;
  private long unreadable;
  private final long startNanos = System.nanoTime();

  void add(EntryClassifier.Result r) {
    keys++;
    String verdict = r.unreadable() ? "unreadable" : r.verdict().label();
    Integer boxed = r.protocol();
    int protocol = boxed == null ? NO_PROTOCOL : boxed;
    // the recent tallies, searched here rather than by a call per tally (calls C1 would not inline)
    NamespaceResolver.Ns ns = r.namespace();
    dev.cachecompat.core.PythonVersion readers = r.readers();
    String format = r.format();
    Tally[] recent = this.recent;
    Tally found = null;
    for (int i = 0; i < recent.length; i++) {
      Tally t = recent[i];
      if (t == null) {
        break;
      }
      if (t.ns == ns && t.readers == readers && t.format == format && t.verdict == verdict
          && t.protocol == protocol) {
        found = t;
        break;
      }
    }
    if (found == null) {
      found = newTally(r, protocol, verdict);
    }
    found.keys[0]++;
    if (!r.ok()) {
      problem(r, verdict);
    }
  }

  private void problem(EntryClassifier.Result r, String verdict) {
    notOk++;
    switch (r.verdict()) {
      case UNSAFE:
        unsafe++;
        break;
      case MALFORMED:
        malformed++;
        break;
      case OVER_LIMIT:
        overLimit++;
        break;
      default:
        break;
    }
    if (r.unreadable()) {
      unreadable++;
    }
    if (problems.size() < MAX_LISTED) {
      String ns = r.namespace() == null ? "-" : r.namespace().label();
      String reason = r.findings().stream().filter(f -> f.severity() == dev.cachecompat.core.Severity.ERROR)
          .map(f -> f.message()).findFirst().orElse(r.verdict().label());
      problems.add(new Problem(r.key(), ns, verdict, reason));
    }
  }

  /** A new tally of {@code r}'s cell (with the cell's counter), first among the recent ones. */
  private Tally newTally(EntryClassifier.Result r, int protocol, String verdict) {
    Cell cell = new Cell(r.namespace() == null ? "-" : r.namespace().label(),
        r.readers() == null ? "-" : r.readers().toString(), r.format(),
        protocol == NO_PROTOCOL ? "-" : Integer.toString(protocol), verdict);
    Tally t = new Tally(r, protocol, verdict, counts.computeIfAbsent(cell, c -> new long[1]));
    System.arraycopy(recent, 0, recent, 1, recent.length - 1);
    recent[0] = t;
    return t;
  }

  boolean anyProblem() {
    return notOk > 0;
  }

  long keys() {
    return keys;
  }

  double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  double keysPerSecond() {
    double s = seconds();
    return s <= 0 ? 0 : keys / s;
  }

  /**
   * The summary line. {@code stopped} lists, one message each, the sources whose scan ended early (a lost
   * connection, a malformed dump): the first is the {@code "stopped"} field, and all of them
   * {@code "failed_sources"}.
   */
  ObjectNode toJson(List<String> sources, List<String> stopped) {
    ObjectNode s = JsonLines.object();
    s.set("sources", JsonLines.strings(sources));
    s.put("keys", keys);
    s.put("ok", keys - notOk);
    s.put("not_ok", notOk);
    s.put("unsafe", unsafe);
    s.put("malformed", malformed);
    s.put("over_limit", overLimit);
    s.put("unreadable_by_readers", unreadable);
    ArrayNode by = s.putArray("counts");
    counts.forEach((c, count) -> {
      long n = count[0];
      ObjectNode o = by.addObject();
      o.put("namespace", c.namespace());
      o.put("readers", c.readers());
      o.put("format", c.format());
      o.put("protocol", c.protocol());
      o.put("verdict", c.verdict());
      o.put("keys", n);
    });
    ArrayNode unread = s.putArray("unreadable");
    ArrayNode listed = s.putArray("problems");
    for (Problem p : problems) {
      ObjectNode o = (p.verdict().equals("unreadable") ? unread : listed).addObject();
      o.put("key", p.key());
      o.put("namespace", p.namespace());
      o.put("verdict", p.verdict());
      o.put("reason", p.reason());
    }
    s.put("seconds", Math.round(seconds() * 1000) / 1000.0);
    s.put("keys_per_s", Math.round(keysPerSecond()));
    if (!stopped.isEmpty()) {
      s.put("stopped", stopped.get(0));
      s.set("failed_sources", JsonLines.strings(stopped));
    }
    ObjectNode line = JsonLines.object();
    line.set("summary", s);
    return line;
  }

  void printTable(PrintStream out, List<String> sources, List<String> stopped) {
    out.println("cachecompat scan of " + String.join(", ", sources));
    out.println();
    String fmt = "%-16s %-8s %-7s %-9s %-11s %8s%n";
    out.printf(Locale.ROOT, fmt, "NAMESPACE", "READERS", "FORMAT", "PROTOCOL", "VERDICT", "KEYS");
    counts.forEach((c, count) -> out.printf(Locale.ROOT, fmt, c.namespace(), c.readers(), c.format(),
        c.protocol(), c.verdict(), count[0]));
    out.println();
    out.printf(Locale.ROOT, "%d keys: %d ok, %d unsafe, %d malformed, %d over limit, %d unreadable by their readers%n",
        keys, keys - notOk, unsafe, malformed, overLimit, unreadable);
    if (!problems.isEmpty()) {
      out.println();
      out.println("Needs attention:");
      for (Problem p : problems) {
        out.printf(Locale.ROOT, "  %-11s %s: %s%n", p.verdict(), p.key(), p.reason());
      }
      if (notOk > problems.size()) {
        out.printf(Locale.ROOT, "  ... and %d more%n", notOk - problems.size());
      }
    }
    out.println();
    out.printf(Locale.ROOT, "%.0f keys/s over %.2f s%n", keysPerSecond(), seconds());
    for (String m : stopped) {
      out.println("stopped early: " + m);
    }
  }

  static boolean isProblem(Verdict v) {
    return v != Verdict.VALID;
  }
}

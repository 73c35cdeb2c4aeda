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

  private record Cell(String namespace, String readers, String format, String protocol, String verdict)
      implements Comparable<Cell> {
    @Override
    public int compareTo(Cell o) {
      return toString().compareTo(o.toString());
    }
  }

  private record Problem(String key, String namespace, String verdict, String reason) {}

  private final Map<Cell, Long> counts = new TreeMap<>();
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
    String ns = r.namespace() == null ? "-" : r.namespace().label();
    Cell cell = new Cell(ns, r.readers() == null ? "-" : r.readers().toString(), r.format(),
        r.protocol() == null ? "-" : r.protocol().toString(), r.unreadable() ? "unreadable" : r.verdict().label());
    counts.merge(cell, 1L, Long::sum);
    if (r.ok()) {
      return;
    }
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
      String reason = r.findings().stream().filter(f -> f.severity() == dev.cachecompat.core.Severity.ERROR)
          .map(f -> f.message()).findFirst().orElse(r.verdict().label());
      problems.add(new Problem(r.key(), ns, r.unreadable() ? "unreadable" : r.verdict().label(), reason));
    }
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

  ObjectNode toJson(List<String> sources, String stopped) {
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
    counts.forEach((c, n) -> {
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
    if (stopped != null) {
      s.put("stopped", stopped);
    }
    ObjectNode line = JsonLines.object();
    line.set("summary", s);
    return line;
  }

  void printTable(PrintStream out, List<String> sources, String stopped) {
    out.println("cachecompat scan of " + String.join(", ", sources));
    out.println();
    String fmt = "%-16s %-8s %-7s %-9s %-11s %8s%n";
    out.printf(Locale.ROOT, fmt, "NAMESPACE", "READERS", "FORMAT", "PROTOCOL", "VERDICT", "KEYS");
    counts.forEach((c, n) -> out.printf(Locale.ROOT, fmt, c.namespace(), c.readers(), c.format(), c.protocol(),
        c.verdict(), n));
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
    if (stopped != null) {
      out.println("stopped early: " + stopped);
    }
  }

  static boolean isProblem(Verdict v) {
    return v != Verdict.VALID;
  }
}

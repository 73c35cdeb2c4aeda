package dev.cachecompat.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cachecompat.json.CanonicalJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Canonical JSON throughput; one operation is one pass over a corpus set. CPython's
 * {@code json.dumps(json.loads(b), sort_keys=True)} over the same set is timed by {@code scripts/bench-cpython.py}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JsonBench {
  /** The corpus set. */
  @Param({"profile-json", "feed-json"})
  public String set;

  byte[][] entries;
  CanonicalJson canonical;
  ObjectMapper sorted;

  /** Loads the set. */
  @Setup
  public void setUp() {
    entries = Corpus.load(set);
    canonical = CanonicalJson.python();
    sorted = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  }

  /** Parse and write canonically as Python's {@code json.dumps(sort_keys=True)} would. */
  @Benchmark
  public void canonicalize(Blackhole bh) {
    for (byte[] e : entries) {
      bh.consume(canonical.canonicalize(e));
    }
  }

  /** Jackson's own parse to maps and write with ORDER_MAP_ENTRIES_BY_KEYS: not exact, the speed bar. */
  @Benchmark
  public void jacksonSorted(Blackhole bh) {
    try {
      for (byte[] e : entries) {
        bh.consume(sorted.writeValueAsBytes(sorted.readValue(e, Object.class)));
      }
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}

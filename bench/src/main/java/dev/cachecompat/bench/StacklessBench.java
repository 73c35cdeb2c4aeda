package dev.cachecompat.bench;

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
 * How fast a walk doing part of an inspector's work, without its stack, goes over the feed pages
 * ({@link StacklessWalk}): a floor under any per-opcode inspector, set beside {@code PickleBench.inspect} and
 * CPython's {@code pickle.loads} of the same sets. Not a product benchmark and it has no goal; one operation is
 * one pass over the set, as in {@link PickleBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StacklessBench {
  /** The corpus set: the walk knows the feed pages' opcodes only. */
  @Param({"feed-p2", "feed-p4", "feed-p5"})
  public String set;

  byte[][] entries;
  StacklessWalk walk;

  /** Loads the set and checks the walk takes every entry. */
  @Setup
  public void setUp() {
    entries = Corpus.load(set);
    walk = new StacklessWalk();
    for (int i = 0; i < entries.length; i++) {
      if (walk.walk(entries[i]) < 0) {
        throw new IllegalStateException(set + " entry " + i + " holds an opcode the walk does not take");
      }
    }
  }

  /** The walk over every entry of the set. */
  @Benchmark
  public void walk(Blackhole bh) {
    for (byte[] e : entries) {
      bh.consume(walk.walk(e));
    }
  }
}

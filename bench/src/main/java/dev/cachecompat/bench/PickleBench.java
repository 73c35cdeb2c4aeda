package dev.cachecompat.bench;

import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleEncoder;
import dev.cachecompat.pickle.PickleInspector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import net.razorvine.pickle.Unpickler;
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
 * Pickle throughput; one operation is one pass over a corpus set (see {@link Corpus}). CPython's
 * {@code pickle.loads}/{@code pickle.dumps} over the same set is timed by {@code scripts/bench-cpython.py}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PickleBench {
  /** The corpus set. */
  @Param({"profile-p2", "profile-p4", "profile-p5", "feed-p2", "feed-p4", "feed-p5"})
  public String set;

  byte[][] entries;
  Object[] values;
  PickleInspector inspector;
  PickleDecoder decoder;
  PickleEncoder encoder;

  /** Loads the set and decodes it once, for the encoder's input. */
  @Setup
  public void setUp() {
    entries = Corpus.load(set);
    inspector = PickleInspector.defaults();
    decoder = PickleDecoder.defaults();
    encoder = PickleEncoder.protocol(Corpus.protocol(set));
    values = new Object[entries.length];
    for (int i = 0; i < entries.length; i++) {
      values[i] = decoder.decode(entries[i]);
    }
  }

  /** Inspection alone: the verdict, without building any value. */
  @Benchmark
  public void inspect(Blackhole bh) {
    for (byte[] e : entries) {
      bh.consume(inspector.inspect(e));
    }
  }

  /** Validated decode: inspect, then decode. The target is at least CPython's {@code pickle.loads}. */
  @Benchmark
  public void decode(Blackhole bh) {
    for (byte[] e : entries) {
      bh.consume(decoder.decode(e));
    }
  }

  /** Pyrolite's bare {@code Unpickler.loads}, no validation: the floor a wrapper of it cannot beat. */
  @Benchmark
  public void pyroliteBare(Blackhole bh) {
    try {
      for (byte[] e : entries) {
        Unpickler u = new Unpickler();
        bh.consume(u.loads(e));
        u.close();
      }
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** Encode the decoded values at the set's protocol. The target is at least CPython's {@code pickle.dumps}. */
  @Benchmark
  public void encode(Blackhole bh) {
    for (Object v : values) {
      bh.consume(encoder.encode(v));
    }
  }
}

package dev.cachecompat.bench;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.namespace.MigrationMode;
import dev.cachecompat.namespace.Namespace;
import dev.cachecompat.namespace.NamespaceGroup;
import dev.cachecompat.namespace.NamespacedMemcached;
import dev.cachecompat.namespace.NamespacedRedis;
import dev.cachecompat.pickle.PickleDecoder;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Namespaced clients against the bare clients on the same real servers (given as
 * {@code -Dbench.redis=host:port -Dbench.memcached=host:port}; {@code scripts/bench} starts both). One operation
 * is one GET or one SET of one key. Each {@code xxx} benchmark has a {@code xxxBare} twin doing the same command
 * on the same wire key (memcached: the wire key + {@code :bare}) with the bare client: plain Lettuce with {@link ByteArrayCodec}, Xmemcached with its
 * default transcoder.
 *
 * <p>{@code value}: {@code bytes} stores the bytes of a pickled profile as a byte array (the namespaced client's
 * own overhead: key mapping, flags, on Redis a BINBYTES pickle wrapper and its inspection); {@code profile}
 * stores the decoded profile, so the namespaced side also pickles it (SET) and inspects and decodes it (GET),
 * while the bare side moves the already pickled bytes: what an application gains in convenience, in cost.
 *
 * <p><b>Paired twins.</b> {@code xxx} and {@code xxxBare} run in separate forks, one after the other, so on a
 * shared machine a change of load between the two forks shows up as a difference between the clients (a run at
 * load 3-7 measured the same memcached SET at 0.86x and at 1.04x). Each {@code xxxPaired} benchmark does one
 * namespaced and one bare operation per invocation, alternating which goes first, and clocks each side
 * separately into {@link PairClock}: {@code namespacedNanos} and {@code bareNanos} are the time spent in each
 * side during the iteration, so {@code bareNanos / namespacedNanos} is the namespaced throughput over the bare
 * one, measured under the same load. On a loaded machine a few operations stall for milliseconds (at load 7,
 * 0.5% of the operations, over 1 ms each, took 10-20% of the time, on both sides alike, but in 2-second
 * iterations they land unevenly): {@code xxxStallNanos} is the part of each sum spent in operations over 1 ms, so
 * {@code (bareNanos - bareStallNanos) / (namespacedNanos - namespacedStallNanos)} is the ratio without them.
 * The primary score (pairs per second) is not a client's throughput.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NamespaceBench {
  /** What is stored. */
  @Param({"bytes", "profile"})
  public String value;

  static final String KEY = "user:42:profile";

  RedisClient redisClient;
  StatefulRedisConnection<byte[], byte[]> redisConnection;
  RedisCommands<byte[], byte[]> redisBare;
  NamespacedRedis redis;
  byte[] redisWireKey;

  MemcachedClient memcachedClient;
  NamespacedMemcached memcached;
  String memcachedWireKey;
  String memcachedBareKey;

  byte[] pickled;
  Object stored;
  boolean bareFirst;

  /**
   * Time spent in each side of a {@code xxxPaired} benchmark during one iteration (JMH sums it per iteration;
   * the ratio of the two sums is the namespaced client's throughput over the bare one's).
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class PairClock {
    /** Nanoseconds spent in namespaced operations this iteration. */
    public long namespacedNanos;
    /** Nanoseconds spent in bare operations this iteration. */
    public long bareNanos;
    /** Of {@link #namespacedNanos}, the time in operations over 1 ms (stalls: descheduling, GC). */
    public long namespacedStallNanos;
    /** Of {@link #bareNanos}, the time in operations over 1 ms. */
    public long bareStallNanos;

    /** JMH does not reset auxiliary counters by itself. */
    @Setup(Level.Iteration)
    public void reset() {
      namespacedNanos = 0;
      bareNanos = 0;
      namespacedStallNanos = 0;
      bareStallNanos = 0;
    }
  }

  /** An operation slower than this (1 ms, ~20 loopback round trips) was stalled rather than slow. */
  static final long STALL_NANOS = 1_000_000;

  /** One side of a pair. */
  @FunctionalInterface
  interface Side {
    Object run() throws Exception;
  }

  /** Runs one namespaced and one bare operation, in alternating order, and clocks each. */
  private void pair(PairClock clock, Blackhole bh, Side namespaced, Side bare) throws Exception {
    bareFirst = !bareFirst;
    long t0 = System.nanoTime();
    Object a = bareFirst ? bare.run() : namespaced.run();
    long t1 = System.nanoTime();
    Object b = bareFirst ? namespaced.run() : bare.run();
    long t2 = System.nanoTime();
    long bareTime = bareFirst ? t1 - t0 : t2 - t1;
    long namespacedTime = bareFirst ? t2 - t1 : t1 - t0;
    clock.bareNanos += bareTime;
    clock.namespacedNanos += namespacedTime;
    if (bareTime > STALL_NANOS) {
      clock.bareStallNanos += bareTime;
    }
    if (namespacedTime > STALL_NANOS) {
      clock.namespacedStallNanos += namespacedTime;
    }
    bh.consume(a);
    bh.consume(b);
  }

  /** Connects both clients to both servers and stores the value once. */
  @Setup
  public void setUp() throws Exception {
    pickled = Corpus.load("profile-p4")[1];
    stored = value.equals("bytes") ? pickled : PickleDecoder.defaults().decode(pickled);
    Namespace ns = Namespace.django("bench", 1, PythonVersion.PY3_8);
    NamespaceGroup group = NamespaceGroup.of(MigrationMode.OWN, ns);

    String[] r = hostPort("bench.redis");
    redisClient = RedisClient.create(RedisURI.create(r[0], Integer.parseInt(r[1])));
    redisConnection = redisClient.connect(ByteArrayCodec.INSTANCE);
    redisBare = redisConnection.sync();
    redis = NamespacedRedis.builder(redisConnection, group, ns.name()).build();
    redisWireKey = ns.rawKey(KEY).getBytes(StandardCharsets.UTF_8);

    String[] m = hostPort("bench.memcached");
    memcachedClient = new XMemcachedClientBuilder(java.util.List.of(
        new InetSocketAddress(m[0], Integer.parseInt(m[1])))).build();
    memcached = NamespacedMemcached.builder(memcachedClient, group, ns.name()).build();
    memcachedWireKey = memcached.wireKey(KEY);
    // the bare client keeps its own key: its transcoder would read the namespaced flags differently
    memcachedBareKey = memcachedWireKey + ":bare";

    redis.set(KEY, stored, null);
    memcached.set(KEY, stored, 0);
    memcachedClient.set(memcachedBareKey, 0, pickled);
  }

  private static String[] hostPort(String property) {
    String v = System.getProperty(property);
    if (v == null || v.lastIndexOf(':') < 0) {
      throw new IllegalStateException("-D" + property + "=host:port is required (scripts/bench sets it)");
    }
    int c = v.lastIndexOf(':');
    return new String[] {v.substring(0, c), v.substring(c + 1)};
  }

  /** Closes the clients; the servers are the caller's. */
  @TearDown
  public void tearDown() throws Exception {
    redisConnection.close();
    redisClient.shutdown();
    memcachedClient.shutdown();
  }

  /** Namespaced Lettuce GET. */
  @Benchmark
  public Object redisGet() {
    return redis.get(KEY);
  }

  /** Plain Lettuce GET of the same wire key. */
  @Benchmark
  public Object redisGetBare() {
    return redisBare.get(redisWireKey);
  }

  /** Namespaced Lettuce SET. */
  @Benchmark
  public void redisSet() {
    redis.set(KEY, stored, null);
  }

  /** Plain Lettuce SET of the same wire key and the pickled bytes. */
  @Benchmark
  public Object redisSetBare() {
    return redisBare.set(redisWireKey, pickled);
  }

  /** Namespaced Xmemcached GET. */
  @Benchmark
  public Object memcachedGet() {
    return memcached.get(KEY);
  }

  /** Plain Xmemcached GET of the bare key (the wire key + ":bare"). */
  @Benchmark
  public Object memcachedGetBare() throws Exception {
    return memcachedClient.get(memcachedBareKey);
  }

  /** Namespaced Xmemcached SET. */
  @Benchmark
  public void memcachedSet() {
    memcached.set(KEY, stored, 0);
  }

  /** Plain Xmemcached SET of the bare key and the pickled bytes. */
  @Benchmark
  public boolean memcachedSetBare() throws Exception {
    return memcachedClient.set(memcachedBareKey, 0, pickled);
  }

  /** {@link #memcachedSet} and {@link #memcachedSetBare} paired (see the class comment). */
  @Benchmark
  public void memcachedSetPaired(PairClock clock, Blackhole bh) throws Exception {
    pair(clock, bh, () -> {
      memcached.set(KEY, stored, 0);
      return null;
    }, () -> memcachedClient.set(memcachedBareKey, 0, pickled));
  }

  /** {@link #memcachedGet} and {@link #memcachedGetBare} paired (see the class comment). */
  @Benchmark
  public void memcachedGetPaired(PairClock clock, Blackhole bh) throws Exception {
    pair(clock, bh, () -> memcached.get(KEY), () -> memcachedClient.get(memcachedBareKey));
  }

  /** {@link #redisSet} and {@link #redisSetBare} paired (see the class comment). */
  @Benchmark
  public void redisSetPaired(PairClock clock, Blackhole bh) throws Exception {
    pair(clock, bh, () -> {
      redis.set(KEY, stored, null);
      return null;
    }, () -> redisBare.set(redisWireKey, pickled));
  }

  /** {@link #redisGet} and {@link #redisGetBare} paired (see the class comment). */
  @Benchmark
  public void redisGetPaired(PairClock clock, Blackhole bh) throws Exception {
    pair(clock, bh, () -> redis.get(KEY), () -> redisBare.get(redisWireKey));
  }
}

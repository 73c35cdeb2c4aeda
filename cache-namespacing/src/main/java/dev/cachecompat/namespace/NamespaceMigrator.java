package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.regex.Pattern;
import net.rubyeye.xmemcached.MemcachedClient;

/**
 * Copies every entry of one namespace into another, re-encoded for the target's readers (e.g. {@code shop:3},
 * protocol 5 pickles, into {@code shop:2} for Python 2.7 workers, or into a JSON namespace), keeping TTLs where
 * the server exposes them: Redis PTTL, memcached's {@code exp} from {@code lru_crawler metadump}.
 *
 * <p>The target is written with SET NX / memcached {@code add}: an entry the target already holds is newer and
 * is never overwritten, so a run may be repeated or resumed at any time. Memory is bounded by the batch size
 * (keys are streamed from SCAN or the metadump, a batch at a time). A run stops after {@code maxEntries} source
 * entries (about that many on memcached) and returns a resume token; passing it back continues where the run
 * stopped. Redis tokens are SCAN cursors (per master on a cluster). memcached has no cursor and its metadump
 * order moves with the LRU, so keys are split into 4,096 buckets by the CRC-32 of the raw key: a run reads the
 * metadump once to count keys per bucket, then copies whole buckets up to about {@code maxEntries}, and the token
 * names the next bucket. Entries written to the source after a run began may be missed by it, as with SCAN; the
 * writers of the source should dual-write while a migration runs.
 *
 * <p>Every source payload is validated as a read would be; rejected ones are counted, reported to the options'
 * listener and never copied. Thread-safe; one run at a time per target is the sensible use.
 */
public final class NamespaceMigrator {
  private static final Pattern HASHED = Pattern.compile(".*#[0-9a-f]{64}");
  private static final int MAX_PROBLEMS = 20;
  private static final int BUCKETS = 4096;

  private final Backend backend;
  private final Payloads payloads;
  private final int batchSize;
  private final Consumer<MigrationResult> progress;

  private NamespaceMigrator(Builder b) {
    this.backend = b.backend;
    this.payloads = Payloads.create(b.options);
    this.batchSize = b.batchSize;
    this.progress = b.progress;
  }

  /**
   * A migrator over a standalone Redis connection.
   *
   * @param connection a connection with byte-array keys and values
   * @return a new builder
   */
  public static Builder redis(StatefulRedisConnection<byte[], byte[]> connection) {
    Checks.requireNonNull(connection, "connection");
    return new Builder(new RedisBackend(List.of(connection), connection.async()));
  }

  /**
   * A migrator over a Redis Cluster connection; each master is scanned in turn.
   *
   * @param connection a cluster connection with byte-array keys and values
   * @return a new builder
   */
  public static Builder redisCluster(StatefulRedisClusterConnection<byte[], byte[]> connection) {
    Checks.requireNonNull(connection, "connection");
    List<RedisClusterNode> masters = new ArrayList<>();
    for (RedisClusterNode n : connection.getPartitions()) {
      if (n.getRole().isUpstream()) {
        masters.add(n);
      }
    }
    masters.sort(Comparator.comparing(RedisClusterNode::getNodeId));
    List<StatefulRedisConnection<byte[], byte[]>> nodes = new ArrayList<>();
    for (RedisClusterNode n : masters) {
      nodes.add(connection.getConnection(n.getNodeId()));
    }
    return new Builder(new RedisBackend(nodes, connection.async()));
  }

  /**
   * A migrator over memcached: keys come from {@code lru_crawler metadump all} on each of the client's servers.
   *
   * @param client a started Xmemcached client
   * @param keyPolicy the key policy the target namespace's writers use
   * @return a new builder
   */
  public static Builder memcached(MemcachedClient client, MemcachedKeyPolicy keyPolicy) {
    Checks.requireNonNull(client, "client");
    Checks.requireNonNull(keyPolicy, "keyPolicy");
    return new Builder(new MemcachedBackend(client, keyPolicy));
  }

  /**
   * Copies every entry of {@code from} into {@code to}.
   *
   * @param from the source namespace
   * @param to the target namespace
   * @return what was done
   * @throws NamespaceException if the server fails (the result so far is lost; rerun or resume)
   */
  public MigrationResult migrate(Namespace from, Namespace to) {
    return migrate(from, to, null, 0);
  }

  /**
   * Copies entries of {@code from} into {@code to}, starting at a resume token and stopping after
   * {@code maxEntries} source entries.
   *
   * @param from the source namespace
   * @param to the target namespace
   * @param resumeToken a token from an earlier result, or null to start at the beginning
   * @param maxEntries the most source entries to look at in this run, or 0 for all
   * @return what was done, with the token to continue from
   * @throws IllegalArgumentException if the namespaces are the same or the token is not one of this backend's
   * @throws NamespaceException if the server fails
   */
  public MigrationResult migrate(Namespace from, Namespace to, String resumeToken, long maxEntries) {
    Checks.requireNonNull(from, "from");
    Checks.requireNonNull(to, "to");
    Checks.requireArgument(!from.scheme().rawPrefix().equals(to.scheme().rawPrefix()),
        "source and target namespaces must differ: %s", from.name());
    Checks.requireArgument(maxEntries >= 0, "maxEntries must be 0 or more: %s", maxEntries);
    Run run = new Run(from, to, maxEntries == 0 ? Long.MAX_VALUE : maxEntries);
    backend.migrate(this, run, resumeToken);
    return run.result();
  }

  /** Decodes a source entry and encodes it for the target, or counts why not; null when not to be copied. */
  byte[] transcodeRedis(Run run, String logicalKey, byte[] data) {
    Object value = decode(run, run.from.rawKey(logicalKey), () -> payloads.decodeRedis(run.to, run.from, data));
    if (value == null) {
      return null;
    }
    try {
      return payloads.encodeRedis(run.to, value);
    } catch (NamespaceException e) {
      run.unencodable++;
      run.problem("key '" + logicalKey + "': " + e.getMessage());
      return null;
    }
  }

  MemcachedValue transcodeMemcached(Run run, String logicalKey, MemcachedValue v) {
    Object value = decode(run, run.from.rawKey(logicalKey),
        () -> payloads.decodeMemcached(run.to, run.from, v.flags(), v.data()));
    if (value == null) {
      return null;
    }
    try {
      return payloads.encodeMemcached(run.to, value);
    } catch (NamespaceException e) {
      run.unencodable++;
      run.problem("key '" + logicalKey + "': " + e.getMessage());
      return null;
    }
  }

  private Object decode(Run run, String rawKey, java.util.function.Supplier<Object> decoder) {
    try {
      Object value = Decoding.decode(payloads.options(), run.from, run.from, rawKey, decoder);
      if (value == null) {
        run.rejected++;
      }
      return value;
    } catch (NamespaceException e) {
      run.rejected++;
      run.problem(e.getMessage());
      return null;
    }
  }

  void batchDone(Run run) {
    progress.accept(run.result());
  }

  int batchSize() {
    return batchSize;
  }

  /** The counters of one run. Confined to the calling thread. */
  static final class Run {
    final Namespace from;
    final Namespace to;
    final long maxEntries;
    long scanned;
    long copied;
    long alreadyPresent;
    long expired;
    long rejected;
    long unencodable;
    long skippedHashed;
    String resumeToken;
    final List<String> problems = new ArrayList<>();

    Run(Namespace from, Namespace to, long maxEntries) {
      this.from = from;
      this.to = to;
      this.maxEntries = maxEntries;
    }

    void problem(String message) {
      if (problems.size() < MAX_PROBLEMS) {
        problems.add(message);
      }
    }

    boolean full() {
      return scanned >= maxEntries;
    }

    MigrationResult result() {
      return new MigrationResult(scanned, copied, alreadyPresent, expired, rejected, unencodable, skippedHashed,
          resumeToken, problems);
    }
  }

  private interface Backend {
    void migrate(NamespaceMigrator m, Run run, String token);
  }

  /** SCAN MATCH prefix*, then GET and PTTL, then SET NX PX, a batch at a time, per master. */
  private static final class RedisBackend implements Backend {
    private final List<StatefulRedisConnection<byte[], byte[]>> nodes;
    private final RedisClusterAsyncCommands<byte[], byte[]> writer;

    RedisBackend(List<StatefulRedisConnection<byte[], byte[]>> nodes,
        RedisClusterAsyncCommands<byte[], byte[]> writer) {
      this.nodes = nodes;
      this.writer = writer;
    }

    @Override
    public void migrate(NamespaceMigrator m, Run run, String token) {
      int node = 0;
      String cursor = "0";
      if (token != null) {
        String[] p = token.split(":", 3);
        Checks.requireArgument(p.length == 3 && p[0].equals("redis") && p[1].matches("\\d{1,4}")
            && Integer.parseInt(p[1]) < nodes.size() && p[2].matches("\\d{1,20}"), "not a Redis resume token: '%s'",
            token);
        node = Integer.parseInt(p[1]);
        cursor = p[2];
      }
      byte[] match = RedisKeys.utf8(RedisKeys.escapeGlob(run.from.scheme().rawPrefix()) + "*");
      ScanArgs args = ScanArgs.Builder.matches(match).limit(m.batchSize());
      for (; node < nodes.size(); node++, cursor = "0") {
        RedisAsyncCommands<byte[], byte[]> redis = nodes.get(node).async();
        while (true) {
          if (run.full()) {
            run.resumeToken = "redis:" + node + ":" + cursor;
            return;
          }
          KeyScanCursor<byte[]> page = await(redis.scan(ScanCursor.of(cursor), args), "SCAN");
          copyBatch(m, run, redis, page.getKeys());
          m.batchDone(run);
          cursor = page.getCursor();
          if (page.isFinished()) {
            break;
          }
        }
      }
    }

    private void copyBatch(NamespaceMigrator m, Run run, RedisAsyncCommands<byte[], byte[]> redis,
        List<byte[]> keys) {
      List<RedisFuture<byte[]>> values = new ArrayList<>();
      List<RedisFuture<Long>> ttls = new ArrayList<>();
      for (byte[] k : keys) {
        values.add(redis.get(k));
        ttls.add(redis.pttl(k));
      }
      Map<String, RedisFuture<String>> writes = new LinkedHashMap<>();
      for (int i = 0; i < keys.size(); i++) {
        run.scanned++;
        String logical = RedisKeys.logical(run.from, keys.get(i));
        byte[] data = await(values.get(i), "GET");
        long ttl = await(ttls.get(i), "PTTL");
        if (logical == null) {
          continue;
        }
        if (data == null || ttl == -2) {
          run.expired++;
          continue;
        }
        byte[] encoded = m.transcodeRedis(run, logical, data);
        if (encoded == null) {
          continue;
        }
        SetArgs set = SetArgs.Builder.nx();
        if (ttl > 0) {
          set.px(ttl);
        }
        // the target key may hash to another slot: on a cluster the cluster connection routes it
        writes.put(logical, writer.set(RedisKeys.utf8(run.to.rawKey(logical)), encoded, set));
      }
      for (Map.Entry<String, RedisFuture<String>> w : writes.entrySet()) {
        if (await(w.getValue(), "SET NX") == null) {
          run.alreadyPresent++;
        } else {
          run.copied++;
        }
      }
    }

    private static <T> T await(RedisFuture<T> f, String what) {
      return RedisErrors.await(f.toCompletableFuture(), 10_000, what + " during migration");
    }
  }

  /** {@code lru_crawler metadump all} on each server, then multi-get and add with the same absolute exptime. */
  private static final class MemcachedBackend implements Backend {
    private final MemcachedClient client;
    private final MemcachedKeyPolicy keyPolicy;

    MemcachedBackend(MemcachedClient client, MemcachedKeyPolicy keyPolicy) {
      this.client = client;
      this.keyPolicy = keyPolicy;
    }

    @Override
    public void migrate(NamespaceMigrator m, Run run, String token) {
      List<InetSocketAddress> servers = new ArrayList<>(client.getAvailableServers());
      servers.sort(Comparator.comparing(InetSocketAddress::toString));
      int server = 0;
      int bucket = 0;
      if (token != null) {
        String[] p = token.split(":", 3);
        Checks.requireArgument(p.length == 3 && p[0].equals("memcached") && p[1].matches("\\d{1,4}")
            && p[2].matches("\\d{1,4}") && Integer.parseInt(p[2]) < BUCKETS, "not a memcached resume token: '%s'",
            token);
        server = Integer.parseInt(p[1]);
        bucket = Integer.parseInt(p[2]);
      }
      String prefix = run.from.scheme().rawPrefix();
      for (; server < servers.size(); server++, bucket = 0) {
        InetSocketAddress address = servers.get(server);
        int first = bucket;
        // pass 1: how many of the namespace's keys fall in each bucket, to stop near maxEntries
        long[] counts = new long[BUCKETS];
        metadump(address, prefix, (key, exp) -> counts[bucketOf(key)]++);
        int end = first;
        long budget = run.maxEntries - run.scanned;
        long planned = 0;
        while (end < BUCKETS && (planned == 0 || planned + counts[end] <= budget)) {
          planned += counts[end];
          end++;
        }
        int last = end;
        // pass 2: copy the keys of buckets [first, last), a batch at a time
        Map<String, Long> batch = new LinkedHashMap<>();
        metadump(address, prefix, (key, exp) -> {
          int b = bucketOf(key);
          if (b < first || b >= last) {
            return;
          }
          run.scanned++;
          if (HASHED.matcher(key).matches()) {
            run.skippedHashed++;
            return;
          }
          batch.put(key, exp);
          if (batch.size() >= m.batchSize()) {
            copyBatch(m, run, batch);
            batch.clear();
            m.batchDone(run);
          }
        });
        copyBatch(m, run, batch);
        m.batchDone(run);
        if (last < BUCKETS) {
          run.resumeToken = "memcached:" + server + ":" + last;
          return;
        }
      }
    }

    /** A stable bucket of the raw key: keys are copied bucket by bucket, which makes a run resumable. */
    static int bucketOf(String key) {
      CRC32 crc = new CRC32();
      crc.update(key.getBytes(StandardCharsets.UTF_8));
      return (int) (crc.getValue() % BUCKETS);
    }

    /** Streams {@code lru_crawler metadump all}, calling back with each key under the prefix and its exp. */
    private static void metadump(InetSocketAddress address, String prefix, BiConsumer<String, Long> each) {
      long seen = 0;
      try (Socket s = new Socket()) {
        s.connect(address, 2_000);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write("lru_crawler metadump all\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("END")) {
          if (line.startsWith("ERROR") || line.startsWith("BUSY") || line.startsWith("CLIENT_ERROR")) {
            throw new NamespaceException("server-error", "memcached " + address + " refused lru_crawler metadump: "
                + line);
          }
          String key = field(line, "key");
          if (key == null) {
            continue;
          }
          key = URLDecoder.decode(key, StandardCharsets.UTF_8);
          if (key.startsWith(prefix)) {
            seen++;
            String exp = field(line, "exp");
            each.accept(key, exp == null ? -1L : Long.parseLong(exp));
          }
        }
        if (line == null) {
          throw new IOException("connection closed before END");
        }
      } catch (IOException | IllegalArgumentException e) {
        throw new NamespaceException("server-unavailable", "memcached " + address + " metadump failed after "
            + seen + " keys: " + e.getMessage(), e);
      }
    }

    private static String field(String line, String name) {
      for (String part : line.split(" ")) {
        if (part.startsWith(name + "=")) {
          return part.substring(name.length() + 1);
        }
      }
      return null;
    }

    private void copyBatch(NamespaceMigrator m, Run run, Map<String, Long> batch) {
      if (batch.isEmpty()) {
        return;
      }
      Map<String, MemcachedValue> values;
      try {
        values = client.get(batch.keySet(), 10_000, RawTranscoder.INSTANCE);
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new NamespaceException("server-unavailable", "memcached multi-get of " + batch.size()
            + " keys during migration failed: " + e.getMessage(), e);
      }
      long now = System.currentTimeMillis() / 1000;
      for (Map.Entry<String, Long> e : batch.entrySet()) {
        MemcachedValue v = values == null ? null : values.get(e.getKey());
        long exp = e.getValue();
        if (v == null || (exp > 0 && exp <= now + 1)) {
          run.expired++;
          continue;
        }
        String logical = run.from.scheme().logicalKey(e.getKey());
        MemcachedValue encoded = m.transcodeMemcached(run, logical, v);
        if (encoded == null) {
          continue;
        }
        String target;
        try {
          target = keyPolicy.wireKey(run.to.rawKey(logical));
        } catch (NamespaceException ex) {
          run.unencodable++;
          run.problem(ex.getMessage());
          continue;
        }
        // an exptime above 30 days is an absolute Unix time to memcached: the entry keeps its exact expiry
        int exptime = exp <= 0 ? 0 : (int) Math.min(exp, Integer.MAX_VALUE);
        boolean added;
        try {
          added = client.add(target, exptime, encoded, RawTranscoder.INSTANCE, 10_000);
        } catch (Exception ex) {
          if (ex instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          throw new NamespaceException("server-unavailable", "memcached add of key '" + target
              + "' during migration failed: " + ex.getMessage(), ex);
        }
        if (added) {
          run.copied++;
        } else {
          run.alreadyPresent++;
        }
      }
    }
  }

  /** Builds a {@link NamespaceMigrator}. Not thread-safe. */
  public static final class Builder {
    private final Backend backend;
    private ValueOptions options = ValueOptions.defaults();
    private int batchSize = 100;
    private Consumer<MigrationResult> progress = r -> { };

    private Builder(Backend backend) {
      this.backend = backend;
    }

    /**
     * Sets the value options (limits, allowlist, listener; strictness is ignored: a rejected entry is counted).
     *
     * @param options the options
     * @return this builder
     */
    public Builder options(ValueOptions options) {
      this.options = Checks.requireNonNull(options, "options").toBuilder().strict(false).build();
      return this;
    }

    /**
     * Sets how many keys are held in memory at once (default 100).
     *
     * @param keys a count from 1 to 10,000
     * @return this builder
     */
    public Builder batchSize(int keys) {
      Checks.requireArgument(keys >= 1 && keys <= 10_000, "batch size must be 1 to 10000: %s", keys);
      this.batchSize = keys;
      return this;
    }

    /**
     * Sets a callback told the running totals after each batch, on the migrating thread.
     *
     * @param progress the callback
     * @return this builder
     */
    public Builder progress(Consumer<MigrationResult> progress) {
      this.progress = Checks.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * Builds the migrator.
     *
     * @return the migrator
     */
    public NamespaceMigrator build() {
      return new NamespaceMigrator(this);
    }
  }
}

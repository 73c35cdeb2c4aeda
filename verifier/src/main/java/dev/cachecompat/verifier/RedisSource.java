package dev.cachecompat.verifier;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A live Redis, scanned with {@code SCAN} (COUNT = batch size). For each batch, one {@code EVALSHA} of
 * {@link #FETCH} asks PTTL, STRLEN (TYPE for non-strings) and the value of every key within the batch's budget;
 * a server that refuses scripts gets one pipelined round trip of {@code PTTL}, {@code STRLEN} and
 * {@code GETRANGE 0 (budget / batch size - 1)} instead, {@code TYPE} only for keys that are not strings. Longer
 * values follow by pipelined {@code GET}s (at most the budget per pipeline; longer values than
 * {@link SourceOptions#maxValueBytes()} are not fetched). The budget is {@link SourceOptions#BATCH_VALUE_BUDGET},
 * halved for full scans, which fetch the next batch while delivering one (see {@link NodeScan#run}). Keys that
 * vanish during the batch are skipped.
 *
 * <p>Cursor: {@code CURSOR} (a SCAN cursor, the next batch starts there) or {@code CURSOR+N} (the batch at
 * CURSOR, of which the first N keys were already delivered), or {@code done}. Resuming in the middle of a batch
 * relies on SCAN returning the same batch for the same cursor and COUNT, which holds while the keyspace does not
 * change; otherwise SCAN's own guarantee applies (every key present throughout is returned at least once, and
 * may be returned twice).
 */
final class RedisSource extends AbstractScanSource {
  private static final byte[] NO_VALUE = new byte[0];
  /** What a WRONGTYPE answer to STRLEN becomes (STRLEN itself never answers a negative number). */
  private static final Long WRONG_TYPE = Long.MIN_VALUE;
  private static final byte[][] NO_KEYS = new byte[0][];
  /**
   * ARGV: the longest value to fetch, the batch's value budget, then the keys. Returns per key its PTTL (-2: gone),
   * its STRLEN or, for a non-string, its TYPE, and its value or false (over the limit or the budget left). Read
   * only; no key in KEYS, so cluster nodes accept the keys of several slots of their own.
   */
  static final String FETCH = String.join("\n",
      "local limit, budget, out = tonumber(ARGV[1]), tonumber(ARGV[2]), {}",
      "for i = 3, #ARGV do",
      "  local k = ARGV[i]",
      "  local ttl = redis.call('PTTL', k)",
      "  local len = redis.pcall('STRLEN', k)",
      "  local v = false",
      "  if type(len) == 'table' then",
      "    len = redis.call('TYPE', k)['ok']",
      "  elseif ttl ~= -2 and len <= limit and len <= budget then",
      "    v = redis.call('GET', k)",
      "    budget = budget - len",
      "  end",
      "  out[#out + 1] = ttl",
      "  out[#out + 1] = len",
      "  out[#out + 1] = v",
      "end",
      "return out");
  private static final String FETCH_SHA = sha1Hex(FETCH);
  private static final Pattern CURSOR = Pattern.compile("(\\d{1,20})(?:\\+(\\d{1,9}))?");

  private final String description;
  private final RedisClient client;
  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final NodeScan node;

  private RedisSource(String description, String address, RedisClient client,
      StatefulRedisConnection<byte[], byte[]> connection,
      SourceOptions options) {
    super(options);
    this.description = description;
    this.client = client;
    this.connection = connection;
    this.node = new NodeScan(address, connection, options, this);
    if (options.resumeCursor() != null) {
      node.resumeFrom(options.resumeCursor(), description);
    }
  }

  static RedisSource open(SourceUri uri, SourceOptions options) {
    SourceUri.HostPort hp = uri.hosts().get(0);
    RedisURI.Builder b = RedisURI.builder().withHost(hp.host()).withPort(hp.port()).withDatabase(uri.database())
        .withTimeout(options.timeout());
    if (uri.password() != null) {
      if (uri.user() != null) {
        b.withAuthentication(uri.user(), uri.password().toCharArray());
      } else {
        b.withPassword(uri.password().toCharArray());
      }
    }
    RedisClient client = RedisClient.create();
    client.setOptions(clientOptions());
    try {
      StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE, b.build());
      return new RedisSource(uri.toString(), hp.toString(), client, c, options);
    } catch (RuntimeException e) {
      shutdown(client);
      if (e instanceof SourceException) {
        throw e;
      }
      throw new SourceException("connection-failed", -1, "cannot connect to " + uri + ": " + rootMessage(e), e);
    }
  }

  /** No silent reconnects: a lost connection must fail the scan, not stall it. */
  static ClientOptions clientOptions() {
    // No per-command timeout timers either: await() bounds every wait, and a timer per pipelined command is a
    // measurable cost at tens of thousands of commands a second.
    return ClientOptions.builder().autoReconnect(false)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(io.lettuce.core.TimeoutOptions.builder().timeoutCommands(false).build()).build();
  }

  private static String sha1Hex(String text) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      StringBuilder b = new StringBuilder(40);
      for (byte x : d) {
        b.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
      }
      return b.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-1 in this JDK", e);
    }
  }

  static void shutdown(io.lettuce.core.AbstractRedisClient client) {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  @Override
  void scan(EntryConsumer consumer) {
    node.run(consumer);
  }

  @Override
  public String cursor() {
    return node.cursor();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } finally {
      shutdown(client);
    }
  }

  /**
   * The scan of one Redis node (a standalone server or a cluster master). Delivers through its owner, which
   * serializes deliveries of several nodes and keeps {@link #cursor()} consistent with what was delivered.
   */
  static final class NodeScan {
    final String address;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final SourceOptions options;
    private final AbstractScanSource owner;
    /** Cursor state, guarded by {@code owner}'s delivery lock: the batch's SCAN cursor and keys delivered of it. */
    private String scanCursor = ScanCursor.INITIAL.getCursor();
    private int position;
    private boolean done;
    volatile boolean stopped;
    /** Whether batches are still fetched with {@link #FETCH}; off for good once the server refuses it. */
    private boolean scripted = true;

    NodeScan(String address, StatefulRedisConnection<byte[], byte[]> connection, SourceOptions options,
        AbstractScanSource owner) {
      this.address = address;
      this.connection = connection;
      this.options = options;
      this.owner = owner;
    }

    void resumeFrom(String cursor, String source) {
      if (cursor.equals("done")) {
        done = true;
        return;
      }
      var m = CURSOR.matcher(cursor);
      if (!m.matches()) {
        throw new SourceException("bad-cursor", "bad resume cursor \"" + cursor + "\" for " + source
            + ": expected CURSOR, CURSOR+SKIP or done");
      }
      scanCursor = m.group(1);
      position = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    }

    String cursor() {
      synchronized (owner) {
        return done ? "done" : position == 0 ? scanCursor : scanCursor + "+" + position;
      }
    }

    boolean isDone() {
      synchronized (owner) {
        return done;
      }
    }

    /**
     * Scans to the end, or until a delivery says stop or {@link #stopped} is set.
     *
     * <p>Full scans keep the server busy while a batch is delivered: the SCAN of the next batch goes out with the
     * current batch's EVALSHA, and the next batch's EVALSHA goes out before the current batch is delivered. Each
     * EVALSHA then gets half of {@link SourceOptions#BATCH_VALUE_BUDGET}, so the two batches held at once stay
     * within one budget. The cursor still moves only as keys are delivered; a fetched-ahead batch is simply read
     * again on resume. Sampled scans fetch one batch at a time (they may read a batch twice).
     */
    void run(EntryConsumer consumer) {
      RedisAsyncCommands<byte[], byte[]> async = connection.async();
      connection.setAutoFlushCommands(false); // one write per pipeline; this connection is this scan's alone
      ScanArgs args = ScanArgs.Builder.limit(options.batchSize());
      boolean ahead = options.sample() == 0;
      long budget = ahead ? SourceOptions.BATCH_VALUE_BUDGET / 2 : SourceOptions.BATCH_VALUE_BUDGET;
      KeyScanCursor<byte[]> nextPage = null;
      RedisFuture<List<Object>> nextFetch = null;
      while (!isDone() && !stopped && !owner.sampleReached()) {
        String from;
        int skip;
        synchronized (owner) {
          from = scanCursor;
          skip = position;
        }
        KeyScanCursor<byte[]> page = nextPage;
        RedisFuture<List<Object>> fetch = nextFetch;
        nextPage = null;
        nextFetch = null;
        if (page == null) {
          RedisFuture<KeyScanCursor<byte[]>> scan = async.scan(ScanCursor.of(from), args);
          connection.flushCommands();
          page = await(scan, null);
        }
        List<byte[]> keys = page.getKeys();
        int end = keys.size();
        if (options.sample() > 0) {
          end = (int) Math.min(end, skip + Math.max(0, options.sample() - owner.count()));
        }
        int start = Math.min(skip, end);
        if (fetch == null && scripted && end > start) {
          fetch = evalsha(async, keys, start, end - start, budget);
        }
        RedisFuture<KeyScanCursor<byte[]>> scanAhead =
            ahead && !page.isFinished() ? async.scan(ScanCursor.of(page.getCursor()), args) : null;
        connection.flushCommands();
        List<Object> reply = fetch == null ? null : collect(async, fetch, keys, start, end - start, budget);
        SourceException aheadFailed = null;
        if (scanAhead != null) {
          try {
            nextPage = await(scanAhead, null);
            if (scripted && !nextPage.getKeys().isEmpty()) {
              nextFetch = evalsha(async, nextPage.getKeys(), 0, nextPage.getKeys().size(), budget);
              connection.flushCommands();
            }
          } catch (SourceException e) {
            aheadFailed = e; // this batch is read: deliver it first
            nextPage = null;
          }
        }
        if (!deliverBatch(consumer, async, keys, start, end, reply, budget)) {
          return;
        }
        if (aheadFailed != null) {
          throw again(aheadFailed); // its message says how far the scan got: now, after this batch
        }
        if (end < keys.size()) {
          continue; // keys of the sample vanished before they were read: take more of this same batch
        }
        synchronized (owner) {
          scanCursor = page.getCursor();
          position = 0;
          done = page.isFinished();
        }
      }
    }

    private boolean deliverBatch(EntryConsumer consumer, RedisAsyncCommands<byte[], byte[]> async,
        List<byte[]> keys, int from, int end, List<Object> reply, long budget) {
      int n = end - from;
      String[] type = new String[n];
      Long[] ttl = new Long[n];
      long[] length = new long[n];
      byte[][] value = new byte[n][];
      if (reply == null || !parseScripted(reply, n, type, ttl, length, value)) {
        fetchPipelined(async, keys, from, n, type, ttl, length, value, budget);
      }
      // Values longer than `inline`: pipelined GETs, at most `budget` bytes a pipeline (a single over-budget
      // value still goes alone), delivered in key order with the rest.
      List<RedisFuture<byte[]>> gets = new ArrayList<>();
      int getsFrom = 0;
      for (int i = 0; i < n; i++) {
        String t = type[i];
        boolean needsGet = "string".equals(t) && value[i] == null && length[i] <= options.maxValueBytes();
        boolean fetched = false;
        if (needsGet) {
          if (i >= getsFrom + gets.size()) {
            gets.clear();
            getsFrom = i;
            long bytes = 0;
            for (int j = i; j < n; j++) {
              boolean fetch = "string".equals(type[j]) && value[j] == null && length[j] <= options.maxValueBytes();
              if (fetch && j > i && bytes + length[j] > budget) {
                break;
              }
              gets.add(fetch ? async.get(keys.get(from + j)) : null);
              bytes += fetch ? length[j] : 0;
            }
            connection.flushCommands();
          }
          // a GET that fails (the key changed type since) counts as vanished, like one that answers nil
          byte[] v = await(gets.get(i - getsFrom), NO_VALUE);
          value[i] = v == NO_VALUE ? null : v;
          fetched = true;
        }
        Long pttl = ttl[i];
        if (t == null || t.equals("none") || (pttl != null && pttl == -2) || (fetched && value[i] == null)) {
          if (!skipVanished(from + i + 1)) {
            return false;
          }
          continue;
        }
        long len = "string".equals(t) ? (value[i] != null ? value[i].length : length[i]) : -1;
        RawEntry e = new RawEntry(keys.get(from + i), value[i], len, null,
            pttl == null ? null : ttlFromMillis(pttl), t);
        value[i] = null; // delivered: let it go
        int next = from + i + 1;
        if (!owner.deliver(consumer, e, () -> position = next)) {
          return false;
        }
      }
      return true;
    }

    /**
     * Sends (does not flush) one EVALSHA of {@link #FETCH} for {@code n} keys from {@code from}: per key its PTTL,
     * STRLEN (or TYPE for a non-string) and its value when it is within {@link SourceOptions#maxValueBytes()} and
     * the batch's {@code budget}; the keys go as ARGV, so a cluster node checks no slots for them.
     */
    private RedisFuture<List<Object>> evalsha(RedisAsyncCommands<byte[], byte[]> async, List<byte[]> keys,
        int from, int n, long budget) {
      byte[][] args = new byte[n + 2][];
      args[0] = Long.toString(options.maxValueBytes()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      args[1] = Long.toString(budget).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      for (int i = 0; i < n; i++) {
        args[i + 2] = keys.get(from + i);
      }
      return async.evalsha(FETCH_SHA, ScriptOutputType.MULTI, NO_KEYS, args);
    }

    /**
     * The reply of an EVALSHA sent by {@link #evalsha}; on NOSCRIPT loads the script and asks once more. Null
     * (and the plain pipeline from then on) when the server refuses scripts.
     */
    private List<Object> collect(RedisAsyncCommands<byte[], byte[]> async, RedisFuture<List<Object>> sent,
        List<byte[]> keys, int from, int n, long budget) {
      RedisFuture<List<Object>> f = sent;
      for (int attempt = 0; attempt < 2; attempt++) {
        try {
          List<Object> reply = awaitOrRefused(f);
          if (reply != null) {
            return reply;
          }
          break;
        } catch (RedisCommandExecutionException e) {
          String m = String.valueOf(e.getMessage());
          if (attempt == 0 && m.startsWith("NOSCRIPT")) {
            RedisFuture<String> load = async.scriptLoad(FETCH);
            connection.flushCommands();
            try {
              awaitOrRefused(load);
              f = evalsha(async, keys, from, n, budget);
              connection.flushCommands();
              continue;
            } catch (RedisCommandExecutionException refused) {
              // scripting off or not allowed: the plain pipeline
            }
          }
          break;
        }
      }
      scripted = false;
      return null;
    }

    /** Reads a {@link #FETCH} reply; false (and the plain pipeline from then on) when it is not one. */
    private boolean parseScripted(List<Object> reply, int n, String[] type, Long[] ttl, long[] length,
        byte[][] value) {
      if (reply.size() != 3 * n) {
        scripted = false;
        return false;
      }
      for (int i = 0; i < n; i++) {
        Object t = reply.get(3 * i);
        Object len = reply.get(3 * i + 1);
        Object v = reply.get(3 * i + 2);
        ttl[i] = t instanceof Long l ? l : null;
        if (len instanceof byte[] b) { // TYPE of a non-string
          type[i] = new String(b, java.nio.charset.StandardCharsets.US_ASCII);
          length[i] = -1;
        } else if (ttl[i] != null && ttl[i] == -2) {
          type[i] = "none";
        } else {
          type[i] = "string";
          length[i] = len instanceof Long l ? l : 0;
          value[i] = v instanceof byte[] b && b.length == length[i] ? b : null;
        }
      }
      return true;
    }

    /**
     * PTTL, STRLEN and the first {@code budget / n} bytes of every key in one pipeline; TYPE for non-strings in a
     * second one. For servers that refuse scripts.
     */
    private void fetchPipelined(RedisAsyncCommands<byte[], byte[]> async, List<byte[]> keys, int from, int n,
        String[] type, Long[] ttl, long[] length, byte[][] value, long budget) {
      long inline = Math.max(1, Math.min(options.maxValueBytes(), budget / Math.max(1, n)));
      List<RedisFuture<Long>> ttls = new ArrayList<>(n);
      List<RedisFuture<Long>> lengths = new ArrayList<>(n);
      List<RedisFuture<byte[]>> heads = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        byte[] k = keys.get(from + i);
        ttls.add(async.pttl(k));
        lengths.add(async.strlen(k));
        heads.add(async.getrange(k, 0, inline - 1));
      }
      connection.flushCommands();
      List<Integer> untyped = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ttl[i] = await(ttls.get(i), null);
        // STRLEN and GETRANGE fail with WRONGTYPE for non-strings, and answer 0 and "" for a vanished key
        Long len = await(lengths.get(i), WRONG_TYPE);
        byte[] head = await(heads.get(i), NO_VALUE);
        if (len == WRONG_TYPE) {
          untyped.add(i);
          length[i] = -1;
        } else if (ttl[i] != null && ttl[i] == -2) {
          type[i] = "none";
        } else {
          type[i] = "string";
          length[i] = len;
          value[i] = head != NO_VALUE && head.length == len ? head : null;
        }
      }
      if (!untyped.isEmpty()) {
        List<RedisFuture<String>> types = new ArrayList<>(untyped.size());
        for (int i : untyped) {
          types.add(async.type(keys.get(from + i)));
        }
        connection.flushCommands();
        for (int t = 0; t < untyped.size(); t++) {
          type[untyped.get(t)] = await(types.get(t), null);
        }
      }
    }

    private boolean skipVanished(int next) {
      synchronized (owner) {
        position = next;
      }
      return !stopped;
    }

    /** The command's result; {@code onServerError} when Redis answered an error; a lost connection throws. */
    private <T> T await(RedisFuture<T> f, T onServerError) {
      try {
        return f.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RedisCommandExecutionException) {
          if (onServerError != null) {
            return onServerError;
          }
          throw serverError(e.getCause());
        }
        throw lost(e.getCause());
      } catch (TimeoutException e) {
        throw lost(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw lost(e);
      }
    }

    /** Like {@link #await}, but a server's error answer is thrown as such, for the caller to fall back. */
    private <T> T awaitOrRefused(RedisFuture<T> f) {
      try {
        return f.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RedisCommandExecutionException refused) {
          throw refused;
        }
        throw lost(e.getCause());
      } catch (TimeoutException e) {
        throw lost(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw lost(e);
      }
    }

    SourceException serverError(Throwable cause) {
      return new SourceException("server-error", -1, address + " answered " + cause.getMessage()
          + " after " + owner.count() + " keys (cursor " + owner.cursor() + ")", cause);
    }

    /** A failure of {@link #await} made again, to say how far the scan got by now. */
    private SourceException again(SourceException e) {
      return switch (e.code()) {
        case "connection-lost" -> lost(e.getCause());
        case "server-error" -> serverError(e.getCause());
        default -> e;
      };
    }

    SourceException lost(Throwable cause) {
      return new SourceException("connection-lost", -1, "lost connection to " + address + " after "
          + owner.count() + " keys (cursor " + owner.cursor() + ")", cause);
    }
  }
}

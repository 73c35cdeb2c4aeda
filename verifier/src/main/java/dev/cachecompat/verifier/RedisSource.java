package dev.cachecompat.verifier;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
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
 * A live Redis, scanned with {@code SCAN} (COUNT = batch size). For each batch, one pipelined round trip asks
 * {@code PTTL}, {@code STRLEN} and {@code GETRANGE 0 (budget / batch size - 1)} of every key, which reads most
 * cache values whole; {@code TYPE} follows only for keys that are not strings, and pipelined {@code GET}s only for
 * longer values (at most {@link SourceOptions#BATCH_VALUE_BUDGET} bytes per pipeline; longer values than
 * {@link SourceOptions#maxValueBytes()} are not fetched). Keys that vanish during the batch are skipped.
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

    /** Scans to the end, or until a delivery says stop or {@link #stopped} is set. */
    void run(EntryConsumer consumer) {
      RedisAsyncCommands<byte[], byte[]> async = connection.async();
      connection.setAutoFlushCommands(false); // one write per pipeline; this connection is this scan's alone
      ScanArgs args = ScanArgs.Builder.limit(options.batchSize());
      while (!isDone() && !stopped && !owner.sampleReached()) {
        String from;
        int skip;
        synchronized (owner) {
          from = scanCursor;
          skip = position;
        }
        RedisFuture<KeyScanCursor<byte[]>> scan = async.scan(ScanCursor.of(from), args);
        connection.flushCommands();
        KeyScanCursor<byte[]> page = await(scan, null);
        List<byte[]> keys = page.getKeys();
        int end = keys.size();
        if (options.sample() > 0) {
          end = (int) Math.min(end, skip + Math.max(0, options.sample() - owner.count()));
        }
        if (!deliverBatch(consumer, async, keys, Math.min(skip, end), end)) {
          return;
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
        List<byte[]> keys, int from, int end) {
      int n = end - from;
      // One round trip: PTTL, STRLEN and the first `inline` bytes of every key. Values that fit (most cache
      // entries) are done; the batch holds at most BATCH_VALUE_BUDGET bytes of them.
      long inline = Math.max(1, Math.min(options.maxValueBytes(), SourceOptions.BATCH_VALUE_BUDGET / Math.max(1, n)));
      List<RedisFuture<Long>> ttls = new ArrayList<>(n);
      List<RedisFuture<Long>> lengths = new ArrayList<>(n);
      List<RedisFuture<byte[]>> heads = new ArrayList<>(n);
      for (int i = from; i < end; i++) {
        byte[] k = keys.get(i);
        ttls.add(async.pttl(k));
        lengths.add(async.strlen(k));
        heads.add(async.getrange(k, 0, inline - 1));
      }
      connection.flushCommands();
      String[] type = new String[n];
      Long[] ttl = new Long[n];
      long[] length = new long[n];
      byte[][] value = new byte[n][];
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
      // Values longer than `inline`: pipelined GETs, at most BATCH_VALUE_BUDGET bytes a pipeline (a single
      // over-budget value still goes alone), delivered in key order with the rest.
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
              if (fetch && j > i && bytes + length[j] > SourceOptions.BATCH_VALUE_BUDGET) {
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
          throw new SourceException("server-error", -1, address + " answered " + e.getCause().getMessage()
              + " after " + owner.count() + " keys (cursor " + owner.cursor() + ")", e.getCause());
        }
        throw lost(e.getCause());
      } catch (TimeoutException e) {
        throw lost(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw lost(e);
      }
    }

    SourceException lost(Throwable cause) {
      return new SourceException("connection-lost", -1, "lost connection to " + address + " after "
          + owner.count() + " keys (cursor " + owner.cursor() + ")", cause);
    }
  }
}

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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A live Redis, scanned with {@code SCAN} (COUNT = batch size). For each batch, one pipelined write asks
 * {@code GETRANGE key 0 P} and {@code PTTL} of every key, P being the batch's value budget divided by its keys
 * (at most {@link SourceOptions#maxValueBytes()}): a reply of at most P bytes is the whole value, P + 1 bytes say
 * the value is longer. Longer values get {@code STRLEN} and then pipelined {@code GET}s (at most the budget per
 * pipeline; values longer than {@link SourceOptions#maxValueBytes()} are not fetched), keys whose GETRANGE fails
 * (non-strings) get {@code TYPE}. The budget is {@link SourceOptions#BATCH_VALUE_BUDGET}, halved for full scans,
 * which fetch the next batch while delivering one (see {@link NodeScan#run}). Keys that vanish during the batch
 * are skipped. The commands are read straight into the batch's arrays (see {@link Fetch}): no future, no reply
 * list per key. No script: a server runs two plain commands per key for less CPU than one Lua call per key
 * ({@code docs/performance.md}), and ACLs without scripting need no other path.
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
      StatefulRedisConnection<byte[], byte[]> connection, RespPipe pipe, SourceOptions options) {
    super(options);
    this.description = description;
    this.client = client;
    this.connection = connection;
    this.node = new NodeScan(address, connection, pipe, options, this);
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
    RespPipe pipe = null;
    try {
      StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE, b.build());
      pipe = openPipe(hp.host(), hp.port(), uri.user(), uri.password(), uri.database(), options);
      return new RedisSource(uri.toString(), hp.toString(), client, c, pipe, options);
    } catch (RuntimeException e) {
      if (pipe != null) {
        pipe.close();
      }
      shutdown(client);
      if (e instanceof SourceException) {
        throw e;
      }
      throw new SourceException("connection-failed", -1, "cannot connect to " + uri + ": " + rootMessage(e), e);
    }
  }

  /** The {@link RespPipe} of a node's per-key reads; a failure is unchecked, for the caller's connect error. */
  static RespPipe openPipe(String host, int port, String user, String password, int database,
      SourceOptions options) {
    try {
      return RespPipe.connect(host, port, user, password, database, options.timeout());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
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
      node.close();
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
    /** The per-key reads (see {@link Fetch}); everything else goes through {@link #connection}. */
    private final RespPipe pipe;
    private final SourceOptions options;
    private final AbstractScanSource owner;
    /** Cursor state, guarded by {@code owner}'s delivery lock: the batch's SCAN cursor and keys delivered of it. */
    private String scanCursor = ScanCursor.INITIAL.getCursor();
    private int position;
    private boolean done;
    volatile boolean stopped;

    NodeScan(String address, StatefulRedisConnection<byte[], byte[]> connection, RespPipe pipe,
        SourceOptions options, AbstractScanSource owner) {
      this.address = address;
      this.connection = connection;
      this.pipe = pipe;
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
     * current batch's {@link Fetch}, and the next batch's fetch goes out before the current batch is delivered.
     * Each fetch then gets half of {@link SourceOptions#BATCH_VALUE_BUDGET}, so the two batches held at once stay
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
      Fetch nextFetch = null;
      while (!isDone() && !stopped && !owner.sampleReached()) {
        String from;
        int skip;
        synchronized (owner) {
          from = scanCursor;
          skip = position;
        }
        KeyScanCursor<byte[]> page = nextPage;
        Fetch fetch = nextFetch;
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
        if (fetch == null && end > start) {
          fetch = Fetch.send(pipe, keys, start, end - start, budget, options.maxValueBytes());
          flushPipe();
        }
        RedisFuture<KeyScanCursor<byte[]>> scanAhead =
            ahead && !page.isFinished() ? async.scan(ScanCursor.of(page.getCursor()), args) : null;
        connection.flushCommands();
        if (fetch != null) {
          try {
            fetch.read(pipe);
          } catch (IOException e) {
            throw lost(e);
          }
        }
        SourceException aheadFailed = null;
        if (scanAhead != null) {
          try {
            nextPage = await(scanAhead, null);
            if (!nextPage.getKeys().isEmpty()) {
              nextFetch = Fetch.send(pipe, nextPage.getKeys(), 0, nextPage.getKeys().size(), budget,
                  options.maxValueBytes());
              flushPipe();
            }
          } catch (SourceException e) {
            aheadFailed = e; // this batch is read: deliver it first
            nextPage = null;
          }
        }
        if (!deliverBatch(consumer, async, keys, start, end, fetch, budget)) {
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
        List<byte[]> keys, int from, int end, Fetch fetch, long budget) {
      int n = end - from;
      String[] type = new String[n];
      Long[] ttl = new Long[n];
      long[] length = new long[n];
      byte[][] value = new byte[n][];
      if (n > 0) {
        readFetch(async, fetch, type, ttl, length, value);
      }
      // Values longer than the fetch's probe (and empty ones): pipelined GETs, at most `budget` bytes a pipeline (a single over-budget
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
              boolean wanted = "string".equals(type[j]) && value[j] == null && length[j] <= options.maxValueBytes();
              if (wanted && j > i && bytes + length[j] > budget) {
                break;
              }
              gets.add(wanted ? async.get(keys.get(from + j)) : null);
              bytes += wanted ? length[j] : 0;
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
     * Reads a {@link Fetch} that completed into per-key type, PTTL, length and value; asks TYPE for the keys whose
     * GETRANGE failed and STRLEN for the values longer than the fetch's probe, in one more pipeline. A value left
     * null with a length within {@link SourceOptions#maxValueBytes()} is fetched by GET afterwards.
     */
    private void readFetch(RedisAsyncCommands<byte[], byte[]> async, Fetch f, String[] type, Long[] ttl,
        long[] length, byte[][] value) {
      List<Integer> untyped = null;
      List<Integer> longer = null;
      for (int i = 0; i < f.n; i++) {
        if (f.ttlError[i] != null) {
          throw serverError(new RedisCommandExecutionException(f.ttlError[i]));
        }
        long pttl = f.ttl[i];
        ttl[i] = pttl;
        byte[] head = f.head[i];
        f.head[i] = null;
        if (pttl == -2) {
          type[i] = "none"; // gone by the time PTTL ran
        } else if (head == null) { // GETRANGE failed: not a string (WRONGTYPE)
          length[i] = -1;
          (untyped == null ? untyped = new ArrayList<>() : untyped).add(i);
        } else {
          type[i] = "string";
          if (head.length > f.probe) {
            (longer == null ? longer = new ArrayList<>() : longer).add(i);
          } else if (head.length > 0) {
            length[i] = head.length;
            value[i] = head;
          }
          // empty: an empty string, or a key that appeared between GETRANGE and PTTL; the GET tells
        }
      }
      if (untyped == null && longer == null) {
        return;
      }
      List<RedisFuture<String>> types = new ArrayList<>();
      List<RedisFuture<Long>> lengths = new ArrayList<>();
      for (int i : untyped == null ? List.<Integer>of() : untyped) {
        types.add(async.type(f.keys.get(f.from + i)));
      }
      for (int i : longer == null ? List.<Integer>of() : longer) {
        lengths.add(async.strlen(f.keys.get(f.from + i)));
      }
      connection.flushCommands();
      for (int t = 0; t < types.size(); t++) {
        type[untyped.get(t)] = await(types.get(t), null);
      }
      for (int t = 0; t < lengths.size(); t++) {
        int i = longer.get(t);
        Long len = await(lengths.get(t), WRONG_TYPE);
        if (len == WRONG_TYPE) {
          type[i] = null; // no longer a string: counts as vanished, like a GET that fails
        } else {
          length[i] = len; // 0: gone since, the GET tells
        }
      }
    }

    private void flushPipe() {
      try {
        pipe.flush();
      } catch (IOException e) {
        throw lost(e);
      }
    }

    /** Closes the connection of the per-key reads (the Lettuce connection belongs to the caller). */
    void close() {
      pipe.close();
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

  /**
   * One batch's {@code GETRANGE key 0 probe} and {@code PTTL key} for each key, buffered on a {@link RespPipe}
   * by {@link #send} and read straight into arrays by {@link #read}, in the order they went out.
   *
   * <p>{@code probe} is the batch's budget divided by its keys, at most the value limit: a GETRANGE answers at
   * most {@code probe + 1} bytes, so a batch holds at most budget + keys bytes of values, and a reply of at most
   * {@code probe} bytes is the whole value. {@code head[i]} stays null when GETRANGE failed (a non-string);
   * {@code ttlError[i]} is set when PTTL failed.
   */
  static final class Fetch {
    private static final byte[] GETRANGE = "*4\r\n$8\r\nGETRANGE\r\n$".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PTTL = "*2\r\n$4\r\nPTTL\r\n$".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};

    final List<byte[]> keys;
    final int from;
    final int n;
    final long probe;
    final byte[][] head;
    final long[] ttl;
    final String[] ttlError;

    private Fetch(List<byte[]> keys, int from, int n, long probe) {
      this.keys = keys;
      this.from = from;
      this.n = n;
      this.probe = probe;
      this.head = new byte[n][];
      this.ttl = new long[n];
      this.ttlError = new String[n];
    }

    /** Buffers (does not flush) the fetch of {@code n > 0} keys from {@code from}. */
    static Fetch send(RespPipe pipe, List<byte[]> keys, int from, int n, long budget, long maxValueBytes) {
      long probe = Math.min(maxValueBytes, budget / n);
      byte[] range = ("\r\n$1\r\n0\r\n$" + Long.toString(probe).length() + "\r\n" + probe + "\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < n; i++) {
        byte[] k = keys.get(from + i);
        pipe.keyCommand(GETRANGE, k, range);
        pipe.keyCommand(PTTL, k, CRLF);
      }
      return new Fetch(keys, from, n, probe);
    }

    /** Reads the replies of {@link #send}'s commands, which must be the next replies on {@code pipe}. */
    void read(RespPipe pipe) throws IOException {
      for (int i = 0; i < n; i++) {
        head[i] = pipe.readBulk(probe + 1);
        long t = pipe.readInteger();
        ttl[i] = t;
        if (t == Long.MIN_VALUE) {
          ttlError[i] = pipe.lastError;
        }
      }
    }
  }
}

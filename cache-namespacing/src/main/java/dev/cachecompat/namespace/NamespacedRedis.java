package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;
import io.lettuce.core.KeyValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A Redis cache (over a Lettuce standalone or cluster connection with byte-array keys and values) seen through one
 * namespace of a {@link NamespaceGroup}; the Redis counterpart of {@link NamespacedMemcached}, with the same
 * rules for deletes, writes per migration mode and payload validation.
 *
 * <p>Every command takes one key, so nothing ever spans two hash slots: on a cluster Lettuce routes each to its
 * slot's node, and a fan-out delete or dual write is pipelined as one command per namespace. Keys with a
 * {@code {hash tag}} keep their tag behind the namespace prefix, so every namespace's copy of
 * {@code {user:42}:feed} lives in one slot; untagged keys of different namespaces usually land in different slots,
 * which is correct but not atomic. {@link #getMulti} uses MGET, which Lettuce's cluster client splits by slot.
 *
 * <p>Read-through backfills keep the source's remaining TTL (PTTL). Each operation has a synchronous form that
 * waits at most the configured timeout and an asynchronous form returning a {@link CompletableFuture} that
 * completes exceptionally with {@link NamespaceException}. Configure the connection with
 * {@code ClientOptions.disconnectedBehavior(REJECT_COMMANDS)} so commands issued while the server is down fail at
 * once rather than run later. Thread-safe; the connection stays the caller's to close.
 */
public final class NamespacedRedis {
  private final RedisClusterAsyncCommands<byte[], byte[]> redis;
  private final NamespaceGroup group;
  private final Namespace own;
  private final List<Namespace> others;
  private final Payloads payloads;
  private final long timeoutMillis;

  private NamespacedRedis(Builder b) {
    this.redis = b.redis;
    this.group = b.group;
    this.own = b.own;
    List<Namespace> rest = new ArrayList<>(group.namespaces());
    rest.remove(own);
    this.others = List.copyOf(rest);
    this.payloads = Payloads.create(b.options);
    this.timeoutMillis = b.timeoutMillis;
  }

  /**
   * A builder over a standalone connection.
   *
   * @param connection a connection with byte-array keys and values ({@code ByteArrayCodec})
   * @param group the namespaces of the logical cache (raw prefixes without braces)
   * @param ownNamespace the name of the caller's namespace
   * @return a new builder
   * @throws IllegalArgumentException if the group has no such namespace or a prefix has a brace
   */
  public static Builder builder(StatefulRedisConnection<byte[], byte[]> connection, NamespaceGroup group,
      String ownNamespace) {
    return new Builder(Checks.requireNonNull(connection, "connection").async(), group, ownNamespace);
  }

  /**
   * A builder over a cluster connection.
   *
   * @param connection a cluster connection with byte-array keys and values ({@code ByteArrayCodec})
   * @param group the namespaces of the logical cache (raw prefixes without braces)
   * @param ownNamespace the name of the caller's namespace
   * @return a new builder
   * @throws IllegalArgumentException if the group has no such namespace or a prefix has a brace
   */
  public static Builder builder(StatefulRedisClusterConnection<byte[], byte[]> connection, NamespaceGroup group,
      String ownNamespace) {
    return new Builder(Checks.requireNonNull(connection, "connection").async(), group, ownNamespace);
  }

  /**
   * The caller's namespace.
   *
   * @return the namespace
   */
  public Namespace namespace() {
    return own;
  }

  /**
   * The group.
   *
   * @return the group
   */
  public NamespaceGroup group() {
    return group;
  }

  private static byte[] raw(Namespace ns, String key) {
    Checks.requireNonNull(key, "key");
    return RedisKeys.utf8(ns.rawKey(key));
  }

  /** What an error message names, built only when there is an error (not on every call of the hot path). */
  private static Supplier<String> what(String op, Namespace ns, String key) {
    return () -> op + " of key '" + ns.rawKey(key) + "'";
  }

  private static <T> CompletableFuture<T> cf(io.lettuce.core.RedisFuture<T> f, Supplier<String> what) {
    return f.toCompletableFuture().handle((v, t) -> {
      if (t != null) {
        throw RedisErrors.map(t, what.get());
      }
      return v;
    });
  }

  private <T> T sync(CompletableFuture<T> f, Supplier<String> what) {
    return RedisErrors.await(f, timeoutMillis, what);
  }

  // ---------------------------------------------------------------- reads

  /**
   * Reads a value.
   *
   * @param key the logical key
   * @return the value, or null on a miss (including a rejected payload in lenient mode)
   * @throws NamespaceException if the server fails or (strict) a payload is rejected
   */
  public Object get(String key) {
    return sync(getAsync(key), what("GET", own, key));
  }

  /**
   * Reads a value asynchronously.
   *
   * @param key the logical key
   * @return the value or null, or a failure with {@link NamespaceException}
   */
  public CompletableFuture<Object> getAsync(String key) {
    byte[] k = raw(own, key);
    if (group.mode() != MigrationMode.READ_THROUGH) {
      // one stage: map a failure, decode a hit
      return redis.get(k).toCompletableFuture().handle((data, t) -> {
        if (t != null) {
          throw RedisErrors.map(t, what("GET", own, key).get());
        }
        return data == null ? null : decode(own, key, data);
      });
    }
    return cf(redis.get(k), what("GET", own, key)).thenCompose(data -> {
      Object value = data == null ? null : decode(own, key, data);
      if (value != null || group.mode() != MigrationMode.READ_THROUGH) {
        return CompletableFuture.completedFuture(value);
      }
      return readThrough(key, 0);
    });
  }

  private CompletableFuture<Object> readThrough(String key, int index) {
    if (index >= others.size()) {
      return CompletableFuture.completedFuture(null);
    }
    Namespace other = others.get(index);
    byte[] k = raw(other, key);
    CompletableFuture<byte[]> data = cf(redis.get(k), what("GET", other, key));
    CompletableFuture<Long> pttl = cf(redis.pttl(k), what("PTTL", other, key));
    return data.thenCombine(pttl, (d, ttl) -> new Object[] {d, ttl}).thenCompose(pair -> {
      byte[] d = (byte[]) pair[0];
      long ttl = (Long) pair[1];
      Object value = d == null ? null : decode(other, key, d);
      if (value == null) {
        return readThrough(key, index + 1);
      }
      byte[] encoded = payloads.encodeRedis(own, value);
      SetArgs args = SetArgs.Builder.nx();
      if (ttl > 0) {
        args.px(ttl);
      }
      return cf(redis.set(raw(own, key), encoded, args), what("SET", own, key)).thenApply(ok -> value);
    });
  }

  private Object decode(Namespace source, String key, byte[] data) {
    return Decoding.decode(payloads.options(), own, source, source.rawKey(key),
        () -> payloads.decodeRedis(source, data));
  }

  /**
   * Reads many values with MGET (split by slot on a cluster); in read-through mode the misses are then read from
   * the other namespaces one by one.
   *
   * @param keys the logical keys
   * @return the hits by logical key, in the order of {@code keys}
   * @throws NamespaceException as {@link #get}
   */
  public Map<String, Object> getMulti(Collection<String> keys) {
    return sync(getMultiAsync(keys), () -> "MGET of " + keys.size() + " keys in namespace " + own.name());
  }

  /**
   * Reads many values asynchronously.
   *
   * @param keys the logical keys
   * @return the hits by logical key, or a failure with {@link NamespaceException}
   */
  public CompletableFuture<Map<String, Object>> getMultiAsync(Collection<String> keys) {
    List<String> list = List.copyOf(keys);
    if (list.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    byte[][] raws = new byte[list.size()][];
    for (int i = 0; i < list.size(); i++) {
      raws[i] = raw(own, list.get(i));
    }
    return cf(redis.mget(raws), () -> "MGET of " + list.size() + " keys in namespace " + own.name()).thenCompose(kvs -> {
      Map<String, Object> hits = new LinkedHashMap<>();
      List<CompletableFuture<Void>> pending = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        KeyValue<byte[], byte[]> kv = kvs.get(i);
        String key = list.get(i);
        Object value = kv.hasValue() ? decode(own, key, kv.getValue()) : null;
        hits.put(key, value);
        if (value == null && group.mode() == MigrationMode.READ_THROUGH) {
          pending.add(readThrough(key, 0).thenAccept(v -> {
            synchronized (hits) {
              hits.put(key, v);
            }
          }));
        }
      }
      return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).thenApply(x -> {
        Map<String, Object> out = new LinkedHashMap<>();
        synchronized (hits) {
          for (String k : list) {
            if (hits.get(k) != null) {
              out.put(k, hits.get(k));
            }
          }
        }
        return out;
      });
    });
  }

  /**
   * The remaining time to live of the key in the caller's namespace.
   *
   * @param key the logical key
   * @return PTTL's answer: milliseconds, -1 without expiry, -2 when absent
   * @throws NamespaceException if the server fails
   */
  public long pttl(String key) {
    return sync(cf(redis.pttl(raw(own, key)), what("PTTL", own, key)), what("PTTL", own, key));
  }

  // ---------------------------------------------------------------- writes

  /**
   * Stores a value (see {@link NamespacedMemcached} for what each migration mode adds).
   *
   * @param key the logical key
   * @param value the value, not null
   * @param ttl the time to live, or null or zero for none
   * @throws NamespaceException if the value cannot be encoded, the server fails, or (dual write) one namespace's
   *     write fails ({@code dual-write-failed}, after deleting the key everywhere)
   */
  public void set(String key, Object value, Duration ttl) {
    sync(setAsync(key, value, ttl), what("SET", own, key));
  }

  /**
   * Stores a value asynchronously.
   *
   * @param key the logical key
   * @param value the value, not null
   * @param ttl the time to live, or null or zero for none
   * @return completion, or a failure with {@link NamespaceException}
   */
  public CompletableFuture<Void> setAsync(String key, Object value, Duration ttl) {
    Checks.requireNonNull(value, "value");
    if (group.mode() == MigrationMode.DUAL_WRITE) {
      return dualWrite(key, value, ttl, null);
    }
    byte[] encoded = payloads.encodeRedis(own, value);
    CompletableFuture<String> set = cf(redis.set(raw(own, key), encoded, args(ttl)), what("SET", own, key));
    if (others.isEmpty()) {
      return set.thenApply(ok -> null);
    }
    CompletableFuture<Long> dels = deleteIn(others, key);
    return set.thenCombine(dels, (a, b) -> null);
  }

  private static SetArgs args(Duration ttl) {
    SetArgs a = new SetArgs();
    if (ttl != null && !ttl.isZero()) {
      Checks.requireArgument(!ttl.isNegative(), "TTL must not be negative: %s", ttl);
      a.px(ttl.toMillis());
    }
    return a;
  }

  /** Writes every namespace; on any failure deletes the key everywhere and fails with dual-write-failed. */
  private CompletableFuture<Void> dualWrite(String key, Object value, Duration ttl, Namespace skip) {
    List<Namespace> targets = new ArrayList<>();
    List<byte[]> encoded = new ArrayList<>();
    for (Namespace ns : group.namespaces()) {
      if (ns != skip) {
        targets.add(ns);
        encoded.add(payloads.encodeRedis(ns, value));
      }
    }
    List<CompletableFuture<String>> writes = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      Namespace ns = targets.get(i);
      writes.add(cf(redis.set(raw(ns, key), encoded.get(i), args(ttl)), what("SET", ns, key)));
    }
    return CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).handle((x, t) -> t)
        .thenCompose(t -> {
          if (t == null) {
            return CompletableFuture.completedFuture(null);
          }
          String failedIn = "";
          Throwable cause = t;
          for (int i = 0; i < writes.size(); i++) {
            if (writes.get(i).isCompletedExceptionally()) {
              failedIn = targets.get(i).name();
              cause = writes.get(i).handle((v, e) -> e).join();
              break;
            }
          }
          NamespaceException failure = RedisErrors.map(cause, "SET");
          String ns = failedIn;
          return deleteQuietly(group.namespaces(), key).thenApply(notDeleted -> {
            throw new NamespaceException("dual-write-failed", "dual write of key '" + key + "' failed in namespace "
                + ns + ": " + failure.getMessage() + (notDeleted.isEmpty() ? "; deleted the key in every namespace"
                    : "; deleted the key in every namespace except " + String.join(", ", notDeleted)), failure);
          });
        });
  }

  /** Deletes the key in each namespace; completes with the namespaces where that failed (never exceptionally). */
  private CompletableFuture<List<String>> deleteQuietly(List<Namespace> namespaces, String key) {
    List<String> failed = new ArrayList<>();
    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
    for (Namespace ns : namespaces) {
      CompletableFuture<Void> one = cf(redis.del(raw(ns, key)), what("DEL", ns, key)).handle((n, e) -> {
        if (e != null) {
          synchronized (failed) {
            failed.add(ns.name() + " (" + RedisErrors.map(e, "DEL").getMessage() + ")");
          }
        }
        return null;
      });
      all = all.thenCombine(one, (a, b) -> null);
    }
    return all.thenApply(x -> {
      synchronized (failed) {
        return List.copyOf(failed);
      }
    });
  }

  private CompletableFuture<Long> deleteIn(List<Namespace> namespaces, String key) {
    List<CompletableFuture<Long>> dels = new ArrayList<>();
    for (Namespace ns : namespaces) {
      dels.add(cf(redis.del(raw(ns, key)), what("DEL", ns, key)));
    }
    CompletableFuture<Long> sum = CompletableFuture.completedFuture(0L);
    for (CompletableFuture<Long> d : dels) {
      sum = sum.thenCombine(d, Long::sum);
    }
    return sum;
  }

  /**
   * Stores a value only if the caller's namespace has none (SET NX); when stored, the other namespaces' copies
   * are deleted (dual write: overwritten).
   *
   * @param key the logical key
   * @param value the value, not null
   * @param ttl the time to live, or null or zero for none
   * @return true if stored
   * @throws NamespaceException as {@link #set}
   */
  public boolean add(String key, Object value, Duration ttl) {
    return sync(addAsync(key, value, ttl), what("SET NX", own, key));
  }

  /**
   * Stores a value asynchronously if absent.
   *
   * @param key the logical key
   * @param value the value, not null
   * @param ttl the time to live, or null or zero for none
   * @return whether it was stored, or a failure with {@link NamespaceException}
   */
  public CompletableFuture<Boolean> addAsync(String key, Object value, Duration ttl) {
    Checks.requireNonNull(value, "value");
    byte[] encoded = payloads.encodeRedis(own, value);
    return cf(redis.set(raw(own, key), encoded, args(ttl).nx()), what("SET NX", own, key)).thenCompose(ok -> {
      if (ok == null) {
        return CompletableFuture.completedFuture(false);
      }
      return propagate(key, value, ttl).thenApply(x -> true);
    });
  }

  private CompletableFuture<Void> propagate(String key, Object value, Duration ttl) {
    if (group.mode() == MigrationMode.DUAL_WRITE) {
      return dualWrite(key, value, ttl, own);
    }
    return deleteIn(others, key).thenApply(n -> null);
  }

  /**
   * Deletes the key in every namespace of the group, pipelined, one DEL per namespace.
   *
   * @param key the logical key
   * @return how many namespaces held the key
   * @throws NamespaceException if the server fails
   */
  public long delete(String key) {
    return sync(deleteAsync(key), () -> "DEL of '" + key + "' in every namespace of " + group);
  }

  /**
   * Deletes the key in every namespace asynchronously.
   *
   * @param key the logical key
   * @return how many namespaces held it, or a failure with {@link NamespaceException}
   */
  public CompletableFuture<Long> deleteAsync(String key) {
    return deleteIn(group.namespaces(), key);
  }

  /**
   * Sets a new TTL on the key in the caller's namespace (dual write: in every namespace).
   *
   * @param key the logical key
   * @param ttl the new TTL, or zero to remove the expiry
   * @return true if the caller's namespace held the key
   * @throws NamespaceException if the server fails
   */
  public boolean touch(String key, Duration ttl) {
    return sync(touchAsync(key, ttl), what("PEXPIRE", own, key));
  }

  /**
   * Sets a new TTL asynchronously; see {@link #touch}.
   *
   * @param key the logical key
   * @param ttl the new TTL, or zero to remove the expiry
   * @return whether the caller's namespace held the key, or a failure with {@link NamespaceException}
   */
  public CompletableFuture<Boolean> touchAsync(String key, Duration ttl) {
    Checks.requireNonNull(ttl, "ttl");
    Checks.requireArgument(!ttl.isNegative(), "TTL must not be negative: %s", ttl);
    List<Namespace> targets = group.mode() == MigrationMode.DUAL_WRITE ? group.namespaces() : List.of(own);
    CompletableFuture<Boolean> first = null;
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (Namespace ns : targets) {
      byte[] k = raw(ns, key);
      CompletableFuture<Boolean> f = ttl.isZero() ? cf(redis.persist(k), what("PERSIST", ns, key))
          .thenCompose(p -> cf(redis.exists(k), what("EXISTS", ns, key)).thenApply(n -> n > 0))
          : cf(redis.pexpire(k, ttl.toMillis()), what("PEXPIRE", ns, key));
      all.add(f);
      if (ns == own) {
        first = f;
      }
    }
    CompletableFuture<Boolean> result = first;
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).thenCompose(x -> result);
  }

  /**
   * INCRBY on the caller's namespace (Redis creates a missing key at 0; the value stays decimal digits, which is
   * how Django's RedisCache stores integers). The other namespaces' copies are deleted (dual write: set).
   *
   * @param key the logical key
   * @param delta the amount, may be negative
   * @return the new value
   * @throws NamespaceException if the server fails or the value is not an integer
   */
  public long incr(String key, long delta) {
    return sync(incrAsync(key, delta), what("INCRBY", own, key));
  }

  /**
   * INCRBY asynchronously; see {@link #incr}.
   *
   * @param key the logical key
   * @param delta the amount, may be negative
   * @return the new value, or a failure with {@link NamespaceException}
   */
  public CompletableFuture<Long> incrAsync(String key, long delta) {
    byte[] k = raw(own, key);
    return cf(redis.incrby(k, delta), what("INCRBY", own, key))
        .thenCompose(v -> propagate(key, v, null).thenApply(x -> v));
  }

  /**
   * DECRBY on the caller's namespace; see {@link #incr}.
   *
   * @param key the logical key
   * @param delta the amount
   * @return the new value
   * @throws NamespaceException if the server fails or the value is not an integer
   */
  public long decr(String key, long delta) {
    Checks.requireArgument(delta != Long.MIN_VALUE, "delta out of range: %s", delta);
    return incr(key, -delta);
  }

  /**
   * DECRBY asynchronously; see {@link #decr}.
   *
   * @param key the logical key
   * @param delta the amount
   * @return the new value, or a failure with {@link NamespaceException}
   * @throws IllegalArgumentException if delta is {@link Long#MIN_VALUE}
   */
  public CompletableFuture<Long> decrAsync(String key, long delta) {
    Checks.requireArgument(delta != Long.MIN_VALUE, "delta out of range: %s", delta);
    return incrAsync(key, -delta);
  }

  /**
   * A codec for the caller's namespace with the same options, for code that uses Lettuce directly.
   *
   * @return the codec
   */
  public NamespacedCodec codec() {
    return NamespacedCodec.of(own, payloads.options());
  }

  /** Builds a {@link NamespacedRedis}. Not thread-safe. */
  public static final class Builder {
    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final NamespaceGroup group;
    private final Namespace own;
    private ValueOptions options = ValueOptions.defaults();
    private long timeoutMillis = 2_000;

    private Builder(RedisClusterAsyncCommands<byte[], byte[]> redis, NamespaceGroup group, String ownNamespace) {
      this.redis = redis;
      this.group = Checks.requireNonNull(group, "group");
      this.own = group.namespace(Checks.requireNonNull(ownNamespace, "ownNamespace"));
      for (Namespace ns : group.namespaces()) {
        RedisKeys.checkPrefix(ns);
      }
    }

    /**
     * Sets the value options.
     *
     * @param options the options
     * @return this builder
     */
    public Builder options(ValueOptions options) {
      this.options = Checks.requireNonNull(options, "options");
      return this;
    }

    /**
     * Sets how long a synchronous operation waits (default 2,000 ms).
     *
     * @param millis a positive timeout
     * @return this builder
     */
    public Builder timeoutMillis(long millis) {
      Checks.requireArgument(millis > 0, "timeout must be positive: %s", millis);
      this.timeoutMillis = millis;
      return this;
    }

    /**
     * Builds the client view.
     *
     * @return the namespaced client
     */
    public NamespacedRedis build() {
      return new NamespacedRedis(this);
    }
  }
}

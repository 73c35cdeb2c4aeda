package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.CommandFactory;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClient;
import net.rubyeye.xmemcached.command.Command;
import net.rubyeye.xmemcached.exception.MemcachedClientException;
import net.rubyeye.xmemcached.exception.MemcachedException;
import net.rubyeye.xmemcached.exception.MemcachedServerException;
import net.rubyeye.xmemcached.utils.ByteUtils;

/**
 * A memcached cache (over an Xmemcached client) seen through one namespace of a {@link NamespaceGroup}: every
 * operation takes logical keys, writes the caller's namespace in the format its readers load, and keeps the other
 * namespaces of the group from serving stale copies.
 *
 * <ul>
 *   <li>{@link #delete} deletes the key in every namespace of the group, pipelined (see below).
 *   <li>Writes ({@link #set}, {@link #add}, {@link #incr}, {@link #decr}) in {@link MigrationMode#OWN} and
 *       {@link MigrationMode#READ_THROUGH} write the caller's namespace and delete the key in the others; in
 *       {@link MigrationMode#DUAL_WRITE} they write every namespace, each in its own format, and if one write
 *       fails delete the key everywhere and throw.
 *   <li>In {@link MigrationMode#READ_THROUGH} a miss in the caller's namespace reads the other namespaces in group
 *       order; a payload the caller's readers can load is validated, re-encoded and added to the caller's namespace
 *       (with the backfill TTL, as memcached does not expose a remaining TTL to {@code get}).
 *   <li>Every payload read is checked (flags, pickle inspection, limits, the readers' Python version); a rejected
 *       one is a miss reported to {@link ValueOptions#listener()}, or an exception in strict mode.
 * </ul>
 *
 * <p>Python {@code None} decodes to null and so reads as a miss, as Django's {@code cache.get} does. Keys go
 * through the {@link MemcachedKeyPolicy}. TTLs are memcached exptimes in seconds (0 = no expiry; above 30 days an
 * absolute Unix time). Every failure is a {@link NamespaceException}; a server that is down gives
 * {@code server-unavailable}, and the client recovers by itself when the server is back (Xmemcached heals its
 * sessions). Thread-safe; the Xmemcached client stays the caller's to shut down.
 *
 * <p><b>Pipelined fan-out.</b> Xmemcached has no multi-key delete and no pipelining API that returns replies.
 * Its {@code deleteWithNoReply} sends without waiting, but a "noreply" delete reports neither whether the key
 * existed nor a failure (memcached still answers a malformed noreply command with an error line, which
 * desynchronises the client), and a barrier command after it only orders replies when both travel on the same
 * connection, which a client with a connection pool does not promise. So the fan-out deletes (of {@link #delete},
 * and of the other namespaces after a write) are Xmemcached's own {@code Command} objects: one ordinary delete
 * (with a reply) per namespace, created by the client's {@code CommandFactory} and all handed to its connector
 * before the first reply is awaited. N namespaces cost about one round trip; each reply still says whether that
 * namespace held the key, each failure is still seen, and every wait is bounded by the operation timeout. This
 * needs the {@link XMemcachedClient} implementation (every client Xmemcached's builders make); any other
 * {@link MemcachedClient} gets one blocking delete per namespace in group order.
 */
public final class NamespacedMemcached {
  private final MemcachedClient client;
  private final NamespaceGroup group;
  private final Namespace own;
  private final List<Namespace> others;
  private final Payloads payloads;
  private final MemcachedKeyPolicy keyPolicy;
  private final long timeoutMillis;
  private final int backfillTtlSeconds;
  /** The client's command factory for pipelined deletes, or null when the client is not an XMemcachedClient. */
  private final CommandFactory commands;

  private NamespacedMemcached(Builder b) {
    this.client = b.client;
    this.group = b.group;
    this.own = b.own;
    List<Namespace> rest = new ArrayList<>(group.namespaces());
    rest.remove(own);
    this.others = List.copyOf(rest);
    this.payloads = Payloads.create(b.options);
    this.keyPolicy = b.keyPolicy;
    this.timeoutMillis = b.timeoutMillis;
    this.backfillTtlSeconds = b.backfillTtlSeconds;
    this.commands = client instanceof XMemcachedClient ? ((XMemcachedClient) client).getCommandFactory() : null;
  }

  /**
   * A builder.
   *
   * @param client a started Xmemcached client (its own transcoder is never used)
   * @param group the namespaces of the logical cache
   * @param ownNamespace the name of the caller's namespace in the group
   * @return a new builder
   * @throws IllegalArgumentException if the group has no namespace of that name, or the client sanitizes
   *     (URL-encodes) keys, which would make its wire keys differ from the Python clients'
   */
  public static Builder builder(MemcachedClient client, NamespaceGroup group, String ownNamespace) {
    return new Builder(client, group, ownNamespace);
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

  /**
   * The key memcached sees for a logical key in the caller's namespace (after the {@link MemcachedKeyPolicy}).
   *
   * @param key the logical key
   * @return the wire key
   * @throws NamespaceException if the key policy refuses it
   */
  public String wireKey(String key) {
    return wireKey(own, key);
  }

  private String wireKey(Namespace ns, String key) {
    Checks.requireNonNull(key, "key");
    return keyPolicy.wireKey(ns.rawKey(key));
  }

  /**
   * Reads a value.
   *
   * @param key the logical key
   * @return the value, or null on a miss (including a rejected payload in lenient mode)
   * @throws NamespaceException if the server fails, the key is refused, or (strict) a payload is rejected
   */
  public Object get(String key) {
    String wk = wireKey(own, key);
    MemcachedValue v = call("get", wk, () -> client.get(wk, timeoutMillis, RawTranscoder.INSTANCE));
    Object value = v == null ? null : decode(own, wk, v);
    if (value != null || group.mode() != MigrationMode.READ_THROUGH) {
      return value;
    }
    return readThrough(key, wk);
  }

  private Object readThrough(String key, String ownWireKey) {
    for (Namespace other : others) {
      String wk = wireKey(other, key);
      MemcachedValue v = call("get", wk, () -> client.get(wk, timeoutMillis, RawTranscoder.INSTANCE));
      if (v == null) {
        continue;
      }
      Object value = decode(other, wk, v);
      if (value != null) {
        MemcachedValue encoded = payloads.encodeMemcached(own, value);
        call("add", ownWireKey,
            () -> client.add(ownWireKey, backfillTtlSeconds, encoded, RawTranscoder.INSTANCE, timeoutMillis));
        return value;
      }
    }
    return null;
  }

  private Object decode(Namespace source, String wireKey, MemcachedValue v) {
    return Decoding.decode(payloads.options(), own, source, wireKey,
        () -> payloads.decodeMemcached(source, v.flags(), v.data()));
  }

  /**
   * Reads many values in one round trip per namespace.
   *
   * @param keys the logical keys
   * @return the hits, by logical key, in the order of {@code keys}
   * @throws NamespaceException as {@link #get}
   */
  public Map<String, Object> getMulti(Collection<String> keys) {
    Checks.requireNonNull(keys, "keys");
    Map<String, Object> result = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>(keys);
    List<Namespace> order = new ArrayList<>();
    order.add(own);
    if (group.mode() == MigrationMode.READ_THROUGH) {
      order.addAll(others);
    }
    for (Namespace ns : order) {
      if (missing.isEmpty()) {
        break;
      }
      Map<String, String> byWire = new LinkedHashMap<>();
      for (String k : missing) {
        byWire.put(wireKey(ns, k), k);
      }
      Map<String, MemcachedValue> got = call("get-multi", ns.name() + ":*",
          () -> client.get(byWire.keySet(), timeoutMillis, RawTranscoder.INSTANCE));
      for (Map.Entry<String, String> e : byWire.entrySet()) {
        MemcachedValue v = got == null ? null : got.get(e.getKey());
        Object value = v == null ? null : decode(ns, e.getKey(), v);
        if (value != null) {
          result.put(e.getValue(), value);
          missing.remove(e.getValue());
          if (ns != own) {
            String ownKey = wireKey(own, e.getValue());
            MemcachedValue encoded = payloads.encodeMemcached(own, value);
            call("add", ownKey,
                () -> client.add(ownKey, backfillTtlSeconds, encoded, RawTranscoder.INSTANCE, timeoutMillis));
          }
        }
      }
    }
    Map<String, Object> ordered = new LinkedHashMap<>();
    for (String k : keys) {
      if (result.containsKey(k)) {
        ordered.put(k, result.get(k));
      }
    }
    return ordered;
  }

  /**
   * Stores a value (see the class comment for what the migration mode adds).
   *
   * <p>A {@code byte[]} value is stored as it is and not copied (as the bare client does): it must not change
   * while the call runs; once the call returns the server has the bytes and the array is the caller's again.
   *
   * @param key the logical key
   * @param value the value, not null
   * @param ttlSeconds the memcached exptime, 0 for none
   * @throws NamespaceException if the value cannot be encoded, the server fails, or (dual write) one namespace's
   *     write fails ({@code dual-write-failed}, after deleting the key everywhere)
   */
  public void set(String key, Object value, int ttlSeconds) {
    Checks.requireNonNull(value, "value");
    Checks.requireArgument(ttlSeconds >= 0, "TTL must be 0 or more seconds: %s", ttlSeconds);
    if (group.mode() == MigrationMode.DUAL_WRITE) {
      dualWrite(key, value, ttlSeconds);
      return;
    }
    String wk = wireKey(own, key);
    // a byte[] is not copied (as with the bare client): Xmemcached encodes it into its write buffer in this
    // thread, and the set waits for the reply. (After a timeout a binary-protocol set still queued may be
    // re-encoded when Xmemcached merges sets into setq: a caller changing the array then may store the change.)
    MemcachedValue encoded = payloads.encodeMemcached(own, value, false);
    boolean stored = call("set", wk, () -> client.set(wk, ttlSeconds, encoded, RawTranscoder.INSTANCE, timeoutMillis));
    if (!stored) {
      throw new NamespaceException("write-failed", "memcached did not store key '" + wk + "'");
    }
    deleteOthers(key);
  }

  private void dualWrite(String key, Object value, int ttlSeconds) {
    List<String> wireKeys = new ArrayList<>();
    List<MemcachedValue> encoded = new ArrayList<>();
    for (Namespace ns : group.namespaces()) {
      encoded.add(payloads.encodeMemcached(ns, value, false));
    }
    for (Namespace ns : group.namespaces()) {
      wireKeys.add(keyOrNull(ns, key));
    }
    for (int i = 0; i < wireKeys.size(); i++) {
      Namespace ns = group.namespaces().get(i);
      String wk = wireKeys.get(i);
      MemcachedValue v = encoded.get(i);
      RuntimeException failure = null;
      try {
        if (wk == null) {
          wireKey(ns, key); // throws the policy's refusal
        }
        if (!call("set", wk, () -> client.set(wk, ttlSeconds, v, RawTranscoder.INSTANCE, timeoutMillis))) {
          failure = new NamespaceException("write-failed", "memcached did not store key '" + wk + "'");
        }
      } catch (NamespaceException e) {
        failure = e;
      }
      if (failure != null) {
        String cleanup = deleteEverywhereQuietly(wireKeys);
        throw new NamespaceException("dual-write-failed", "dual write of key '" + key + "' failed in namespace "
            + ns.name() + ": " + failure.getMessage() + "; deleted the key in every namespace" + cleanup, failure);
      }
    }
  }

  private String keyOrNull(Namespace ns, String key) {
    try {
      return wireKey(ns, key);
    } catch (NamespaceException e) {
      return null;
    }
  }

  private String deleteEverywhereQuietly(List<String> wireKeys) {
    List<String> keys = new ArrayList<>();
    for (String wk : wireKeys) {
      if (wk != null) {
        keys.add(wk);
      }
    }
    Deleted d = deleteAll(keys);
    StringBuilder failed = new StringBuilder();
    for (int i = 0; i < keys.size(); i++) {
      if (d.errors[i] != null) {
        failed.append(failed.length() == 0 ? " (but could not delete: " : ", ").append(keys.get(i));
      }
    }
    return failed.length() == 0 ? "" : failed.append(')').toString();
  }

  private void deleteOthers(String key) {
    if (others.isEmpty()) {
      return;
    }
    List<String> keys = new ArrayList<>(others.size());
    for (Namespace ns : others) {
      String wk = keyOrNull(ns, key);
      if (wk != null) {
        keys.add(wk);
      }
    }
    deleteAll(keys).throwFirst();
  }

  /** The outcome of pipelined deletes: per wire key, whether it existed, or the failure. */
  private static final class Deleted {
    final boolean[] existed;
    final NamespaceException[] errors;

    Deleted(int n) {
      existed = new boolean[n];
      errors = new NamespaceException[n];
    }

    boolean any() {
      for (boolean b : existed) {
        if (b) {
          return true;
        }
      }
      return false;
    }

    void throwFirst() {
      for (NamespaceException e : errors) {
        if (e != null) {
          throw e;
        }
      }
    }
  }

  /**
   * Deletes every wire key, all requests sent before any reply is awaited (see the class comment); never throws,
   * the failures are in the result.
   */
  private Deleted deleteAll(List<String> wireKeys) {
    int n = wireKeys.size();
    Deleted d = new Deleted(n);
    if (n == 0) {
      return d;
    }
    if (commands == null || n == 1 || client.isSanitizeKeys()) {
      for (int i = 0; i < n; i++) {
        String wk = wireKeys.get(i);
        try {
          d.existed[i] = call("delete", wk, () -> client.delete(wk, timeoutMillis));
        } catch (NamespaceException e) {
          d.errors[i] = e;
        }
      }
      return d;
    }
    Command[] sent = new Command[n];
    for (int i = 0; i < n; i++) {
      String wk = wireKeys.get(i);
      if (client.isShutdown()) {
        d.errors[i] = new NamespaceException("server-unavailable", "memcached delete of key '" + wk
            + "' failed: the Xmemcached client is shut down");
        continue;
      }
      Command c = commands.createDeleteCommand(wk, ByteUtils.getBytes(wk), 0, 0L, false);
      try {
        client.getConnector().send(c);
        sent[i] = c;
      } catch (MemcachedException e) {
        d.errors[i] = mapFailure("delete", wk, e);
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (int i = 0; i < n; i++) {
      Command c = sent[i];
      if (c == null) {
        continue;
      }
      String wk = wireKeys.get(i);
      try {
        if (!c.getLatch().await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          c.cancel();
          d.errors[i] = new NamespaceException("server-unavailable", "memcached delete of key '" + wk
              + "' timed out after " + timeoutMillis + " ms (pipelined with " + (n - 1) + " other deletes)");
          continue;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        d.errors[i] = new NamespaceException("interrupted", "memcached delete of key '" + wk + "' interrupted", e);
        continue;
      }
      if (c.getIoBuffer() != null) {
        c.getIoBuffer().free();
      }
      Exception failure = c.getException();
      if (failure != null) {
        d.errors[i] = mapFailure("delete", wk, failure instanceof MemcachedException ? (MemcachedException) failure
            : new MemcachedException(failure));
      } else if (c.getResult() instanceof Boolean) {
        d.existed[i] = (Boolean) c.getResult();
      } else {
        d.errors[i] = new NamespaceException("server-unavailable", "memcached delete of key '" + wk
            + "' got no reply (connection lost?)");
      }
    }
    return d;
  }

  /**
   * Stores a value only if the caller's namespace has none; when stored, the other namespaces' copies are deleted
   * (or, in dual write, overwritten).
   *
   * @param key the logical key
   * @param value the value, not null
   * @param ttlSeconds the memcached exptime, 0 for none
   * @return true if stored
   * @throws NamespaceException as {@link #set}
   */
  public boolean add(String key, Object value, int ttlSeconds) {
    Checks.requireNonNull(value, "value");
    Checks.requireArgument(ttlSeconds >= 0, "TTL must be 0 or more seconds: %s", ttlSeconds);
    String wk = wireKey(own, key);
    MemcachedValue encoded = payloads.encodeMemcached(own, value, false);
    boolean added = call("add", wk, () -> client.add(wk, ttlSeconds, encoded, RawTranscoder.INSTANCE, timeoutMillis));
    if (added) {
      propagate(key, value, ttlSeconds);
    }
    return added;
  }

  private void propagate(String key, Object value, int ttlSeconds) {
    if (group.mode() == MigrationMode.DUAL_WRITE) {
      dualWrite(key, value, ttlSeconds);
    } else {
      deleteOthers(key);
    }
  }

  /**
   * Deletes the key in every namespace of the group, pipelined: one delete per namespace, all sent before the
   * first reply is awaited (about one round trip for the whole group; see the class comment). A namespace whose
   * wire key the {@link MemcachedKeyPolicy} refuses cannot hold the key and is skipped.
   *
   * @param key the logical key
   * @return true if any namespace held it
   * @throws NamespaceException if the server fails ({@code server-unavailable}: down or no reply within the
   *     timeout; {@code server-error}: refused), after every delete was attempted; the first failure in group
   *     order is thrown
   */
  public boolean delete(String key) {
    List<String> keys = new ArrayList<>(group.namespaces().size());
    for (Namespace ns : group.namespaces()) {
      String wk = keyOrNull(ns, key);
      if (wk != null) {
        keys.add(wk);
      }
    }
    Deleted d = deleteAll(keys);
    d.throwFirst();
    return d.any();
  }

  /**
   * Sets a new TTL on the key in the caller's namespace (in dual write, in every namespace).
   *
   * @param key the logical key
   * @param ttlSeconds the memcached exptime, 0 for none
   * @return true if the caller's namespace held the key
   * @throws NamespaceException if the server fails
   */
  public boolean touch(String key, int ttlSeconds) {
    Checks.requireArgument(ttlSeconds >= 0, "TTL must be 0 or more seconds: %s", ttlSeconds);
    String wk = wireKey(own, key);
    boolean touched = call("touch", wk, () -> client.touch(wk, ttlSeconds, timeoutMillis));
    if (group.mode() == MigrationMode.DUAL_WRITE) {
      for (Namespace ns : others) {
        String o = keyOrNull(ns, key);
        if (o != null) {
          call("touch", o, () -> client.touch(o, ttlSeconds, timeoutMillis));
        }
      }
    }
    return touched;
  }

  /**
   * Adds {@code delta} to an integer value, creating it as {@code initial} (flags 2, as Python clients write
   * integers) when absent. The other namespaces' copies are deleted (dual write: set to the result).
   *
   * @param key the logical key
   * @param delta the non-negative amount to add
   * @param initial the value to create when the key is absent
   * @param ttlSeconds the exptime of a created value
   * @return the new value
   * @throws NamespaceException if the server fails or the stored value is not an integer
   */
  public long incr(String key, long delta, long initial, int ttlSeconds) {
    return counter(key, delta, initial, ttlSeconds, true);
  }

  /**
   * Subtracts {@code delta} from an integer value (memcached stops at 0), creating it as {@code initial} when
   * absent.
   *
   * @param key the logical key
   * @param delta the non-negative amount to subtract
   * @param initial the value to create when the key is absent
   * @param ttlSeconds the exptime of a created value
   * @return the new value
   * @throws NamespaceException if the server fails or the stored value is not an integer
   */
  public long decr(String key, long delta, long initial, int ttlSeconds) {
    return counter(key, delta, initial, ttlSeconds, false);
  }

  private long counter(String key, long delta, long initial, int ttlSeconds, boolean up) {
    Checks.requireArgument(delta >= 0, "delta must be 0 or more: %s", delta);
    Checks.requireArgument(initial >= 0, "memcached counters are unsigned: initial %s", initial);
    String wk = wireKey(own, key);
    MemcachedValue init = payloads.encodeMemcached(own, initial);
    long result;
    if (call("add", wk, () -> client.add(wk, ttlSeconds, init, RawTranscoder.INSTANCE, timeoutMillis))) {
      result = initial;
    } else {
      // Xmemcached re-adds a missing key with its own transcoder; the add above makes that a lost race only
      result = call(up ? "incr" : "decr", wk,
          () -> up ? client.incr(wk, delta, initial, timeoutMillis) : client.decr(wk, delta, initial, timeoutMillis));
    }
    propagate(key, result, ttlSeconds);
    return result;
  }

  /**
   * A transcoder for the caller's namespace with the same options, for code that uses Xmemcached directly.
   *
   * @return the transcoder
   */
  public PythonTranscoder transcoder() {
    return PythonTranscoder.forNamespace(own, payloads.options());
  }

  @FunctionalInterface
  private interface Op<T> {
    T run() throws TimeoutException, InterruptedException, MemcachedException;
  }

  private <T> T call(String op, String wireKey, Op<T> op2) {
    try {
      return op2.run();
    } catch (TimeoutException e) {
      throw new NamespaceException("server-unavailable", "memcached " + op + " of key '" + wireKey
          + "' timed out after " + timeoutMillis + " ms: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NamespaceException("interrupted", "memcached " + op + " of key '" + wireKey + "' interrupted", e);
    } catch (MemcachedException e) {
      throw mapFailure(op, wireKey, e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new NamespaceException("write-failed", "Xmemcached refused " + op + " of key '" + wireKey + "': "
          + e.getMessage(), e);
    }
  }

  private static NamespaceException mapFailure(String op, String wireKey, MemcachedException e) {
    if (e instanceof MemcachedServerException || e instanceof MemcachedClientException) {
      return new NamespaceException("server-error", "memcached refused " + op + " of key '" + wireKey + "': "
          + e.getMessage(), e);
    }
    return new NamespaceException("server-unavailable", "memcached " + op + " of key '" + wireKey + "' failed: "
        + e.getMessage(), e);
  }

  /** Builds a {@link NamespacedMemcached}. Not thread-safe. */
  public static final class Builder {
    private final MemcachedClient client;
    private final NamespaceGroup group;
    private final Namespace own;
    private ValueOptions options = ValueOptions.defaults();
    private MemcachedKeyPolicy keyPolicy = MemcachedKeyPolicy.REJECT;
    private long timeoutMillis = 1_000;
    private int backfillTtlSeconds = 300;

    private Builder(MemcachedClient client, NamespaceGroup group, String ownNamespace) {
      this.client = Checks.requireNonNull(client, "client");
      Checks.requireArgument(!client.isSanitizeKeys(), "the Xmemcached client sanitizes (URL-encodes) keys, so its"
          + " wire keys would not be the ones Python clients read and write; turn setSanitizeKeys off");
      this.group = Checks.requireNonNull(group, "group");
      this.own = group.namespace(Checks.requireNonNull(ownNamespace, "ownNamespace"));
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
     * Sets what happens to keys memcached would refuse (default {@link MemcachedKeyPolicy#REJECT}).
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder keyPolicy(MemcachedKeyPolicy policy) {
      this.keyPolicy = Checks.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the timeout of each operation (default 1,000 ms).
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
     * Sets the exptime of values backfilled by read-through (default 300 s).
     *
     * @param seconds 0 for none, else the exptime
     * @return this builder
     */
    public Builder backfillTtlSeconds(int seconds) {
      Checks.requireArgument(seconds >= 0, "backfill TTL must be 0 or more: %s", seconds);
      this.backfillTtlSeconds = seconds;
      return this;
    }

    /**
     * Builds the client view.
     *
     * @return the namespaced client
     */
    public NamespacedMemcached build() {
      return new NamespacedMemcached(this);
    }
  }
}

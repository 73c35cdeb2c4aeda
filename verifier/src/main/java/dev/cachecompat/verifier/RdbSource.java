package dev.cachecompat.verifier;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.FileType;
import com.moilioncircle.redis.replicator.RedisReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.event.Event;
import com.moilioncircle.redis.replicator.io.RedisInputStream;
import com.moilioncircle.redis.replicator.rdb.BaseRdbParser;
import com.moilioncircle.redis.replicator.rdb.DefaultRdbVisitor;
import com.moilioncircle.redis.replicator.rdb.datatype.ContextKeyValuePair;
import com.moilioncircle.redis.replicator.rdb.datatype.ExpiredType;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueHash;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueList;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueModule;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueSet;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueStream;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueString;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueTTLHash;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueZSet;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyValuePair;
import com.moilioncircle.redis.replicator.rdb.skip.SkipRdbValueVisitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An RDB file, streamed with redis-replicator: string values are read, the values of every other type are
 * skipped on the stream without being built (the entry has the key and the type only), so memory stays at one
 * entry whatever the file size. Every database of the file is scanned. TTLs are relative to now (an entry
 * already expired in the file has TTL 0). Reading stops early when the sample is full or the consumer says stop.
 * Strings are read whole (Redis caps them at 512 MiB); {@link SourceOptions#maxValueBytes()} drops longer ones
 * after reading.
 */
final class RdbSource extends AbstractScanSource {
  private final Path path;
  private Replicator replicator;
  private volatile boolean stopped;
  private RuntimeException failure;
  private volatile boolean sawEnd;
  private Throwable consumerFailure;

  RdbSource(Path path, SourceOptions options) {
    super(options);
    this.path = path;
    if (options.resumeCursor() != null) {
      throw new SourceException("bad-cursor", "an RDB file has no scan cursor: " + path + " cannot resume");
    }
  }

  @Override
  public String describe() {
    return path.toString();
  }

  @Override
  void scan(EntryConsumer consumer) {
    long size;
    try {
      size = Files.size(path);
      replicator = new RedisReplicator(path.toFile(), FileType.RDB, Configuration.defaultSetting());
    } catch (IOException e) {
      throw new SourceException("io-error", -1, "cannot read " + path + ": " + Console.describe(e), e);
    }
    Replicator r = replicator;
    r.setRdbVisitor(new KeysAndStringsVisitor(r));
    r.addExceptionListener((rep, t, event) -> {
      if (failure == null) {
        failure = t instanceof SourceException s ? s : new SourceException("malformed", -1, "cannot read " + path
            + " after " + count() + " keys: " + RedisSource.rootMessage(t), t);
      }
    });
    r.addEventListener((rep, event) -> {
      if (stopped || !(event instanceof KeyValuePair<?, ?> kv) || !(kv.getKey() instanceof byte[] key)) {
        return;
      }
      boolean more;
      try {
        more = deliver(consumer, toEntry(kv, key));
      } catch (RuntimeException | Error e) {
        consumerFailure = e; // redis-replicator would report it as its own failure: hand it back as is
        more = false;
      }
      if (!more) {
        stopped = true;
        closeQuietly(rep);
      }
    });
    try {
      r.open();
    } catch (IOException | RuntimeException e) {
      if (!stopped) {
        if (e instanceof SourceException s) {
          throw s;
        }
        throw new SourceException("malformed", -1, "cannot read " + path + " (" + size + " bytes) after "
            + count() + " keys: " + RedisSource.rootMessage(e), e);
      }
    } finally {
      closeQuietly(r);
    }
    if (consumerFailure instanceof RuntimeException e) {
      throw e;
    }
    if (consumerFailure instanceof Error e) {
      throw e;
    }
    if (failure != null && !stopped) {
      throw failure;
    }
    if (!sawEnd && !stopped) {
      // redis-replicator ends quietly at the end of a cut file; the RDB end marker tells a complete one
      throw new SourceException("truncated", size, "cannot read " + path + " (" + size + " bytes) after "
          + count() + " keys: the file ends before the RDB end marker (truncated?)");
    }
  }

  private RawEntry toEntry(KeyValuePair<?, ?> kv, byte[] key) {
    Long ttl = null;
    if (kv.getExpiredType() != null && kv.getExpiredType() != ExpiredType.NONE && kv.getExpiredMs() != null) {
      ttl = Math.max(0, ttlFromMillis(Math.max(0, kv.getExpiredMs() - System.currentTimeMillis())));
    }
    if (kv instanceof KeyStringValueString s) {
      byte[] v = s.getValue();
      if (v.length > options.maxValueBytes()) {
        return new RawEntry(key, null, v.length, null, ttl, "string");
      }
      return RawEntry.of(key, v, null, ttl, "string");
    }
    return RawEntry.of(key, null, null, ttl, typeOf(kv));
  }

  static String typeOf(KeyValuePair<?, ?> kv) {
    if (kv instanceof KeyStringValueList) {
      return "list";
    }
    if (kv instanceof KeyStringValueSet) {
      return "set";
    }
    if (kv instanceof KeyStringValueZSet) {
      return "zset";
    }
    if (kv instanceof KeyStringValueHash || kv instanceof KeyStringValueTTLHash) {
      return "hash";
    }
    if (kv instanceof KeyStringValueStream) {
      return "stream";
    }
    if (kv instanceof KeyStringValueModule) {
      return "module";
    }
    return "unknown";
  }

  private static void closeQuietly(Replicator r) {
    try {
      r.close();
    } catch (IOException ignored) {
      // the scan result stands
    }
  }

  @Override
  public void close() {
    stopped = true;
    if (replicator != null) {
      closeQuietly(replicator);
    }
  }

  /** Reads string values; skips the values of every other type on the stream, keeping key and type. */
  private final class KeysAndStringsVisitor extends DefaultRdbVisitor {
    KeysAndStringsVisitor(Replicator replicator) {
      super(replicator, new SkipRdbValueVisitor(replicator));
    }

    @Override
    public Event applyString(RedisInputStream in, int version, ContextKeyValuePair context) throws IOException {
      BaseRdbParser parser = new BaseRdbParser(in);
      KeyStringValueString o = new KeyStringValueString();
      byte[] key = parser.rdbLoadEncodedStringObject().first();
      byte[] value = parser.rdbLoadEncodedStringObject().first();
      o.setValueRdbType(0);
      o.setKey(key);
      o.setValue(value);
      return context.valueOf(o);
    }

    @Override
    public long applyEof(RedisInputStream in, int version) throws IOException {
      long checksum = super.applyEof(in, version);
      sawEnd = true;
      return checksum;
    }
  }
}

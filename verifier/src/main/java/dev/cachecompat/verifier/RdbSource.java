package dev.cachecompat.verifier;

import static com.moilioncircle.redis.replicator.Constants.*;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.FileType;
import com.moilioncircle.redis.replicator.RedisReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.event.Event;
import com.moilioncircle.redis.replicator.io.RedisInputStream;
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
import com.moilioncircle.redis.replicator.rdb.skip.SkipRdbVisitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An RDB file, streamed with redis-replicator: string values are read, the values of every other type are
 * skipped on the stream without being built (the entry has the key and the type only), so memory stays at one
 * entry whatever the file size. Every database of the file is scanned. TTLs are relative to now (an entry
 * already expired in the file has TTL 0). Reading stops early when the sample is full or the consumer says stop.
 * Keys and string values are read by {@link RdbStrings}, which checks every declared length against the rest of
 * the file and the limit before allocating: a string value over {@link SourceOptions#maxValueBytes()} is skipped
 * (the entry has its length), a key over it ends the scan ({@code over-limit}), and so does a value type
 * redis-replicator does not know ({@code malformed}).
 */
final class RdbSource extends AbstractScanSource {
  private final Path path;
  private Replicator replicator;
  private volatile boolean stopped;
  private RuntimeException failure;
  private volatile boolean sawEnd;
  private Throwable consumerFailure;
  /** The file's size, which no declared length may reach past. */
  private long size;

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
        failure = t instanceof SourceException s ? inContext(s) : new SourceException("malformed", -1, "cannot read "
            + path + " after " + count() + " keys: " + RedisSource.rootMessage(t), t);
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
    } catch (IOException | RuntimeException | AssertionError e) {
      // redis-replicator asserts on what it does not know (a value type, say): that is a malformed file too
      if (!stopped) {
        if (e instanceof SourceException s) {
          throw inContext(s);
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

  /** A failure of the visitor's own reading, said with the file and how far the scan got. */
  private SourceException inContext(SourceException s) {
    return new SourceException(s.code(), s.offset(), "cannot read " + path + " (" + size + " bytes) after "
        + count() + " keys: " + s.getMessage(), s);
  }

  private RawEntry toEntry(KeyValuePair<?, ?> kv, byte[] key) {
    Long ttl = null;
    if (kv.getExpiredType() != null && kv.getExpiredType() != ExpiredType.NONE && kv.getExpiredMs() != null) {
      ttl = Math.max(0, ttlFromMillis(Math.max(0, kv.getExpiredMs() - System.currentTimeMillis())));
    }
    if (kv instanceof UnreadString u) {
      return new RawEntry(key, null, u.length, null, ttl, "string");
    }
    if (kv instanceof KeyStringValueString s) {
      return RawEntry.of(key, s.getValue(), null, ttl, "string");
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

  /**
   * Reads string values and skips the values of every other type on the stream, keeping key and type. Keys and
   * string values are read by {@link RdbStrings}, which checks each length before allocating (a string value over
   * {@link SourceOptions#maxValueBytes()} is skipped, not read); aux fields and function libraries are skipped
   * unread.
   */
  private final class KeysAndStringsVisitor extends DefaultRdbVisitor {
    private final SkipRdbVisitor skip;

    KeysAndStringsVisitor(Replicator replicator) {
      super(replicator, new SkipRdbValueVisitor(replicator));
      this.skip = new SkipRdbVisitor(replicator);
    }

    /** Refuses a value type redis-replicator would meet with an assertion, saying where it stands. */
    @Override
    public int applyType(RedisInputStream in) throws IOException {
      long at = RdbStrings.position(in);
      int type = super.applyType(in);
      boolean known = type >= RDB_TYPE_STRING && type <= RDB_TYPE_MODULE_2
          || type >= RDB_TYPE_HASH_ZIPMAP && type <= RDB_TYPE_STREAM_LISTPACKS_3
          || type == RDB_TYPE_HASH_METADATA || type == RDB_TYPE_HASH_LISTPACK_EX
          || type >= RDB_OPCODE_SLOT_INFO && type <= RDB_OPCODE_EOF;
      if (!known) {
        throw new SourceException("malformed", at, "unknown value type " + type + " at offset " + at);
      }
      return type;
    }

    private byte[] key(RedisInputStream in) throws IOException {
      return RdbStrings.read(in, size, options.maxValueBytes(), false, "key").bytes();
    }

    /** The entry of a value skipped on the stream: its key and type only. */
    private Event skipped(RedisInputStream in, ContextKeyValuePair context, KeyValuePair<byte[], ?> o, int type,
        ValueSkip skipValue) throws IOException {
      byte[] key = key(in);
      skipValue.skip();
      o.setValueRdbType(type);
      o.setKey(key);
      return context.valueOf(o);
    }

    @Override
    public Event applyString(RedisInputStream in, int version, ContextKeyValuePair context) throws IOException {
      byte[] key = key(in);
      RdbStrings.Value value = RdbStrings.read(in, size, options.maxValueBytes(), true, "value");
      KeyStringValueString o = value.bytes() == null ? new UnreadString(value.length()) : new KeyStringValueString();
      o.setValueRdbType(RDB_TYPE_STRING);
      o.setKey(key);
      o.setValue(value.bytes());
      return context.valueOf(o);
    }

    @Override
    public Event applyList(RedisInputStream in, int version, ContextKeyValuePair context) throws IOException {
      return skipped(in, context, new KeyStringValueList(), RDB_TYPE_LIST, () -> valueVisitor.applyList(in, version));
    }

    @Override
    public Event applyListZipList(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueList(), RDB_TYPE_LIST_ZIPLIST,
          () -> valueVisitor.applyListZipList(in, version));
    }

    @Override
    public Event applyListQuickList(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueList(), RDB_TYPE_LIST_QUICKLIST,
          () -> valueVisitor.applyListQuickList(in, version));
    }

    @Override
    public Event applyListQuickList2(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueList(), RDB_TYPE_LIST_QUICKLIST_2,
          () -> valueVisitor.applyListQuickList2(in, version));
    }

    @Override
    public Event applySet(RedisInputStream in, int version, ContextKeyValuePair context) throws IOException {
      return skipped(in, context, new KeyStringValueSet(), RDB_TYPE_SET, () -> valueVisitor.applySet(in, version));
    }

    @Override
    public Event applySetIntSet(RedisInputStream in, int version, ContextKeyValuePair context) throws IOException {
      return skipped(in, context, new KeyStringValueSet(), RDB_TYPE_SET_INTSET,
          () -> valueVisitor.applySetIntSet(in, version));
    }

    @Override
    public Event applySetListPack(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueSet(), RDB_TYPE_SET_LISTPACK,
          () -> valueVisitor.applySetListPack(in, version));
    }

    @Override
    public Event applyZSet(RedisInputStream in, int version, ContextKeyValuePair context) throws IOException {
      return skipped(in, context, new KeyStringValueZSet(), RDB_TYPE_ZSET, () -> valueVisitor.applyZSet(in, version));
    }

    @Override
    public Event applyZSet2(RedisInputStream in, int version, ContextKeyValuePair context) throws IOException {
      return skipped(in, context, new KeyStringValueZSet(), RDB_TYPE_ZSET_2,
          () -> valueVisitor.applyZSet2(in, version));
    }

    @Override
    public Event applyZSetZipList(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueZSet(), RDB_TYPE_ZSET_ZIPLIST,
          () -> valueVisitor.applyZSetZipList(in, version));
    }

    @Override
    public Event applyZSetListPack(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueZSet(), RDB_TYPE_ZSET_LISTPACK,
          () -> valueVisitor.applyZSetListPack(in, version));
    }

    @Override
    public Event applyHash(RedisInputStream in, int version, ContextKeyValuePair context) throws IOException {
      return skipped(in, context, new KeyStringValueHash(), RDB_TYPE_HASH, () -> valueVisitor.applyHash(in, version));
    }

    @Override
    public Event applyHashZipMap(RedisInputStream in, int version, ContextKeyValuePair context) throws IOException {
      return skipped(in, context, new KeyStringValueHash(), RDB_TYPE_HASH_ZIPMAP,
          () -> valueVisitor.applyHashZipMap(in, version));
    }

    @Override
    public Event applyHashZipList(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueHash(), RDB_TYPE_HASH_ZIPLIST,
          () -> valueVisitor.applyHashZipList(in, version));
    }

    @Override
    public Event applyHashListPack(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueHash(), RDB_TYPE_HASH_LISTPACK,
          () -> valueVisitor.applyHashListPack(in, version));
    }

    @Override
    public Event applyHashMetadata(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueTTLHash(), RDB_TYPE_HASH_METADATA,
          () -> valueVisitor.applyHashMetadata(in, version));
    }

    @Override
    public Event applyHashListPackEx(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueTTLHash(), RDB_TYPE_HASH_LISTPACK_EX,
          () -> valueVisitor.applyHashListPackEx(in, version));
    }

    @Override
    public Event applyStreamListPacks(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueStream(), RDB_TYPE_STREAM_LISTPACKS,
          () -> valueVisitor.applyStreamListPacks(in, version));
    }

    @Override
    public Event applyStreamListPacks2(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueStream(), RDB_TYPE_STREAM_LISTPACKS_2,
          () -> valueVisitor.applyStreamListPacks2(in, version));
    }

    @Override
    public Event applyStreamListPacks3(RedisInputStream in, int version, ContextKeyValuePair context)
        throws IOException {
      return skipped(in, context, new KeyStringValueStream(), RDB_TYPE_STREAM_LISTPACKS_3,
          () -> valueVisitor.applyStreamListPacks3(in, version));
    }

    @Override
    public Event applyModule(RedisInputStream in, int version, ContextKeyValuePair context) throws IOException {
      return skipped(in, context, new KeyStringValueModule(), RDB_TYPE_MODULE,
          () -> valueVisitor.applyModule(in, version));
    }

    @Override
    public Event applyModule2(RedisInputStream in, int version, ContextKeyValuePair context) throws IOException {
      return skipped(in, context, new KeyStringValueModule(), RDB_TYPE_MODULE_2,
          () -> valueVisitor.applyModule2(in, version));
    }

    @Override
    public Event applyAux(RedisInputStream in, int version) throws IOException {
      return skip.applyAux(in, version);
    }

    /** Redis 7.0's release candidates wrote functions this way; no released Redis does. */
    @Override
    public Event applyFunction(RedisInputStream in, int version) throws IOException {
      long at = RdbStrings.position(in) - 1;
      throw new SourceException("malformed", at, "a function in the format of Redis 7.0's release candidates "
          + "(opcode 246) at offset " + at + " is not supported");
    }

    /** A function library: its code is skipped unread. */
    @Override
    public Event applyFunction2(RedisInputStream in, int version) throws IOException {
      RdbStrings.read(in, size, 0, true, "function library");
      return null;
    }

    @Override
    public long applyEof(RedisInputStream in, int version) throws IOException {
      long checksum = super.applyEof(in, version);
      sawEnd = true;
      return checksum;
    }
  }

  /** A string value over {@link SourceOptions#maxValueBytes()}, skipped on the stream: only its length is known. */
  @SuppressWarnings("serial")
  private static final class UnreadString extends KeyStringValueString {
    final long length;

    UnreadString(long length) {
      this.length = length;
    }
  }

  /** Skips one value on the stream. */
  @FunctionalInterface
  private interface ValueSkip {
    void skip() throws IOException;
  }
}

package dev.cachecompat.namespace;

import net.rubyeye.xmemcached.transcoders.CachedData;
import net.rubyeye.xmemcached.transcoders.CompressionMode;
import net.rubyeye.xmemcached.transcoders.Transcoder;

/** Flags and bytes in and out unchanged, so the namespaced client decodes with the key and namespace in hand. */
final class RawTranscoder implements Transcoder<MemcachedValue> {
  static final RawTranscoder INSTANCE = new RawTranscoder();

  @Override
  public CachedData encode(MemcachedValue o) {
    return new CachedData(o.flags(), o.data());
  }

  @Override
  public MemcachedValue decode(CachedData d) {
    return new MemcachedValue(d.getFlag(), d.getData());
  }

  @Override
  public void setPrimitiveAsString(boolean primitiveAsString) {}

  @Override
  public void setPackZeros(boolean packZeros) {}

  @Override
  public void setCompressionThreshold(int to) {}

  @Override
  public boolean isPrimitiveAsString() {
    return false;
  }

  @Override
  public boolean isPackZeros() {
    return false;
  }

  @Override
  public void setCompressionMode(CompressionMode compressMode) {}
}

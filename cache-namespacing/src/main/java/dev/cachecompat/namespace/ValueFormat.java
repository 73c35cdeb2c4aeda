package dev.cachecompat.namespace;

/** How a namespace's values are written, for its readers. */
public enum ValueFormat {
  /**
   * As the Python clients write them: on memcached by flags (bytes, UTF-8 text, integers as decimal digits, any
   * other value a pickle), on Redis as Django's RedisSerializer (exact integers as decimal digits, any other value
   * a pickle). Pickles are written at the highest protocol the namespace's oldest reader loads.
   */
  PICKLE,
  /**
   * Every value as canonical JSON ({@code json.dumps(v, sort_keys=True)} bytes, UTF-8), memcached flags 0. For
   * readers that must not unpickle.
   */
  JSON
}

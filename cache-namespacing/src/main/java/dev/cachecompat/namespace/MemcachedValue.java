package dev.cachecompat.namespace;

/** A value as memcached stores it: the client flags and the bytes. */
record MemcachedValue(int flags, byte[] data) {}

/**
 * Per-version cache key namespaces over memcached (Xmemcached) and Redis (Lettuce), wire compatible with the
 * Python clients: Django's key function, pymemcache's flags, Django's RedisSerializer, pickles at the protocol each
 * reader generation loads, or canonical JSON. Start with {@link dev.cachecompat.namespace.Namespace} and
 * {@link dev.cachecompat.namespace.NamespaceGroup}, then use {@link dev.cachecompat.namespace.NamespacedMemcached}
 * or {@link dev.cachecompat.namespace.NamespacedRedis}; deletes fan out to every namespace of a group, writes
 * follow its {@link dev.cachecompat.namespace.MigrationMode}, and every payload read is validated (a rejected one
 * is a miss reported to a {@link dev.cachecompat.namespace.PayloadListener}). For code that talks to the clients
 * directly there are {@link dev.cachecompat.namespace.PythonTranscoder} and
 * {@link dev.cachecompat.namespace.NamespacedCodec}; {@link dev.cachecompat.namespace.NamespaceMigrator} copies a
 * namespace for other readers. docs/cache-namespacing.md has the tables.
 */
package dev.cachecompat.namespace;

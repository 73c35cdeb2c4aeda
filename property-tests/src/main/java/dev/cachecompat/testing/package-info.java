/**
 * jqwik generators for what Python workers put in caches, for users' own property tests (add this module as a
 * test-scoped dependency). Start with {@link dev.cachecompat.testing.PythonValues#values()} for Python values as
 * {@link dev.cachecompat.pickle.PickleDecoder} maps them, {@link dev.cachecompat.testing.Pickles} for their
 * pickles at a protocol or for readers from a Python version on, {@link dev.cachecompat.testing.JsonDocuments}
 * for JSON text with the key-order and number-spelling traps, and {@link dev.cachecompat.testing.CacheKeys} for
 * valid and invalid memcached keys and Redis hash-tagged keys. The module's README has runnable examples.
 */
package dev.cachecompat.testing;

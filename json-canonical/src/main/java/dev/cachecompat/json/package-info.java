/**
 * Canonical JSON for caches shared by Python and JVM workers: the same value gives the same bytes on every
 * side, so JSON hashed into cache keys or compared as payloads matches.
 *
 * <p>Start with {@link dev.cachecompat.json.CanonicalJson#python()} (byte for byte Python 2.7/3.x
 * {@code json.dumps(v, sort_keys=True)}) or {@link dev.cachecompat.json.CanonicalJson#rfc8785()} (the JSON
 * Canonicalization Scheme). Both write Jackson trees, maps, collections and POJOs, canonicalize JSON bytes
 * ({@code canonicalize}) and say where input is not canonical ({@code check}, giving a
 * {@link dev.cachecompat.json.CheckResult}). Jackson parses and binds; the writer is this package's own,
 * because Jackson's differs from Python (key order, number forms, escapes). Every input error is one
 * {@link dev.cachecompat.json.JsonCanonicalException} with a code and byte offset.
 */
package dev.cachecompat.json;

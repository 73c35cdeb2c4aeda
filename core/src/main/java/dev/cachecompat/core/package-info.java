/**
 * The vocabulary every cachecompat module shares: {@link dev.cachecompat.core.PythonVersion} (who can read a
 * payload), {@link dev.cachecompat.core.Finding} and {@link dev.cachecompat.core.Verdict} (what an inspection
 * says), {@link dev.cachecompat.core.Limits} (how much hostile input may cost) and
 * {@link dev.cachecompat.core.CacheCompatException}, the one base type every public method throws.
 *
 * <p>Start with {@code PythonVersion}: namespaces, inspectors and encoders all speak of "the oldest Python that
 * loads this".
 */
package dev.cachecompat.core;

package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;

/** Both built-in schemes: a fixed string before the logical key. */
final class PrefixScheme implements KeyScheme {
  private final String prefix;
  private final String description;

  PrefixScheme(String prefix, String description) {
    this.prefix = prefix;
    this.description = description;
  }

  @Override
  public String rawKey(String key) {
    Checks.requireNonNull(key, "key");
    return prefix.concat(key);
  }

  @Override
  public String logicalKey(String rawKey) {
    Checks.requireNonNull(rawKey, "rawKey");
    return rawKey.startsWith(prefix) ? rawKey.substring(prefix.length()) : null;
  }

  @Override
  public String rawPrefix() {
    return prefix;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrefixScheme && ((PrefixScheme) o).prefix.equals(prefix);
  }

  @Override
  public int hashCode() {
    return prefix.hashCode();
  }

  @Override
  public String toString() {
    return description;
  }
}

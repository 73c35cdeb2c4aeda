package dev.cachecompat.namespace;

/** How the namespaces of one {@link NamespaceGroup} share work during a migration. */
public enum MigrationMode {
  /** Each client reads and writes only its own namespace; deletes still reach every namespace. */
  OWN,
  /**
   * Writes go to every namespace of the group, each in the format its readers load; if one write fails, the
   * copies already written are deleted, so no reader keeps a value the others lack.
   */
  DUAL_WRITE,
  /**
   * On a miss in its own namespace a client reads the other namespaces whose payloads it can load, validates,
   * transcodes and backfills its own namespace.
   */
  READ_THROUGH
}

package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;
import java.util.ArrayList;
import java.util.List;

/**
 * The namespaces of one logical cache during a migration, e.g. {@code shop:2} read by Python 2.7 and
 * {@code shop:3} read by Python 3.8+, and the {@link MigrationMode} they share.
 *
 * <p>A delete through any client of the group reaches every namespace. No two namespaces may produce the same raw
 * key for the same logical key (checked with a probe key when the group is built).
 *
 * <p>Immutable and thread-safe.
 */
public final class NamespaceGroup {
  private final List<Namespace> namespaces;
  private final MigrationMode mode;

  private NamespaceGroup(MigrationMode mode, List<Namespace> namespaces) {
    this.mode = mode;
    this.namespaces = namespaces;
  }

  /**
   * A group.
   *
   * @param mode the migration mode
   * @param namespaces one or more namespaces with distinct names and raw keys
   * @return the group
   * @throws IllegalArgumentException if there are none, or two share a name or a raw-key prefix
   * @throws NullPointerException if an argument is null
   */
  public static NamespaceGroup of(MigrationMode mode, Namespace... namespaces) {
    Checks.requireNonNull(namespaces, "namespaces");
    return of(mode, List.of(namespaces));
  }

  /**
   * A group.
   *
   * @param mode the migration mode
   * @param namespaces one or more namespaces with distinct names and raw keys
   * @return the group
   * @throws IllegalArgumentException if there are none, or two share a name or a raw-key prefix
   * @throws NullPointerException if an argument is null
   */
  public static NamespaceGroup of(MigrationMode mode, List<Namespace> namespaces) {
    Checks.requireNonNull(mode, "mode");
    List<Namespace> list = List.copyOf(namespaces);
    Checks.requireArgument(!list.isEmpty(), "a namespace group needs at least one namespace");
    List<String> names = new ArrayList<>();
    List<String> probes = new ArrayList<>();
    for (Namespace n : list) {
      Checks.requireArgument(!names.contains(n.name()), "two namespaces are named '%s'", n.name());
      String probe = n.rawKey("k");
      Checks.requireArgument(!probes.contains(probe),
          "namespaces '%s' and another make the same raw key '%s'", n.name(), probe);
      names.add(n.name());
      probes.add(probe);
    }
    return new NamespaceGroup(mode, list);
  }

  /**
   * The namespaces, in the order given.
   *
   * @return an unmodifiable list
   */
  public List<Namespace> namespaces() {
    return namespaces;
  }

  /**
   * The migration mode.
   *
   * @return the mode
   */
  public MigrationMode mode() {
    return mode;
  }

  /**
   * This group with another mode.
   *
   * @param mode the mode
   * @return a group with the same namespaces
   */
  public NamespaceGroup withMode(MigrationMode mode) {
    return new NamespaceGroup(Checks.requireNonNull(mode, "mode"), namespaces);
  }

  /**
   * The namespace with the given name.
   *
   * @param name a namespace name
   * @return the namespace
   * @throws IllegalArgumentException if the group has none of that name
   */
  public Namespace namespace(String name) {
    for (Namespace n : namespaces) {
      if (n.name().equals(name)) {
        return n;
      }
    }
    throw new IllegalArgumentException("no namespace '" + name + "' in " + this);
  }

  boolean contains(Namespace ns) {
    return namespaces.contains(ns);
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (Namespace n : namespaces) {
      names.add(n.name());
    }
    return "NamespaceGroup" + names + " " + mode;
  }
}

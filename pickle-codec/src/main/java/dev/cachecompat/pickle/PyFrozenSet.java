package dev.cachecompat.pickle;

import dev.cachecompat.core.Checks;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A Python {@code frozenset}, distinct from a {@code set} (which decodes to {@link java.util.LinkedHashSet}).
 * Iteration follows the order in the pickle.
 *
 * <p>Immutable when its elements are.
 */
public final class PyFrozenSet {
  private final Set<Object> items;

  private PyFrozenSet(Set<Object> items) {
    this.items = items;
  }

  /**
   * A frozenset of the given elements, in their order, without repeats.
   *
   * @param items the elements
   * @return the frozenset
   */
  public static PyFrozenSet copyOf(Collection<?> items) {
    Checks.requireNonNull(items, "items");
    return new PyFrozenSet(Collections.unmodifiableSet(new LinkedHashSet<Object>(items)));
  }

  /**
   * The elements.
   *
   * @return an unmodifiable set in pickle order
   */
  public Set<Object> items() {
    return items;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PyFrozenSet && items.equals(((PyFrozenSet) o).items);
  }

  @Override
  public int hashCode() {
    return items.hashCode();
  }

  @Override
  public String toString() {
    return "frozenset(" + items + ")";
  }
}

package io.rallypoint.location.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The bounded "most recent last" lists the topology's state keeps (ended sessions, live sessions). */
final class Latest {

  private Latest() {}

  /**
   * The list with {@code item} last, after dropping the entries it {@code replaces}, and then the
   * oldest (first) entries beyond {@code max}. Returns an unmodifiable copy.
   */
  static <T> List<T> append(List<T> list, T item, Predicate<? super T> replaces, int max) {
    List<T> result = new ArrayList<>(list.size() + 1);
    for (T x : list) {
      if (!replaces.test(x)) {
        result.add(x);
      }
    }
    result.add(item);
    return List.copyOf(result.subList(Math.max(0, result.size() - max), result.size()));
  }
}

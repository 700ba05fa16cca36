package io.rallypoint.gateway.presence;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Who of some users has an active recording session; fails when that cannot be read. */
@FunctionalInterface
public interface Recorders {
  CompletableFuture<Set<String>> among(Collection<String> users);
}

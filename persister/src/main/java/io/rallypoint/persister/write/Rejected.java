package io.rallypoint.persister.write;

/** A message PostgreSQL refused for its content, and why. */
public record Rejected(SourcedMessage message, Throwable error) {}

package io.rallypoint.schemas.json;

import java.util.List;

/** A document broke its JSON Schema; the message names each offending field. */
public final class ContractViolation extends RuntimeException {

  private final List<String> problems;

  public ContractViolation(String schema, List<String> problems) {
    super(String.join("; ", problems) + " (schema " + schema + ")");
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, each naming its field, e.g. {@code $.seq: string found, integer expected}. */
  public List<String> problems() {
    return problems;
  }
}

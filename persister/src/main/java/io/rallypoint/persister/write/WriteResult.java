package io.rallypoint.persister.write;

import java.util.List;

/**
 * What a batch write did: rows inserted (the rest were already there) and the messages PostgreSQL
 * refused for their content, which go to the retry topics.
 */
public record WriteResult(int inserted, int receiptsRaised, List<Rejected> rejected) {

  public WriteResult {
    rejected = List.copyOf(rejected);
  }
}

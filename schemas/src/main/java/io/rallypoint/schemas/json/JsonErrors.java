package io.rallypoint.schemas.json;

import com.fasterxml.jackson.core.JsonProcessingException;

/** Turns Jackson's exceptions into one line a client developer can act on. */
final class JsonErrors {

  private JsonErrors() {}

  static String describe(Exception e) {
    if (e instanceof JsonProcessingException jpe) {
      String where = jpe.getLocation() == null ? "" : " (at line " + jpe.getLocation().getLineNr()
          + ", column " + jpe.getLocation().getColumnNr() + ")";
      return jpe.getOriginalMessage() + where;
    }
    return String.valueOf(e.getMessage());
  }
}

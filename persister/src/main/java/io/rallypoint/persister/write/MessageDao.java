package io.rallypoint.persister.write;

import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code messages} table. SQL lives beside this class in {@code MessageDao/*.sql}. */
@UseClasspathSqlLocator
public interface MessageDao {

  /** Inserts the rows that are new; a redelivered message (same id, seq or client id) is skipped. Returns rows inserted. */
  @SqlUpdate
  int insertBatch(@BindMethods MessageColumns columns);
}

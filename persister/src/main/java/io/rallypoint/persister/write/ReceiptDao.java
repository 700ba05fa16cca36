package io.rallypoint.persister.write;

import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code read_receipts} table: the highest seq each user has read, never lowered. */
@UseClasspathSqlLocator
public interface ReceiptDao {

  /** Raises each (conversation, user) to its seq when that is higher; returns rows changed. */
  @SqlUpdate
  int raise(@BindMethods ReceiptColumns columns);
}

package io.rallypoint.persister.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

  @ParameterizedTest(name = "SQLSTATE {0} is {1}")
  @CsvSource({
      "23503, POISON",    // foreign key: unknown conversation
      "23502, POISON",    // not null
      "23514, POISON",    // check
      "22P05, POISON",    // untranslatable character (NUL in text)
      "22021, POISON",    // bad UTF-8
      "08006, TRANSIENT", // connection failure
      "08001, TRANSIENT", // cannot connect
      "57P01, TRANSIENT", // admin shutdown
      "57P03, TRANSIENT", // cannot connect now (starting up)
      "25006, TRANSIENT", // read-only transaction (failover)
      "53300, TRANSIENT", // too many connections
      "40001, TRANSIENT", // serialization failure
      "57014, TRANSIENT", // statement timeout
      "42P01, FATAL",     // undefined table: the schema is not migrated
      "28P01, FATAL",     // bad password
  })
  void sqlstates_are_sorted_by_what_a_retry_can_fix(String state, FailureKind kind) {
    assertThat(FailureClassifier.classify(new RuntimeException(new SQLException("x", state)))).isEqualTo(kind);
  }

  @Test
  void a_failure_without_a_state_or_any_sql_cause_is_transient() {
    assertThat(FailureClassifier.classify(new RuntimeException(new SQLException("no state")))).isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureClassifier.classify(new RuntimeException(new ConnectException("refused")))).isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureClassifier.classify(new SQLTransientConnectionException("pool timeout", "23505")))
        .as("the JDBC type wins over the state").isEqualTo(FailureKind.TRANSIENT);
  }

  @Test
  void the_error_kind_names_the_sqlstate_or_the_root_cause() {
    assertThat(FailureClassifier.errorKind(new RuntimeException(new SQLException("x", "23503")))).isEqualTo("sqlstate-23503");
    assertThat(FailureClassifier.errorKind(new RuntimeException(new ConnectException("refused")))).isEqualTo("ConnectException");
  }
}

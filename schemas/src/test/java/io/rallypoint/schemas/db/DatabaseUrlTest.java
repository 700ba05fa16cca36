package io.rallypoint.schemas.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void a_postgresql_url_becomes_a_jdbc_url_with_credentials_apart() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://chat:s3cr%40t@db.internal:6543/rallypoint?sslmode=require");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/rallypoint?sslmode=require");
    assertThat(url.user()).isEqualTo("chat");
    assertThat(url.password()).isEqualTo("s3cr@t");
  }

  @Test
  void the_port_defaults_to_5432_and_the_password_is_optional() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://postgres@127.0.0.1/test");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
    assertThat(url.user()).isEqualTo("postgres");
    assertThat(url.password()).isNull();
  }

  @Test
  void a_jdbc_url_is_taken_as_it_is() {
    DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://h:1/d?user=u");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/d?user=u");
    assertThat(url.user()).isNull();
  }

  @Test
  void a_wrong_scheme_is_explained_without_leaking_the_password() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:hunter2@h/db"))
        .hasMessageContaining("postgresql://")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void a_url_without_a_database_is_refused() {
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u@h:5432")).hasMessageContaining("database");
  }

  @Test
  void logs_never_show_the_password() {
    assertThat(DatabaseUrl.parse("postgresql://u:hunter2@h/db").toString()).doesNotContain("hunter2");
  }

  @Test
  void a_parameter_can_be_added() {
    assertThat(DatabaseUrl.parse("postgresql://u@h/db").withParameter("currentSchema", "s").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5432/db?currentSchema=s");
    assertThat(DatabaseUrl.parse("postgresql://u@h/db?a=b").withParameter("currentSchema", "s").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5432/db?a=b&currentSchema=s");
  }
}

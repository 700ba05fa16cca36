package io.rallypoint.persister;

import io.rallypoint.testsupport.PostgresSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads what the persister wrote, the way an analyst would: plain SQL. */
final class Db {

  private final PostgresSchema schema;

  Db(PostgresSchema schema) {
    this.schema = schema;
  }

  long count(String sql, Object... params) {
    List<String> rows = strings(sql, params);
    return Long.parseLong(rows.get(0));
  }

  List<String> strings(String sql, Object... params) {
    try (Connection c = schema.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new AssertionError(sql, e);
    }
  }

  void conversation(String id) {
    schema.sql("INSERT INTO conversations (id) VALUES ('" + id + "') ON CONFLICT DO NOTHING");
  }
}

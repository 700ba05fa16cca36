package io.rallypoint.schemas.db;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL location as ops write it in {@code DATABASE_URL}:
 * {@code postgresql://user[:pass]@host:port/db[?params]} (also {@code postgres://}), or a
 * {@code jdbc:postgresql:} URL taken as is.
 *
 * @param jdbcUrl  the pgjdbc URL, without credentials
 * @param user     the user, or {@code null} to let the driver choose
 * @param password the password, or {@code null}
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

  /** The local service this project's machines run: trust auth, database {@code test}. */
  public static final String LOCAL_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test";

  /** Parses a {@code DATABASE_URL}; the message says what form is expected when it is wrong. */
  public static DatabaseUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("DATABASE_URL is empty");
    }
    String trimmed = url.trim();
    if (trimmed.startsWith("jdbc:postgresql:")) {
      return new DatabaseUrl(trimmed, null, null);
    }
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw invalid(trimmed, e.getMessage());
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw invalid(trimmed, "scheme must be postgresql:// or jdbc:postgresql:");
    }
    if (uri.getHost() == null) {
      throw invalid(trimmed, "no host");
    }
    String path = uri.getRawPath();
    if (path == null || path.length() <= 1) {
      throw invalid(trimmed, "no database name");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + path
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new DatabaseUrl(jdbc, user, password);
  }

  /** {@code DATABASE_URL} from the environment, or the local service when unset. */
  public static DatabaseUrl fromEnvironmentOrLocal() {
    String value = System.getenv("DATABASE_URL");
    return parse(value == null || value.isBlank() ? LOCAL_DEFAULT : value);
  }

  /** The same database with another JDBC parameter appended (e.g. {@code currentSchema}). */
  public DatabaseUrl withParameter(String name, String value) {
    String separator = jdbcUrl.contains("?") ? "&" : "?";
    return new DatabaseUrl(jdbcUrl + separator + name + "=" + value, user, password);
  }

  /** A plain (unpooled) data source: for migrations and tools; services pool their connections. */
  public DataSource simpleDataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(jdbcUrl);
    if (user != null) {
      ds.setUser(user);
    }
    if (password != null) {
      ds.setPassword(password);
    }
    return ds;
  }

  /** The URL for logs: never the password. */
  @Override
  public String toString() {
    return jdbcUrl + (user == null ? "" : " as " + user);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException invalid(String url, String why) {
    String shown = url.replaceAll("//([^:@/]+):[^@/]*@", "//$1:***@");
    return new IllegalArgumentException(
        "DATABASE_URL '" + shown + "' is not postgresql://user[:pass]@host:port/db: " + why);
  }
}

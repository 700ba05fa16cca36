package io.rallypoint.persister.bench;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A data source that hands out one connection again and again (its close is ignored), for the benchmark. */
final class SingleConnection implements DataSource {

  private final Connection connection;

  SingleConnection(Connection connection) {
    this.connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> method.getName().equals("close")
            ? null : method.invoke(connection, args));
  }

  @Override public Connection getConnection() { return connection; }
  @Override public Connection getConnection(String user, String password) { return connection; }
  @Override public PrintWriter getLogWriter() { return null; }
  @Override public void setLogWriter(PrintWriter out) {}
  @Override public void setLoginTimeout(int seconds) {}
  @Override public int getLoginTimeout() { return 0; }
  @Override public Logger getParentLogger() { return Logger.getGlobal(); }
  @Override public <T> T unwrap(Class<T> iface) { return iface.cast(connection); }
  @Override public boolean isWrapperFor(Class<?> iface) { return iface.isInstance(connection); }
}

package io.rallypoint.gateway.it;

import io.rallypoint.gateway.GatewayServer;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two gateway nodes with the same settings, started before a test class and closed after it.
 * Register it after the PostgreSQL and Redis extensions its settings name ({@code @Order}): the
 * settings are read when the nodes start.
 */
final class TwoNodes implements BeforeAllCallback, AfterAllCallback {

  private final Supplier<Map<String, String>> env;
  private GatewayServer one;
  private GatewayServer two;

  TwoNodes(Supplier<Map<String, String>> env) {
    this.env = env;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Map<String, String> settings = env.get();
    one = Gateways.start(settings);
    two = Gateways.start(settings);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try (GatewayServer first = one; GatewayServer second = two) {
      one = null;
      two = null;
    }
  }

  GatewayServer one() {
    return one;
  }

  GatewayServer two() {
    return two;
  }
}

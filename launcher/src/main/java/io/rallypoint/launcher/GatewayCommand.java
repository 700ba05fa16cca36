package io.rallypoint.launcher;

import io.rallypoint.gateway.GatewayConfig;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.schemas.config.Env;
import picocli.CommandLine.Command;

/** {@code rallypoint gateway}: one ingest-gateway node; run several behind a load balancer. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Run one ingest-gateway: WebSocket at ws://HOST:GATEWAY_PORT/ws plus /health/live, /health/ready "
        + "and /metrics on the same port. Several gateways can share one Kafka, Redis and PostgreSQL.",
    footer = {"", "Environment: CHAT_JWT_SECRET (required), GATEWAY_PORT (8080), KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL,",
        "REDIS_URL, and the limits listed in the README (GATEWAY_MAX_FRAME_BYTES, GATEWAY_RATE_LIMIT_PER_SECOND, ...)."})
final class GatewayCommand extends ServiceCommand<GatewayServer> {

  @Override
  GatewayServer start(Env env) {
    return GatewayServer.start(GatewayConfig.from(env));
  }

  @Override
  String banner(GatewayServer gateway) {
    return "Gateway listening on ws://127.0.0.1:" + gateway.port() + "/ws (health: http://127.0.0.1:"
        + gateway.port() + "/health/ready)";
  }
}

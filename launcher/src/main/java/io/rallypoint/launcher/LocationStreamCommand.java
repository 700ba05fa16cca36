package io.rallypoint.launcher;

import io.rallypoint.location.LocationConfig;
import io.rallypoint.location.app.LocationStreamApp;
import io.rallypoint.schemas.config.Env;
import picocli.CommandLine.Command;

/** {@code rallypoint location-stream}: one instance of the meeting-point Kafka Streams app. */
@Command(
    name = "location-stream",
    mixinStandardHelpOptions = true,
    description = "Run one location-stream instance: it keeps each group's member locations and publishes the "
        + "meeting points to location.meeting-points. Instances with the same LOCATION_APPLICATION_ID share the "
        + "partitions; GET /meeting-points/{conversation} on any of them answers members of the conversation "
        + "(Authorization: Bearer <client token>; 401 without one, 403 for others).",
    footer = {"", "Environment: KAFKA_BOOTSTRAP_SERVERS, LOCATION_HTTP_PORT (8081), LOCATION_STATIONARY_AFTER (PT30M),",
        "LOCATION_STATIONARY_RADIUS_M (50), LOCATION_PUNCTUATE_EVERY (PT1S), LOCATION_COMMIT_INTERVAL (PT0.03S),",
        "LOCATION_APPLICATION_ID (rallypoint-location-stream), LOCATION_ADVERTISED_HOST (127.0.0.1), LOCATION_STATE_DIR,",
        "LOCATION_INSTANCE_ID (unset: dynamic member), LOCATION_SESSION_TIMEOUT (PT10S), LOCATION_STANDBY_REPLICAS (1),",
        "CHAT_JWT_SECRET and DATABASE_URL (who may read a meeting point)."})
final class LocationStreamCommand extends ServiceCommand<LocationStreamApp> {

  @Override
  LocationStreamApp start(Env env) {
    return LocationStreamApp.start(LocationConfig.from(env));
  }

  @Override
  String banner(LocationStreamApp app) {
    return "Location stream running: meeting points on http://127.0.0.1:" + app.httpPort()
        + "/meeting-points/{conversation} (health: /health/ready)";
  }
}

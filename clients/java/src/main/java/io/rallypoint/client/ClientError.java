package io.rallypoint.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Something went wrong that the app may show: an {@code error} frame from the gateway (its
 * {@code code}, PROTOCOL section 1.5, and the frame), or one of the client's own codes:
 * {@code token_expired} (the gateway closed with 4001), {@code token_refused} (the upgrade was
 * answered 401), {@code too_large} for a message whose frame is over {@code maxFrameBytes}.
 *
 * @param code    the error code
 * @param message for a person
 * @param frame   the gateway's {@code error} frame, when there is one
 */
public record ClientError(String code, String message, Optional<JsonNode> frame) {}

package io.rallypoint.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The {@code sub} of a JWT (the user id), read without checking the signature: the gateway checks it. */
final class TokenSubject {

  private TokenSubject() {}

  /** The token's {@code sub}; throws {@link IllegalArgumentException} when it is no JWT with one. */
  static String of(String token) {
    String[] parts = token == null ? new String[0] : token.split("\\.");
    if (parts.length < 2) {
      throw new IllegalArgumentException("the token is not a JWT");
    }
    try {
      JsonNode claims = FrameJson.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      String sub = claims.path("sub").asText("");
      if (!claims.path("sub").isTextual() || sub.isEmpty()) {
        throw new IllegalArgumentException("the token has no subject (sub)");
      }
      return sub;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the token is not a JWT with a subject (sub): " + e.getMessage(), e);
    }
  }
}

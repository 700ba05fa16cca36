package io.rallypoint.gateway.it;

import io.rallypoint.gateway.GatewayServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The admin API as the app's backend calls it: JSON bodies, a bearer token. */
final class AdminHttp {

  private final HttpClient client = HttpClient.newHttpClient();
  private final GatewayServer gateway;
  private final String token;

  AdminHttp(GatewayServer gateway, String token) {
    this.gateway = gateway;
    this.token = token;
  }

  HttpResponse<String> put(String path, String body) {
    return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> delete(String path) {
    return send(request(path).DELETE());
  }

  HttpResponse<String> get(String path) {
    return send(request(path).GET());
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(Gateways.http(gateway, path));
    return token == null ? builder : builder.header("Authorization", "Bearer " + token);
  }
}

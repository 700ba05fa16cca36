package io.rallypoint.gateway.chat;

/** A dependency (Kafka, Redis, PostgreSQL) did not answer; the frame was not accepted. */
public final class DependencyDown extends RuntimeException {

  private final String dependency;

  public DependencyDown(String dependency, Throwable cause) {
    super(dependency + " is unavailable: " + cause.getMessage(), cause);
    this.dependency = dependency;
  }

  public String dependency() {
    return dependency;
  }
}

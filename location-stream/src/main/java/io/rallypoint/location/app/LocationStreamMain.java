package io.rallypoint.location.app;

import io.rallypoint.location.LocationConfig;
import io.rallypoint.schemas.config.Env;
import java.util.concurrent.CountDownLatch;

/** Runs one location-stream instance from environment variables until the JVM is asked to stop. */
public final class LocationStreamMain {

  private LocationStreamMain() {}

  public static void main(String[] args) throws InterruptedException {
    LocationStreamApp app = LocationStreamApp.start(LocationConfig.from(Env.system()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      stopped.countDown();
    }, "location-stream-stop"));
    stopped.await();
  }
}

package io.rallypoint.schemas.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;

/**
 * The meters every service exports beside its own: JVM memory, GC, threads and classes, process
 * CPU, uptime and file descriptors, and {@code rallypoint_build_info{service,version,commit}} = 1.
 */
public final class ServiceMetrics implements AutoCloseable {

  /**
   * The buckets of every latency histogram (Prometheus {@code le}, plus {@code +Inf}): 1 ms to 30 s
   * in 1-2-5 steps, 15 in all, so {@code histogram_quantile} over them is good to about a step and
   * a scrape of every series stays small.
   */
  public static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30)};

  private final JvmGcMetrics gc;

  private ServiceMetrics(JvmGcMetrics gc) {
    this.gc = gc;
  }

  /** Binds them to {@code registry} for the service named {@code service} ({@code gateway}, {@code persister}, ...). */
  public static ServiceMetrics bind(MeterRegistry registry, String service, BuildInfo build) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    Gauge.builder("rallypoint.build.info", () -> 1)
        .tag("service", service).tag("version", build.version()).tag("commit", build.commit())
        .description("1, labelled with the service and the version and commit it was built from")
        .strongReference(true)
        .register(registry);
    return new ServiceMetrics(gc);
  }

  /** Stops listening for GC notifications. */
  @Override
  public void close() {
    gc.close();
  }
}

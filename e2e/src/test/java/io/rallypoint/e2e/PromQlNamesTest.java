package io.rallypoint.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link PromQlNames}: the metric names in an expression, and nothing else. */
class PromQlNamesTest {

  @Test
  void functionsAggregationsLabelsDurationsAndStringsAreNotMetrics() {
    assertThat(PromQlNames.of(
        "histogram_quantile(0.99, sum by (le) (rate(rallypoint_gateway_delivery_latency_seconds_bucket[5m]))) > 0.1"))
        .containsExactly("rallypoint_gateway_delivery_latency_seconds_bucket");
    assertThat(PromQlNames.of("sum by (instance) (rate(rallypoint_gateway_errors_total{code=\"unavailable\"}[5m])) > 0"))
        .containsExactly("rallypoint_gateway_errors_total");
    assertThat(PromQlNames.of("deriv(sum by (group) (max by (group, topic) (rallypoint_consumer_lag))[10m:1m]) > 0"
        + " and on (group) time() - max(x:recorded:rate5m offset 5m) > 1e3"))
        .containsExactly("rallypoint_consumer_lag", "x:recorded:rate5m");
    assertThat(PromQlNames.of("up{job=~\"gateway|persister\", instance!=\"a{b}\"} == 0 or vector(0)"))
        .containsExactly("up");
    assertThat(PromQlNames.of("a_total / ignoring(code) group_left b_total unless bool c"))
        .containsExactly("a_total", "b_total", "c");
  }
}

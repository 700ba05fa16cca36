package io.rallypoint.launcher;

import io.rallypoint.bench.BenchOptions;
import io.rallypoint.bench.GatewayBench;
import io.rallypoint.schemas.config.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code rallypoint bench}: the gateway load benchmark (open loop, HdrHistogram), not a test. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Open N WebSocket connections to one or more gateways in groups of M users, send at a fixed rate "
        + "(open loop, measured from each send's intended time), and print delivery and ack latency p50/p99/p99.9/max, "
        + "the achieved rate, deliveries/s, and how busy the machine and the client were while sending. First runs the same load against an in-process Netty broadcast server "
        + "(no Redis, Kafka or PostgreSQL: the machine's floor) and prints the gateway's latencies as ratios to it "
        + "(--baseline false skips that). Creates its conversations in DATABASE_URL. Exit code 0: everything "
        + "acked and delivered; 1: something missing or an error; 2: setup failed.",
    footer = {"", BenchOptions.USAGE})
final class BenchCommand implements Callable<Integer> {

  @Unmatched
  List<String> options = new ArrayList<>();

  @Override
  public Integer call() {
    return GatewayBench.run(BenchOptions.parse(options.toArray(String[]::new), Env.system()), System.out);
  }
}

import java.util.Arrays;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * Kafka's ProducerPerformance with a warm-up whose figures are discarded. Kafka 4.1.1 (the jars
 * set-up resolves) has no --warmup-records, and a run from a cold JVM reports its class loading,
 * its JIT compilation, its first metadata fetch and its first connections as send latency (a p99 of
 * 830 ms here). So it runs twice in this one JVM: first WARMUP_RECORDS records to the same topic,
 * whose summary is printed before the marker line and not taken as the figure, then the measured
 * run, on a producer of its own, with the classes loaded and compiled and the partitions warm.
 * ProducerPerformance.main returns after its summary (it exits only on bad arguments).
 *
 * usage: java -cp 'libs/*' PerfWarmup.java WARMUP_RECORDS PRODUCER_PERFORMANCE_ARGS...
 */
public final class PerfWarmup {
  /** printed between the two runs: the figure is the summary after it (src/ceilings/kafka-perf.ts) */
  static final String MEASURED = "# perf-warmup: measured run";

  public static void main(String[] args) throws Exception {
    long warmup = Long.parseLong(args[0]);
    String[] perf = Arrays.copyOfRange(args, 1, args.length);
    if (warmup > 0) {
      String[] first = perf.clone();
      int at = Arrays.asList(first).indexOf("--num-records");
      if (at < 0 || at + 1 >= first.length) throw new IllegalArgumentException("--num-records missing");
      first[at + 1] = Long.toString(warmup);
      System.out.println("# perf-warmup: warm-up run of " + warmup + " records, discarded");
      ProducerPerformance.main(first);
    }
    System.out.println(MEASURED);
    System.out.flush();
    ProducerPerformance.main(perf);
  }
}

package dev.agentsre.examples;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Command-line flags of the {@link FleetDrill}. A bad flag is an {@link IllegalArgumentException}
 * whose message names the flag and the value.
 */
public final class FleetDrillOptions {

    /** Usage text printed by {@code --help} and after a bad flag. */
    public static final String USAGE = String.join(System.lineSeparator(),
            "usage: fleet-drill [--seed N] [--agents N] [--hours N] [--out DIR] [--prometheus PORT] [--live] [--speed N] [--otel-log] [--help]",
            "  --seed N           random seed of the simulated traffic (default 42)",
            "  --agents N         agents in the fleet, 4..50 (default 6)",
            "  --hours N          simulated hours, 2..168 (default 24); the incidents are spread over them",
            "  --out DIR          where the HTML report and the traces go (default target/fleet-drill)",
            "  --prometheus PORT  serve the drill's metrics at http://localhost:PORT/metrics; without --live they are",
            "                     served after the drill (frozen) until Ctrl-C",
            "  --live             run in real time at --speed; with --prometheus, traffic keeps flowing after the",
            "                     scripted span until Ctrl-C, so every scrape sees counters move",
            "  --speed N          simulated seconds per real second with --live, 1..3600 (default 60: a day in 24 minutes)",
            "  --otel-log         also print every metric through the OpenTelemetry logging exporter (standard error)",
            "  --help             print this help and exit");

    private long seed = 42;
    private int agents = 6;
    private int hours = 24;
    private Path out = Path.of("target", "fleet-drill");
    private int prometheusPort = -1;
    private boolean live;
    private int speed = 60;
    private boolean otelLog;
    private boolean help;

    private FleetDrillOptions() {
    }

    /** The defaults. */
    public static FleetDrillOptions defaults() {
        return new FleetDrillOptions();
    }

    /** Parses the command line. */
    public static FleetDrillOptions parse(String... args) {
        FleetDrillOptions options = new FleetDrillOptions();
        boolean speedGiven = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--help", "-h" -> options.help = true;
                case "--seed" -> options.seed = Flags.parseLong(flag, Flags.value(args, ++i, flag));
                case "--agents" -> options.agents = (int) Flags.inRange(flag, Flags.parseLong(flag, Flags.value(args, ++i, flag)), 4, 50);
                case "--hours" -> options.hours = (int) Flags.inRange(flag, Flags.parseLong(flag, Flags.value(args, ++i, flag)), 2, 168);
                case "--out" -> options.out = Path.of(Flags.value(args, ++i, flag));
                case "--prometheus" -> options.prometheusPort = (int) Flags.inRange(flag, Flags.parseLong(flag, Flags.value(args, ++i, flag)), 1, 65_535);
                case "--live" -> options.live = true;
                case "--speed" -> {
                    options.speed = (int) Flags.inRange(flag, Flags.parseLong(flag, Flags.value(args, ++i, flag)), 1, 3_600);
                    speedGiven = true;
                }
                case "--otel-log" -> options.otelLog = true;
                default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
            }
        }
        if (speedGiven && !options.live) {
            throw new IllegalArgumentException("--speed only applies with --live");
        }
        return options;
    }

    /** The random seed. */
    public long seed() {
        return seed;
    }

    /** Agents in the fleet. */
    public int agents() {
        return agents;
    }

    /** Simulated hours. */
    public int hours() {
        return hours;
    }

    /** Output directory. */
    public Path out() {
        return out;
    }

    /** Port to serve Prometheus metrics on, or -1. */
    public int prometheusPort() {
        return prometheusPort;
    }

    /** Whether the drill runs in real time. */
    public boolean live() {
        return live;
    }

    /** Simulated seconds per real second in live mode. */
    public int speed() {
        return speed;
    }

    /** Whether the OpenTelemetry logging exporter prints the metrics. */
    public boolean otelLog() {
        return otelLog;
    }

    /** Whether help was asked for. */
    public boolean help() {
        return help;
    }

    static void printUsage(PrintStream out) {
        out.println(USAGE);
    }
}

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
            "usage: fleet-drill [--seed N] [--agents N] [--hours N] [--out DIR] [--prometheus PORT] [--help]",
            "  --seed N           random seed of the simulated traffic (default 42)",
            "  --agents N         agents in the fleet, 4..50 (default 6)",
            "  --hours N          simulated hours, 2..168 (default 24); the incidents are spread over them",
            "  --out DIR          where the HTML report and the traces go (default target/fleet-drill)",
            "  --prometheus PORT  after the drill, serve its metrics at http://localhost:PORT/metrics until Ctrl-C",
            "                     (default: print them once through the OTel logging exporter)",
            "  --help             print this help and exit");

    private long seed = 42;
    private int agents = 6;
    private int hours = 24;
    private Path out = Path.of("target", "fleet-drill");
    private int prometheusPort = -1;
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
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--help", "-h" -> options.help = true;
                case "--seed" -> options.seed = Flags.parseLong(flag, Flags.value(args, ++i, flag));
                case "--agents" -> options.agents = (int) Flags.inRange(flag, Flags.parseLong(flag, Flags.value(args, ++i, flag)), 4, 50);
                case "--hours" -> options.hours = (int) Flags.inRange(flag, Flags.parseLong(flag, Flags.value(args, ++i, flag)), 2, 168);
                case "--out" -> options.out = Path.of(Flags.value(args, ++i, flag));
                case "--prometheus" -> options.prometheusPort = (int) Flags.inRange(flag, Flags.parseLong(flag, Flags.value(args, ++i, flag)), 1, 65_535);
                default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
            }
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

    /** Port to serve Prometheus metrics on after the drill, or -1. */
    public int prometheusPort() {
        return prometheusPort;
    }

    /** Whether help was asked for. */
    public boolean help() {
        return help;
    }

    static void printUsage(PrintStream out) {
        out.println(USAGE);
    }
}

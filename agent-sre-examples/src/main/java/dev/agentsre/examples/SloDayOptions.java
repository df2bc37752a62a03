package dev.agentsre.examples;

import java.io.PrintStream;

/**
 * Command-line flags of the {@link SloDayExample}: {@code --seed N}, {@code --hours N}, {@code --help}.
 * A bad flag is an {@link IllegalArgumentException} whose message says which.
 */
public final class SloDayOptions {

    /** Usage text printed by {@code --help} and after a bad flag. */
    public static final String USAGE = String.join(System.lineSeparator(),
            "usage: slo-day [--seed N] [--hours N] [--help]",
            "  --seed N    random seed of the simulated traffic (default 42)",
            "  --hours N   simulated hours to run, 1..168 (default 24)",
            "  --help      print this help and exit");

    private long seed = 42;
    private int hours = 24;
    private boolean help;

    private SloDayOptions() {
    }

    /** Parses the command line. */
    public static SloDayOptions parse(String... args) {
        SloDayOptions options = new SloDayOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help":
                case "-h":
                    options.help = true;
                    break;
                case "--seed":
                    options.seed = Flags.parseLong(arg, Flags.value(args, ++i, arg));
                    break;
                case "--hours":
                    long hours = Flags.parseLong(arg, Flags.value(args, ++i, arg));
                    if (hours < 1 || hours > 168) {
                        throw new IllegalArgumentException("--hours must be between 1 and 168, got " + hours);
                    }
                    options.hours = (int) hours;
                    break;
                default:
                    throw new IllegalArgumentException("unknown flag '" + arg + "'");
            }
        }
        return options;
    }

    /** The random seed. */
    public long seed() {
        return seed;
    }

    /** Simulated hours. */
    public int hours() {
        return hours;
    }

    /** Whether help was asked for. */
    public boolean help() {
        return help;
    }

    static void printUsage(PrintStream out) {
        out.println(USAGE);
    }
}

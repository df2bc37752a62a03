package dev.agentsre.examples;

/** Parsing helpers shared by the examples' command lines; errors name the flag and the value. */
final class Flags {

    private Flags() {
    }

    /** The value after {@code flag} at {@code index}. */
    static String value(String[] args, int index, String flag) {
        if (index >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[index];
    }

    /** A whole number. */
    static long parseLong(String flag, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number, got '" + text + "'");
        }
    }

    /** {@code value} if it lies in {@code [min, max]}. */
    static long inRange(String flag, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }
}

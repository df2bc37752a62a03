package dev.agentsre.internal;

/**
 * Numbers for people ({@code 14.6}, {@code 0.25}) without {@link String#format}'s cost, for text
 * built on an agent's thread (alert summaries, signal details). Half-up rounding; NaN, infinities
 * and huge values fall back to {@link Double#toString}.
 */
public final class Decimals {

    private Decimals() {
    }

    /** One decimal: {@code 14.6} for 14.63. */
    public static String one(double value) {
        return fixed(value, 10, 1);
    }

    /** Two decimals: {@code 0.25} for 0.2549. */
    public static String two(double value) {
        return fixed(value, 100, 2);
    }

    private static String fixed(double value, long scale, int digits) {
        if (Double.isNaN(value) || Double.isInfinite(value) || Math.abs(value) > 1e12) {
            return Double.toString(value);
        }
        long scaled = Math.round(value * scale);
        String sign = scaled < 0 ? "-" : "";
        long abs = Math.abs(scaled);
        String fraction = Long.toString(abs % scale);
        while (fraction.length() < digits) {
            fraction = "0" + fraction;
        }
        return sign + abs / scale + "." + fraction;
    }
}

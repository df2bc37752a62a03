package dev.agentsre.integration;

import dev.agentsre.cost.TokenUsage;

/**
 * A framework's token report as the price table counts it — counts that may be missing or
 * inconsistent (more cached tokens than prompt tokens) are read as zero or clamped, never failing the
 * agent's call — and whether an optional provider class (OpenAI's usage with cached tokens) is on the
 * classpath.
 */
public final class ReportedUsage {

    private ReportedUsage() {
    }

    /** {@code n}, or 0 when missing or negative. */
    public static long count(Integer n) {
        return n == null || n < 0 ? 0 : n;
    }

    /** Input and output tokens with their cached and reasoning subsets, clamped to be subsets. */
    public static TokenUsage of(long input, long output, long cached, long reasoning) {
        return new TokenUsage(input, output, Math.min(cached, input), 0, Math.min(reasoning, output));
    }

    /** Whether {@code className} can be loaded (without initialising it). */
    public static boolean present(String className) {
        try {
            Class.forName(className, false, ReportedUsage.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}

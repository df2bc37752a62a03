package dev.agentsre.slo;

/**
 * Which side of its target an indicator's value must be on to be good.
 *
 * <p>{@link #AT_LEAST} suits success rates, accuracy and feedback scores; {@link #AT_MOST} suits
 * latency, cost, tokens, error and hallucination rates, and delegation depth.
 */
public enum Comparison {
    /** Good when {@code value >= target}. */
    AT_LEAST {
        @Override
        public boolean isGood(double value, double target) {
            return value >= target;
        }
    },
    /** Good when {@code value <= target}. */
    AT_MOST {
        @Override
        public boolean isGood(double value, double target) {
            return value <= target;
        }
    };

    /** Whether {@code value} meets {@code target} in this direction. NaN is never good. */
    public abstract boolean isGood(double value, double target);
}

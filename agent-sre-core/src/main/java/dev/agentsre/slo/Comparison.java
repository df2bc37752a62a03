package dev.agentsre.slo;

/**
 * Which side of its target an indicator's value must be on to be good.
 *
 * <p>{@link #AT_LEAST} suits success rates, accuracy and feedback scores; {@link #AT_MOST} suits
 * latency, cost, tokens, error and hallucination rates, and delegation depth. The strict
 * {@link #ABOVE} and {@link #BELOW} are OpenSLO's {@code gt} and {@code lt}: a value equal to the
 * target is bad.
 */
public enum Comparison {
    /** Good when {@code value >= target} (OpenSLO {@code gte}). */
    AT_LEAST(">=") {
        @Override
        public boolean isGood(double value, double target) {
            return value >= target;
        }
    },
    /** Good when {@code value <= target} (OpenSLO {@code lte}). */
    AT_MOST("<=") {
        @Override
        public boolean isGood(double value, double target) {
            return value <= target;
        }
    },
    /** Good when {@code value > target} (OpenSLO {@code gt}). */
    ABOVE(">") {
        @Override
        public boolean isGood(double value, double target) {
            return value > target;
        }
    },
    /** Good when {@code value < target} (OpenSLO {@code lt}). */
    BELOW("<") {
        @Override
        public boolean isGood(double value, double target) {
            return value < target;
        }
    };

    private final String symbol;

    Comparison(String symbol) {
        this.symbol = symbol;
    }

    /** Whether {@code value} meets {@code target} in this direction. NaN is never good. */
    public abstract boolean isGood(double value, double target);

    /** Whether larger values are better ({@link #AT_LEAST}, {@link #ABOVE}). */
    public boolean higherIsBetter() {
        return this == AT_LEAST || this == ABOVE;
    }

    /** Whether a value equal to the target is good ({@link #AT_LEAST}, {@link #AT_MOST}). */
    public boolean inclusive() {
        return this == AT_LEAST || this == AT_MOST;
    }

    /** The operator: {@code >=}, {@code <=}, {@code >} or {@code <}. */
    public String symbol() {
        return symbol;
    }
}

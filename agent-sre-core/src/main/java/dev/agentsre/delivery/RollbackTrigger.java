package dev.agentsre.delivery;

import dev.agentsre.delivery.stats.MixtureSprt;
import dev.agentsre.internal.Check;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A condition that rolls a rollout back at once, checked all through every step (not only when a
 * step ends, as gates are). The first trigger that fires wins; every session goes to the baseline
 * on its next call, and {@link dev.agentsre.event.RolloutRolledBack} carries the {@link Evidence}.
 *
 * <pre>{@code
 * RollbackTrigger.burnRateAbove(5.0)                  // candidate cohort burns its error budget > 5x, 1 h and 5 min windows
 * RollbackTrigger.signal("policy_violation")          // any signal of that kind attributed to the candidate
 * RollbackTrigger.sequentialRegression("error_rate")  // anytime-valid test: candidate worse than baseline, α = 0.05
 * RollbackTrigger.threshold("error_rate", Operator.GT, 0.10)
 * RollbackTrigger.parse("error_budget_burn_rate > 5.0")   // the AgentRollout YAML's syntax
 * }</pre>
 *
 * @param kind what the trigger watches
 * @param metric the metric, signal or (for a burn rate) {@value RolloutMetrics#ERROR_BUDGET_BURN_RATE}
 * @param operator the comparison of a threshold or burn-rate trigger; {@code null} for the others
 * @param value the threshold or burn-rate factor; for a sequential trigger its α; NaN for a signal
 */
public record RollbackTrigger(Kind kind, String metric, Operator operator, double value) {

    /** Minimum candidate calls in the 5-minute window before a burn-rate trigger may fire. */
    public static final long BURN_RATE_MIN_EVENTS = 20;
    /** Minimum candidate samples in the step before a threshold on a rate or mean may fire (counts fire at once). */
    public static final long THRESHOLD_MIN_SAMPLES = 20;

    /** What a trigger watches. */
    public enum Kind {
        /** The candidate cohort's burn rate in both the 1-hour and the 5-minute window. */
        BURN_RATE,
        /** Any signal of a kind attributed to the candidate. */
        SIGNAL,
        /** An anytime-valid sequential test showing the candidate worse than the baseline. */
        SEQUENTIAL_REGRESSION,
        /** A metric of the candidate cohort crossing a bound. */
        THRESHOLD
    }

    /** Comparison operators of the YAML's {@code <metric> <op> <number>} expressions. */
    public enum Operator {
        /** {@code >} */
        GT(">"),
        /** {@code >=} */
        GE(">="),
        /** {@code <} */
        LT("<"),
        /** {@code <=} */
        LE("<="),
        /** {@code ==} */
        EQ("=="),
        /** {@code !=} */
        NE("!=");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        /** The operator as written: {@code >}, {@code >=}, ... */
        public String symbol() {
            return symbol;
        }

        /** Whether {@code left <op> right}; false when either is NaN. */
        public boolean test(double left, double right) {
            if (Double.isNaN(left) || Double.isNaN(right)) {
                return false;
            }
            switch (this) {
                case GT:
                    return left > right;
                case GE:
                    return left >= right;
                case LT:
                    return left < right;
                case LE:
                    return left <= right;
                case EQ:
                    return Math.abs(left - right) <= 1e-9 * Math.max(1, Math.abs(right));
                default:
                    return Math.abs(left - right) > 1e-9 * Math.max(1, Math.abs(right));
            }
        }

        static Operator of(String symbol) {
            for (Operator op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            throw new IllegalArgumentException("unknown operator '" + symbol + "'");
        }
    }

    private static final Pattern EXPRESSION = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.:-]*)\\s*(>=|<=|==|!=|>|<)\\s*(\\S+)\\s*");
    private static final Pattern NAME = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.:-]*)\\s*");

    /**
     * Validates.
     *
     * @throws IllegalArgumentException for a blank metric, a missing operator where one is needed, a
     *     non-finite value, or an α outside (0, 1)
     */
    public RollbackTrigger {
        Check.notNull("kind", kind);
        Check.notBlank("metric", metric);
        switch (kind) {
            case BURN_RATE:
                Check.notNull("operator", operator);
                if (operator != Operator.GT && operator != Operator.GE) {
                    throw new IllegalArgumentException("a burn-rate trigger compares with > or >=, got " + operator.symbol());
                }
                Check.positive("burn rate factor", value);
                break;
            case THRESHOLD:
                Check.notNull("operator", operator);
                Check.finite("threshold", value);
                break;
            case SEQUENTIAL_REGRESSION:
                Check.openRange("alpha", value, 0, 1);
                break;
            default:
                if (operator != null || !Double.isNaN(value)) {
                    throw new IllegalArgumentException("a signal trigger has no operator or value");
                }
        }
    }

    /** The candidate cohort's burn rate is above {@code factor} in both the 1-hour and the 5-minute window. */
    public static RollbackTrigger burnRateAbove(double factor) {
        return new RollbackTrigger(Kind.BURN_RATE, RolloutMetrics.ERROR_BUDGET_BURN_RATE, Operator.GT, factor);
    }

    /** Any {@code signal} attributed to the candidate ({@code policy_violation}, {@code cost_anomaly}, {@code quarantine}, or one of yours). */
    public static RollbackTrigger signal(String signal) {
        return new RollbackTrigger(Kind.SIGNAL, signal, null, Double.NaN);
    }

    /** {@link #signal signal}{@code ("policy_violation")}. */
    public static RollbackTrigger policyViolation() {
        return signal(RolloutMetrics.SIGNAL_POLICY_VIOLATION);
    }

    /** {@link #signal signal}{@code ("cost_anomaly")}. */
    public static RollbackTrigger costAnomaly() {
        return signal(RolloutMetrics.SIGNAL_COST_ANOMALY);
    }

    /** {@link #signal signal}{@code ("quarantine")}: the rogue-agent detector quarantined the candidate. */
    public static RollbackTrigger quarantine() {
        return signal(RolloutMetrics.SIGNAL_QUARANTINE);
    }

    /** A sequential test of {@code metric} shows the candidate worse, at α = {@value MixtureSprt#DEFAULT_ALPHA}. */
    public static RollbackTrigger sequentialRegression(String metric) {
        return sequentialRegression(metric, MixtureSprt.DEFAULT_ALPHA);
    }

    /**
     * A sequential test of {@code metric} shows the candidate worse, with false-positive bound
     * {@code alpha} over the whole rollout (split evenly across the steps that carry candidate traffic).
     */
    public static RollbackTrigger sequentialRegression(String metric, double alpha) {
        return new RollbackTrigger(Kind.SEQUENTIAL_REGRESSION, metric, null, alpha);
    }

    /** The candidate cohort's {@code metric} in the current step satisfies {@code metric <op> value}. */
    public static RollbackTrigger threshold(String metric, Operator operator, double value) {
        return new RollbackTrigger(Kind.THRESHOLD, metric, operator, value);
    }

    /**
     * Parses the YAML's trigger syntax: {@code <metric> <op> <number>} with op one of
     * {@code > >= < <= == !=}, or a bare signal name. {@code error_budget_burn_rate > x} is a
     * {@link #burnRateAbove burn-rate} trigger; a bare {@code <name>_detected} is the signal
     * {@code <name>} ({@code cost_anomaly_detected} → {@code cost_anomaly}); {@code sequential(<metric>)}
     * or {@code sequential(<metric>, <alpha>)} is a sequential regression.
     *
     * @throws IllegalArgumentException naming the expression when it does not parse
     */
    public static RollbackTrigger parse(String expression) {
        Check.notNull("expression", expression);
        String trimmed = expression.trim();
        if (trimmed.startsWith("sequential(") && trimmed.endsWith(")")) {
            String[] args = trimmed.substring("sequential(".length(), trimmed.length() - 1).split(",");
            if (args.length == 1) {
                return sequentialRegression(args[0].trim());
            }
            if (args.length == 2) {
                try {
                    return sequentialRegression(args[0].trim(), Double.parseDouble(args[1].trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + expression + "': alpha '" + args[1].trim() + "' is not a number");
                }
            }
            throw new IllegalArgumentException("'" + expression + "': write sequential(<metric>) or sequential(<metric>, <alpha>)");
        }
        Matcher m = EXPRESSION.matcher(expression);
        if (m.matches()) {
            String metric = m.group(1);
            Operator op = Operator.of(m.group(2));
            double value;
            try {
                value = Double.parseDouble(m.group(3));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + expression + "': '" + m.group(3) + "' is not a number");
            }
            if (metric.equals(RolloutMetrics.ERROR_BUDGET_BURN_RATE) && (op == Operator.GT || op == Operator.GE)) {
                return new RollbackTrigger(Kind.BURN_RATE, metric, op, value);
            }
            return threshold(metric, op, value);
        }
        Matcher name = NAME.matcher(expression);
        if (name.matches()) {
            String signal = name.group(1);
            return signal(signal.endsWith("_detected") ? signal.substring(0, signal.length() - "_detected".length()) : signal);
        }
        throw new IllegalArgumentException("'" + expression + "' is not a rollback condition: write '<metric> <op> <number>' "
                + "(op one of > >= < <= == !=) or a signal name such as cost_anomaly_detected");
    }

    /** The trigger in the YAML's syntax; {@link #parse} reads it back to an equal trigger. */
    public String expression() {
        switch (kind) {
            case BURN_RATE:
            case THRESHOLD:
                return metric + " " + operator.symbol() + " " + number(value);
            case SEQUENTIAL_REGRESSION:
                return value == MixtureSprt.DEFAULT_ALPHA ? "sequential(" + metric + ")" : "sequential(" + metric + ", " + value + ")";
            default:
                return metric.equals(RolloutMetrics.SIGNAL_COST_ANOMALY) ? metric + "_detected" : metric;
        }
    }

    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return Double.toString(value);
    }

    @Override
    public String toString() {
        return expression();
    }
}

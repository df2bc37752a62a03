package dev.agentsre.chaos;

import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A fault to inject into calls of a target — a tool, a model or an agent, named exactly or by a
 * glob ({@code search_*}, {@code *-api}) — at a rate in (0, 1], or deterministically every Nth
 * matching call ({@link #everyNth}). Immutable; made by the static factories.
 *
 * <pre>{@code
 * Fault.latencyInjection("openai-api", Duration.ofMillis(5000), 0.3)
 * Fault.errorInjection("search_tool", "timeout", 0.1)
 * Fault.rateLimit("anthropic-api", Duration.ofSeconds(20), 0.05)
 * Fault.promptInjection("web_search", AttackCorpus.Technique.INSTRUCTION_IN_TOOL_OUTPUT).everyNth(10)
 * }</pre>
 */
public final class Fault {

    private final FaultType type;
    private final String target;
    private final Pattern targetPattern;
    private final double rate;
    private final int everyNth;
    private final Duration delay;
    private final Duration jitter;
    private final String error;
    private final Supplier<? extends RuntimeException> exception;
    private final double costMultiplier;
    private final AttackCorpus.Technique technique;
    private final String detail;

    private Fault(FaultType type, String target, double rate, int everyNth, Duration delay, Duration jitter, String error,
                  Supplier<? extends RuntimeException> exception, double costMultiplier, AttackCorpus.Technique technique, String detail) {
        this.type = type;
        this.target = Check.notBlank("target", target);
        this.targetPattern = glob(target);
        this.rate = everyNth > 0 ? 1.0 : Check.closedRange("rate", rate, Double.MIN_VALUE, 1.0);
        this.everyNth = everyNth;
        this.delay = delay;
        this.jitter = jitter;
        this.error = error;
        this.exception = exception;
        this.costMultiplier = costMultiplier;
        this.technique = technique;
        this.detail = detail;
    }

    private static Fault of(FaultType type, String target, double rate) {
        return new Fault(type, target, rate, 0, Duration.ZERO, Duration.ZERO, null, null, 1.0, null, null);
    }

    /** Waits {@code delay} before a fraction {@code rate} of the target's calls. */
    public static Fault latencyInjection(String target, Duration delay, double rate) {
        return latencyInjection(target, delay, Duration.ZERO, rate);
    }

    /** Waits {@code delay ± jitter} (uniform) before a fraction {@code rate} of the target's calls. */
    public static Fault latencyInjection(String target, Duration delay, Duration jitter, double rate) {
        Check.positive("delay", delay);
        Check.notNull("jitter", jitter);
        if (jitter.isNegative() || jitter.compareTo(delay) > 0) {
            throw new IllegalArgumentException("jitter must be in [0, delay (" + Durations.format(delay) + ")], got " + jitter);
        }
        return new Fault(FaultType.LATENCY, target, rate, 0, delay, jitter, null, null, 1.0, null, null);
    }

    /** Fails a fraction {@code rate} of the target's calls with an {@link InjectedFaultException} named {@code error}. */
    public static Fault errorInjection(String target, String error, double rate) {
        return new Fault(FaultType.ERROR, target, rate, 0, Duration.ZERO, Duration.ZERO, Check.notBlank("error", error), null, 1.0, null, null);
    }

    /** Fails a fraction {@code rate} of the target's calls with the exception {@code exception} makes. */
    public static Fault errorInjection(String target, Supplier<? extends RuntimeException> exception, double rate) {
        Check.notNull("exception", exception);
        return new Fault(FaultType.ERROR, target, rate, 0, Duration.ZERO, Duration.ZERO, "custom", exception, 1.0, null, null);
    }

    /** Waits {@code delay}, then fails with {@link InjectedTimeoutException}, on a fraction {@code rate} of calls. */
    public static Fault timeoutInjection(String target, Duration delay, double rate) {
        return new Fault(FaultType.TIMEOUT, target, rate, 0, Check.positive("delay", delay), Duration.ZERO, "timeout", null, 1.0, null, null);
    }

    /** Every call of {@code tool} times out after {@code delay} (the overview's {@code tool_timeout}). */
    public static Fault toolTimeout(String tool, Duration delay) {
        return timeoutInjection(tool, delay, 1.0);
    }

    /** A fraction {@code rate} of {@code tool}'s calls fail with {@code error} (the overview's {@code tool_error}). */
    public static Fault toolError(String tool, String error, double rate) {
        return errorInjection(tool, error, rate);
    }

    /**
     * Every call to {@code provider} is slowed so that its 99th percentile is about {@code p99}:
     * latency uniform in [p99 / 2, p99] (the overview's {@code llm_latency}).
     */
    public static Fault llmLatency(String provider, Duration p99) {
        Check.positive("p99", p99);
        Duration half = p99.dividedBy(2);
        return new Fault(FaultType.LATENCY, provider, 1.0, 0, half.plus(p99.minus(half).dividedBy(2)), p99.minus(half).dividedBy(2),
                null, null, 1.0, null, null);
    }

    /** A fraction {@code rate} of delegations to {@code agent} are refused. */
    public static Fault delegationReject(String agent, double rate) {
        return new Fault(FaultType.DELEGATION_REJECT, agent, rate, 0, Duration.ZERO, Duration.ZERO, "delegation_rejected", null, 1.0, null, null);
    }

    /**
     * A fraction {@code rate} of calls fail like an LLM provider's HTTP 429, with
     * {@link dev.agentsre.breaker.RateLimitedException} carrying {@code retryAfter}, which a circuit
     * breaker honours.
     */
    public static Fault rateLimit(String target, Duration retryAfter, double rate) {
        return new Fault(FaultType.RATE_LIMIT, target, rate, 0, Check.positive("retryAfter", retryAfter), Duration.ZERO, "rate_limited",
                null, 1.0, null, null);
    }

    /** A fraction {@code rate} of calls report {@code multiplier} times their cost ({@link ChaosInjector#injectCost}). */
    public static Fault costSpike(String target, double multiplier, double rate) {
        if (!(multiplier > 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number > 1, got " + multiplier);
        }
        return new Fault(FaultType.COST_SPIKE, target, rate, 0, Duration.ZERO, Duration.ZERO, null, null, multiplier, null, null);
    }

    /** Plants an instruction of {@code technique} in the target's output (every call; use {@link #withRate} or {@link #everyNth}). */
    public static Fault promptInjection(String target, AttackCorpus.Technique technique) {
        return adversarial(FaultType.PROMPT_INJECTION, target, Check.notNull("technique", technique), null);
    }

    /** Asks the agent, through the target's output, to act as {@code targetRole}. */
    public static Fault privilegeEscalation(String target, String targetRole) {
        return adversarial(FaultType.PRIVILEGE_ESCALATION, target, AttackCorpus.Technique.PRIVILEGE_ESCALATION,
                Check.notBlank("targetRole", targetRole));
    }

    /** Nudges the agent, through the target's output, to misuse {@code toolName}. */
    public static Fault toolAbuse(String target, String toolName) {
        return adversarial(FaultType.TOOL_ABUSE, target, AttackCorpus.Technique.TOOL_ABUSE, Check.notBlank("toolName", toolName));
    }

    /** Asks the agent, through the target's output, to send data to an outside address. */
    public static Fault dataExfiltration(String target) {
        return adversarial(FaultType.DATA_EXFILTRATION, target, AttackCorpus.Technique.DATA_EXFILTRATION, null);
    }

    private static Fault adversarial(FaultType type, String target, AttackCorpus.Technique technique, String detail) {
        return new Fault(type, target, 1.0, 0, Duration.ZERO, Duration.ZERO, null, null, 1.0, technique, detail);
    }

    /** This fault at another rate in (0, 1]. */
    public Fault withRate(double rate) {
        return new Fault(type, target, rate, 0, delay, jitter, error, exception, costMultiplier, technique, detail);
    }

    /** This fault on exactly every {@code n}th matching call (the n-th, 2n-th, ...), with no randomness. */
    public Fault everyNth(int n) {
        Check.positive("n", n);
        return new Fault(type, target, 1.0, n, delay, jitter, error, exception, costMultiplier, technique, detail);
    }

    /** Whether this fault applies to calls of {@code callTarget}. */
    public boolean matches(String callTarget) {
        return targetPattern == null ? target.equals(callTarget) : targetPattern.matcher(callTarget).matches();
    }

    /** The fault type. */
    public FaultType type() {
        return type;
    }

    /** The target name or glob. */
    public String target() {
        return target;
    }

    /** The share of matching calls hit (1 in deterministic mode). */
    public double rate() {
        return rate;
    }

    /** N of deterministic every-Nth mode; 0 when random. */
    public int everyNthCall() {
        return everyNth;
    }

    /** Latency or timeout delay (zero otherwise); the retry-after of a rate limit. */
    public Duration delay() {
        return delay;
    }

    /** Latency jitter. */
    public Duration jitter() {
        return jitter;
    }

    /** The injected error's name, or null. */
    public String error() {
        return error;
    }

    /** The cost multiplier of a cost spike (1 otherwise). */
    public double costMultiplier() {
        return costMultiplier;
    }

    /** The attack technique of an adversarial fault, or null. */
    public AttackCorpus.Technique technique() {
        return technique;
    }

    /** The role, tool or other detail of an adversarial fault, or null. */
    public String detail() {
        return detail;
    }

    RuntimeException newException(String experiment) {
        if (exception != null) {
            return exception.get();
        }
        return new InjectedFaultException(error, "chaos experiment '" + experiment + "' injected " + error + " into " + target);
    }

    @Override
    public String toString() {
        return type + " on " + target + (everyNth > 0 ? " every " + everyNth + "th call" : " at " + rate)
                + (delay.isZero() ? "" : " " + Durations.format(delay)) + (jitter.isZero() ? "" : " ± " + Durations.format(jitter))
                + (error == null ? "" : " " + error);
    }

    // null for a plain name: matched with equals, no regex.
    private static Pattern glob(String target) {
        if (target.indexOf('*') < 0 && target.indexOf('?') < 0) {
            return null;
        }
        StringBuilder regex = new StringBuilder();
        for (char c : target.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}

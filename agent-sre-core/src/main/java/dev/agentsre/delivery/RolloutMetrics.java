package dev.agentsre.delivery;

import dev.agentsre.slo.Comparison;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics a rollout measures on its own, by name, for gates and triggers. Each is read per step
 * and per cohort (the calls the baseline served and the calls — or shadow runs — of the candidate).
 * Besides these, a rollout reads the quality scores it is given ({@link AgentRollout.Builder#score},
 * {@link AgentRollout#recordScore}) and the count of each signal.
 *
 * <table>
 *   <caption>Built-in metrics</caption>
 *   <tr><th>name</th><th>direction</th><th>what</th></tr>
 *   <tr><td>{@value #TASK_SUCCESS_RATE}</td><td>at least</td><td>calls that returned / calls</td></tr>
 *   <tr><td>{@value #ERROR_RATE}</td><td>at most</td><td>calls that threw / calls</td></tr>
 *   <tr><td>{@value #RESPONSE_LATENCY}</td><td>at most</td><td>mean latency, ms (sequential tests use ln(1 + ms))</td></tr>
 *   <tr><td>{@value #RESPONSE_LATENCY_P50}, {@code _p90}, {@code _p95}, {@code _p99}</td><td>at most</td>
 *       <td>latency percentile, ms (log-linear histogram, relative error ≤ 3.1 %)</td></tr>
 *   <tr><td>{@value #COST_PER_TASK}</td><td>at most</td><td>mean cost per call, USD</td></tr>
 *   <tr><td>{@value #TOKEN_USAGE}</td><td>at most</td><td>mean tokens per call</td></tr>
 *   <tr><td>{@value #SIMILARITY}</td><td>at least</td><td>shadow only: mean similarity of the candidate's output to the
 *       baseline's; with a noise floor, divided by the baseline-vs-baseline similarity (capped at 1)</td></tr>
 *   <tr><td>{@value #MATCH_RATE}</td><td>at least</td><td>shadow only: comparisons that matched / comparisons</td></tr>
 *   <tr><td>{@value #ERROR_BUDGET_BURN_RATE}</td><td>at most</td><td>the candidate cohort's burn rate over the last hour
 *       against the rollout's SLO target</td></tr>
 *   <tr><td>{@value #POLICY_VIOLATIONS}, {@value #COST_ANOMALIES}, {@value #QUARANTINES}</td><td>at most</td>
 *       <td>counts of the signals {@value #SIGNAL_POLICY_VIOLATION}, {@value #SIGNAL_COST_ANOMALY},
 *       {@value #SIGNAL_QUARANTINE}</td></tr>
 * </table>
 */
public final class RolloutMetrics {

    /** Calls that returned / calls. */
    public static final String TASK_SUCCESS_RATE = "task_success_rate";
    /** Calls that threw / calls. */
    public static final String ERROR_RATE = "error_rate";
    /** Mean latency in milliseconds. */
    public static final String RESPONSE_LATENCY = "response_latency";
    /** Median latency in milliseconds. */
    public static final String RESPONSE_LATENCY_P50 = "response_latency_p50";
    /** 90th percentile latency in milliseconds. */
    public static final String RESPONSE_LATENCY_P90 = "response_latency_p90";
    /** 95th percentile latency in milliseconds. */
    public static final String RESPONSE_LATENCY_P95 = "response_latency_p95";
    /** 99th percentile latency in milliseconds. */
    public static final String RESPONSE_LATENCY_P99 = "response_latency_p99";
    /** Mean cost per call in USD. */
    public static final String COST_PER_TASK = "cost_per_task";
    /** Mean tokens per call. */
    public static final String TOKEN_USAGE = "token_usage";
    /** Shadow: mean (noise-adjusted) similarity of the candidate's output to the baseline's. */
    public static final String SIMILARITY = "similarity";
    /** Shadow: share of comparisons that matched. */
    public static final String MATCH_RATE = "match_rate";
    /** The candidate cohort's burn rate over the last hour. */
    public static final String ERROR_BUDGET_BURN_RATE = "error_budget_burn_rate";
    /** Count of {@value #SIGNAL_POLICY_VIOLATION} signals. */
    public static final String POLICY_VIOLATIONS = "policy_violations";
    /** Count of {@value #SIGNAL_COST_ANOMALY} signals. */
    public static final String COST_ANOMALIES = "cost_anomalies";
    /** Count of {@value #SIGNAL_QUARANTINE} signals. */
    public static final String QUARANTINES = "quarantines";

    /** A policy or capability violation by the candidate (a {@code TaskRefused} with reason {@code capability} or {@code policy}). */
    public static final String SIGNAL_POLICY_VIOLATION = "policy_violation";
    /** A cost anomaly of the candidate (a {@code CostAlertRaised} with action ANOMALY). */
    public static final String SIGNAL_COST_ANOMALY = "cost_anomaly";
    /** The candidate was quarantined by the rogue-agent detector (an {@code AgentQuarantined}). */
    public static final String SIGNAL_QUARANTINE = "quarantine";

    private static final Map<String, Comparison> DIRECTIONS = Map.ofEntries(
            Map.entry(TASK_SUCCESS_RATE, Comparison.AT_LEAST),
            Map.entry(ERROR_RATE, Comparison.AT_MOST),
            Map.entry(RESPONSE_LATENCY, Comparison.AT_MOST),
            Map.entry(RESPONSE_LATENCY_P50, Comparison.AT_MOST),
            Map.entry(RESPONSE_LATENCY_P90, Comparison.AT_MOST),
            Map.entry(RESPONSE_LATENCY_P95, Comparison.AT_MOST),
            Map.entry(RESPONSE_LATENCY_P99, Comparison.AT_MOST),
            Map.entry(COST_PER_TASK, Comparison.AT_MOST),
            Map.entry(TOKEN_USAGE, Comparison.AT_MOST),
            Map.entry(SIMILARITY, Comparison.AT_LEAST),
            Map.entry(MATCH_RATE, Comparison.AT_LEAST),
            Map.entry(ERROR_BUDGET_BURN_RATE, Comparison.AT_MOST),
            Map.entry(POLICY_VIOLATIONS, Comparison.AT_MOST),
            Map.entry(COST_ANOMALIES, Comparison.AT_MOST),
            Map.entry(QUARANTINES, Comparison.AT_MOST));

    private static final Map<String, String> SIGNAL_COUNTS = Map.of(
            POLICY_VIOLATIONS, SIGNAL_POLICY_VIOLATION,
            COST_ANOMALIES, SIGNAL_COST_ANOMALY,
            QUARANTINES, SIGNAL_QUARANTINE);

    private RolloutMetrics() {
    }

    /** The direction of a built-in metric, empty for any other name. */
    public static Optional<Comparison> direction(String metric) {
        return Optional.ofNullable(DIRECTIONS.get(metric));
    }

    /** The signal a built-in count metric counts ({@code policy_violations} → {@code policy_violation}), or null. */
    static String signalCounted(String metric) {
        return SIGNAL_COUNTS.get(metric);
    }

    /** The built-in signals. */
    static Iterable<String> builtInSignals() {
        return SIGNAL_COUNTS.values();
    }
}

package dev.agentsre.slo;

/**
 * Factories for the built-in indicators, pre-filled with the reference defaults. Each returns a
 * builder, so any default can be changed before {@code build()}:
 * <pre>{@code
 * AggregateSli success = Slis.taskSuccessRate().build();                  // >= 0.995 over 30d
 * PercentileSli p99 = Slis.responseLatency().percentile(0.99).target(10_000).window("1h").build();
 * }</pre>
 *
 * <table>
 *   <caption>Built-in indicators and their defaults</caption>
 *   <tr><th>factory</th><th>name</th><th>value</th><th>default target</th><th>window</th></tr>
 *   <tr><td>{@link #taskSuccessRate()}</td><td>task_success_rate</td><td>share of tasks that succeeded</td><td>&ge; 0.995</td><td>30d</td></tr>
 *   <tr><td>{@link #toolCallAccuracy()}</td><td>tool_call_accuracy</td><td>share of correct tool selections</td><td>&ge; 0.999</td><td>7d</td></tr>
 *   <tr><td>{@link #toolSuccessRate()}</td><td>tool_success_rate</td><td>share of tool calls that succeeded</td><td>&ge; 0.99</td><td>24h</td></tr>
 *   <tr><td>{@link #responseLatency()}</td><td>response_latency_p95 (named after its percentile)</td><td>p95 latency, ms</td><td>&le; 5000</td><td>1h</td></tr>
 *   <tr><td>{@link #costPerTask()}</td><td>cost_per_task</td><td>mean USD per task</td><td>&le; 0.50</td><td>24h</td></tr>
 *   <tr><td>{@link #tokenUsage()}</td><td>token_usage</td><td>mean tokens per completion</td><td>&le; 4096</td><td>24h</td></tr>
 *   <tr><td>{@link #hallucinationRate()}</td><td>hallucination_rate</td><td>share of outputs with a factual error</td><td>&le; 0.01</td><td>24h</td></tr>
 *   <tr><td>{@link #humanFeedback()}</td><td>human_feedback</td><td>mean score (e.g. 1-5)</td><td>&ge; 4.0</td><td>7d</td></tr>
 *   <tr><td>{@link #policyCompliance()}</td><td>policy_compliance</td><td>share of actions within policy</td><td>&ge; 1.0</td><td>30d</td></tr>
 *   <tr><td>{@link #delegationDepth()}</td><td>delegation_depth</td><td>maximum delegation hops</td><td>&le; 3</td><td>1h</td></tr>
 *   <tr><td>{@link #errorRate()}</td><td>error_rate</td><td>share of tasks that failed</td><td>&le; 0.01</td><td>1h</td></tr>
 *   <tr><td>{@link #availability()}</td><td>availability</td><td>share of offered tasks served</td><td>&ge; 0.999</td><td>30d</td></tr>
 * </table>
 *
 * <p>Rate indicators take outcomes: {@code record(true)} / {@code record(1.0)} for the counted
 * event (a success for a success rate, an error for an error rate), {@code record(false)} for the
 * other; they reject values outside [0, 1].
 */
public final class Slis {

    private Slis() {
    }

    /** Share of tasks that succeeded; &ge; 0.995 over 30 days. */
    public static AggregateSli.Builder taskSuccessRate() {
        return rate("task_success_rate", 0.995, "30d", Comparison.AT_LEAST);
    }

    /** Share of tool calls where the agent picked the right tool; &ge; 0.999 over 7 days. */
    public static AggregateSli.Builder toolCallAccuracy() {
        return rate("tool_call_accuracy", 0.999, "7d", Comparison.AT_LEAST);
    }

    /** Share of tool calls that succeeded; &ge; 0.99 over 24 hours. */
    public static AggregateSli.Builder toolSuccessRate() {
        return rate("tool_success_rate", 0.99, "24h", Comparison.AT_LEAST);
    }

    /**
     * p95 response latency in milliseconds; &le; 5000 over 1 hour. Named after its percentile:
     * {@code response_latency_p95}, or {@code response_latency_p99} after {@code .percentile(0.99)}.
     */
    public static PercentileSli.Builder responseLatency() {
        return PercentileSli.builder("response_latency").percentile(0.95).target(5000).window("1h");
    }

    /**
     * Share of offered tasks that were served (not refused as unavailable, see {@link Refusal});
     * &ge; 0.999 over 30 days.
     */
    public static AvailabilitySli.Builder availability() {
        return AvailabilitySli.builder("availability").target(0.999).window("30d");
    }

    /** Mean cost per task in USD; &le; 0.50 over 24 hours. */
    public static AggregateSli.Builder costPerTask() {
        return AggregateSli.builder("cost_per_task").target(0.50).window("24h")
                .comparison(Comparison.AT_MOST).valueRange(0, Double.MAX_VALUE);
    }

    /** Mean tokens per completion; &le; 4096 over 24 hours. */
    public static AggregateSli.Builder tokenUsage() {
        return AggregateSli.builder("token_usage").target(4096).window("24h")
                .comparison(Comparison.AT_MOST).valueRange(0, Double.MAX_VALUE);
    }

    /** Share of outputs judged to contain a factual error; &le; 0.01 over 24 hours. */
    public static AggregateSli.Builder hallucinationRate() {
        return rate("hallucination_rate", 0.01, "24h", Comparison.AT_MOST);
    }

    /** Mean human feedback score; &ge; 4.0 over 7 days. */
    public static AggregateSli.Builder humanFeedback() {
        return AggregateSli.builder("human_feedback").target(4.0).window("7d")
                .comparison(Comparison.AT_LEAST).valueRange(0, Double.MAX_VALUE);
    }

    /** Share of actions that complied with policy; &ge; 1.0 (zero tolerance) over 30 days. */
    public static AggregateSli.Builder policyCompliance() {
        return rate("policy_compliance", 1.0, "30d", Comparison.AT_LEAST);
    }

    /** Maximum delegation chain depth seen in the window; &le; 3 hops over 1 hour. */
    public static AggregateSli.Builder delegationDepth() {
        return AggregateSli.builder("delegation_depth").target(3).window("1h")
                .comparison(Comparison.AT_MOST).statistic(AggregateSli.Statistic.MAX).valueRange(0, Double.MAX_VALUE);
    }

    /** Share of tasks that failed; &le; 0.01 over 1 hour. */
    public static AggregateSli.Builder errorRate() {
        return rate("error_rate", 0.01, "1h", Comparison.AT_MOST);
    }

    private static AggregateSli.Builder rate(String name, double target, String window, Comparison comparison) {
        return AggregateSli.builder(name).target(target).window(window).comparison(comparison).valueRange(0, 1);
    }
}

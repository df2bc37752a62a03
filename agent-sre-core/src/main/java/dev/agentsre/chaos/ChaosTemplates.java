package dev.agentsre.chaos;

import java.time.Duration;

/**
 * Ready experiments for the failures agents meet in production: the original's eleven scenarios
 * and two more. Each returns a builder with sensible faults, an abort condition on the success rate
 * and a 30-minute duration; adjust anything before {@code build()}.
 *
 * <pre>{@code
 * ChaosExperiment drill = ChaosTemplates.llmOutage("code-reviewer", "openai-api").clock(clock).build();
 * }</pre>
 */
public final class ChaosTemplates {

    private ChaosTemplates() {
    }

    private static ChaosExperiment.Builder base(String name, String agent) {
        return ChaosExperiment.builder(name).targetAgent(agent).duration(Duration.ofMinutes(30))
                .abortCondition(AbortCondition.atMost(ChaosExperiment.SUCCESS_RATE, 0.5));
    }

    /** A tool hangs and times out after 30 s. */
    public static ChaosExperiment.Builder toolTimeout(String agent, String tool) {
        return base("tool-timeout-" + tool, agent).fault(Fault.toolTimeout(tool, Duration.ofSeconds(30)).withRate(0.5));
    }

    /** A tool fails half of its calls. */
    public static ChaosExperiment.Builder toolFailure(String agent, String tool) {
        return base("tool-failure-" + tool, agent).fault(Fault.toolError(tool, "internal_error", 0.5));
    }

    /** The model provider slows down to a p99 of 15 s. */
    public static ChaosExperiment.Builder llmLatency(String agent, String provider) {
        return base("llm-latency-" + provider, agent).fault(Fault.llmLatency(provider, Duration.ofSeconds(15)))
                .abortCondition(AbortCondition.atLeast(ChaosExperiment.P95_LATENCY_MS, 60_000));
    }

    /** The model provider is down: every call fails. */
    public static ChaosExperiment.Builder llmOutage(String agent, String provider) {
        return base("llm-outage-" + provider, agent).fault(Fault.errorInjection(provider, "service_unavailable", 1.0))
                .duration(Duration.ofMinutes(10));
    }

    /** The model provider rate-limits a third of the calls with "retry after 20 s". */
    public static ChaosExperiment.Builder rateLimiting(String agent, String provider) {
        return base("rate-limiting-" + provider, agent).fault(Fault.rateLimit(provider, Duration.ofSeconds(20), 0.3));
    }

    /** A downstream agent refuses delegations and answers slowly: does the failure cascade? */
    public static ChaosExperiment.Builder cascadingDelegationFailure(String agent, String downstreamAgent) {
        return base("cascading-delegation-" + downstreamAgent, agent)
                .fault(Fault.delegationReject(downstreamAgent, 0.5))
                .fault(Fault.latencyInjection(downstreamAgent, Duration.ofSeconds(10), 0.5));
    }

    /** A tenth of the calls cost ten times as much: does the cost guard notice? */
    public static ChaosExperiment.Builder costSpike(String agent, String target) {
        return base("cost-spike-" + target, agent).fault(Fault.costSpike(target, 10, 0.1));
    }

    /** Instructions planted in a tool's output (indirect prompt injection). */
    public static ChaosExperiment.Builder promptInjection(String agent, String tool) {
        return base("prompt-injection-" + tool, agent)
                .fault(Fault.promptInjection(tool, AttackCorpus.Technique.INSTRUCTION_IN_TOOL_OUTPUT).withRate(0.2))
                .fault(Fault.promptInjection(tool, AttackCorpus.Technique.DIRECT_OVERRIDE).withRate(0.1));
    }

    /** A tool's output tells the agent it is now an admin. */
    public static ChaosExperiment.Builder privilegeEscalation(String agent, String tool) {
        return base("privilege-escalation-" + tool, agent).fault(Fault.privilegeEscalation(tool, "admin").withRate(0.2));
    }

    /** A tool's output asks the agent to send customer data outside. */
    public static ChaosExperiment.Builder dataExfiltration(String agent, String tool) {
        return base("data-exfiltration-" + tool, agent).fault(Fault.dataExfiltration(tool).withRate(0.2));
    }

    /** A tool's output nudges the agent to misuse {@code abusedTool}. */
    public static ChaosExperiment.Builder toolAbuse(String agent, String tool, String abusedTool) {
        return base("tool-abuse-" + abusedTool, agent).fault(Fault.toolAbuse(tool, abusedTool).withRate(0.2));
    }

    /** Everything a little wrong at once: latency, errors and rate limits on every target. */
    public static ChaosExperiment.Builder degradedDependencies(String agent) {
        return base("degraded-dependencies", agent)
                .fault(Fault.latencyInjection("*", Duration.ofSeconds(2), Duration.ofSeconds(1), 0.2))
                .fault(Fault.errorInjection("*", "internal_error", 0.05))
                .fault(Fault.rateLimit("*", Duration.ofSeconds(10), 0.05));
    }

    /** Intermittent connection resets on one target, every 10th call, no randomness. */
    public static ChaosExperiment.Builder flakyConnection(String agent, String target) {
        return base("flaky-connection-" + target, agent).fault(Fault.errorInjection(target, "connection_reset", 1.0).everyNth(10));
    }
}

package dev.agentsre;

import dev.agentsre.internal.Check;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Hard limits on one task, checked before each of its calls: crossing one refuses the next call with
 * a {@link TaskLimitExceededException} naming the limit and its value.
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>limit</th><th>refuses</th></tr>
 *   <tr><td>{@code maxModelCalls}</td><td>the model call after that many</td></tr>
 *   <tr><td>{@code maxToolCalls}</td><td>the tool call after that many</td></tr>
 *   <tr><td>{@code maxTokens}</td><td>any model call once the task's reported tokens reached it</td></tr>
 *   <tr><td>{@code maxDuration}</td><td>any call after the deadline (start + duration); an
 *       asynchronous task's stage fails with the refusal at the deadline</td></tr>
 *   <tr><td>{@code maxDelegationDepth}</td><td>a delegation that would run deeper than this many hops
 *       below the task (default {@value #DEFAULT_MAX_DELEGATION_DEPTH})</td></tr>
 * </table>
 *
 * <p>Counts and tokens include the task's delegations (a child task's calls count for its parent
 * too), so a limit bounds the whole tree of work a task starts.
 *
 * <p><b>Inheritance.</b> A limit left unset inherits: a task's limits
 * ({@code sre.agent(a).task(t).limits(...)}) inherit the pipeline's ({@code AgentSre.builder().taskLimits(...)});
 * the pipeline's unset limits are unlimited, except {@code maxDelegationDepth}, which defaults to
 * {@value #DEFAULT_MAX_DELEGATION_DEPTH} (the reference's "at most 3 hops for any request"). Immutable.
 *
 * <pre>{@code
 * AgentSre.builder().taskLimits(TaskLimits.builder().maxModelCalls(50).maxToolCalls(200).maxTokens(500_000)
 *         .maxDuration(Duration.ofMinutes(5)).build());
 * sre.agent("research-agent").task("t-42").limits(TaskLimits.builder().maxToolCalls(20).build()).call(...);
 * }</pre>
 */
public final class TaskLimits {

    /** Default maximum delegation depth. */
    public static final int DEFAULT_MAX_DELEGATION_DEPTH = 3;

    /** No limit set: every limit inherits. */
    public static final TaskLimits NONE = builder().build();

    private static final long UNSET = -1;

    private final long maxModelCalls;
    private final long maxToolCalls;
    private final long maxTokens;
    private final Duration maxDuration;
    private final long maxDelegationDepth;

    private TaskLimits(long maxModelCalls, long maxToolCalls, long maxTokens, Duration maxDuration, long maxDelegationDepth) {
        this.maxModelCalls = maxModelCalls;
        this.maxToolCalls = maxToolCalls;
        this.maxTokens = maxTokens;
        this.maxDuration = maxDuration;
        this.maxDelegationDepth = maxDelegationDepth;
    }

    /** Starts a builder with every limit unset. */
    public static Builder builder() {
        return new Builder();
    }

    /** Model calls allowed, if set. */
    public OptionalInt maxModelCalls() {
        return maxModelCalls == UNSET ? OptionalInt.empty() : OptionalInt.of((int) maxModelCalls);
    }

    /** Tool calls allowed, if set. */
    public OptionalInt maxToolCalls() {
        return maxToolCalls == UNSET ? OptionalInt.empty() : OptionalInt.of((int) maxToolCalls);
    }

    /** Tokens (input plus output, as reported) allowed, if set. */
    public OptionalLong maxTokens() {
        return maxTokens == UNSET ? OptionalLong.empty() : OptionalLong.of(maxTokens);
    }

    /** Time from the task's start after which its calls are refused, if set. */
    public Optional<Duration> maxDuration() {
        return Optional.ofNullable(maxDuration);
    }

    /** Delegation hops allowed below the task, if set. */
    public OptionalInt maxDelegationDepth() {
        return maxDelegationDepth == UNSET ? OptionalInt.empty() : OptionalInt.of((int) maxDelegationDepth);
    }

    /** These limits, with every unset one taken from {@code base}. */
    public TaskLimits orElse(TaskLimits base) {
        Check.notNull("base", base);
        return new TaskLimits(pick(maxModelCalls, base.maxModelCalls), pick(maxToolCalls, base.maxToolCalls),
                pick(maxTokens, base.maxTokens), maxDuration != null ? maxDuration : base.maxDuration,
                pick(maxDelegationDepth, base.maxDelegationDepth));
    }

    private static long pick(long own, long base) {
        return own != UNSET ? own : base;
    }

    // Resolved values for the hot path: Long.MAX_VALUE when unlimited.

    long modelCallLimit() {
        return maxModelCalls == UNSET ? Long.MAX_VALUE : maxModelCalls;
    }

    long toolCallLimit() {
        return maxToolCalls == UNSET ? Long.MAX_VALUE : maxToolCalls;
    }

    long tokenLimit() {
        return maxTokens == UNSET ? Long.MAX_VALUE : maxTokens;
    }

    long durationLimitMillis() {
        return maxDuration == null ? Long.MAX_VALUE : maxDuration.toMillis();
    }

    long delegationDepthLimit() {
        return maxDelegationDepth == UNSET ? DEFAULT_MAX_DELEGATION_DEPTH : maxDelegationDepth;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("TaskLimits{");
        if (maxModelCalls != UNSET) {
            b.append("maxModelCalls=").append(maxModelCalls).append(", ");
        }
        if (maxToolCalls != UNSET) {
            b.append("maxToolCalls=").append(maxToolCalls).append(", ");
        }
        if (maxTokens != UNSET) {
            b.append("maxTokens=").append(maxTokens).append(", ");
        }
        if (maxDuration != null) {
            b.append("maxDuration=").append(maxDuration).append(", ");
        }
        if (maxDelegationDepth != UNSET) {
            b.append("maxDelegationDepth=").append(maxDelegationDepth).append(", ");
        }
        if (b.charAt(b.length() - 1) == ' ') {
            b.setLength(b.length() - 2);
        }
        return b.append('}').toString();
    }

    /** Builder for {@link TaskLimits}; every limit starts unset (inherited). */
    public static final class Builder {
        private long maxModelCalls = UNSET;
        private long maxToolCalls = UNSET;
        private long maxTokens = UNSET;
        private Duration maxDuration;
        private long maxDelegationDepth = UNSET;

        private Builder() {
        }

        /** Model calls allowed ({@code >= 0}; 0 allows none). */
        public Builder maxModelCalls(int calls) {
            this.maxModelCalls = Check.nonNegative("maxModelCalls", (long) calls);
            return this;
        }

        /** Tool calls allowed ({@code >= 0}; 0 allows none). */
        public Builder maxToolCalls(int calls) {
            this.maxToolCalls = Check.nonNegative("maxToolCalls", (long) calls);
            return this;
        }

        /** Reported tokens (input plus output) allowed ({@code >= 0}). */
        public Builder maxTokens(long tokens) {
            this.maxTokens = Check.nonNegative("maxTokens", tokens);
            return this;
        }

        /** Time from the task's start after which its calls are refused (positive). */
        public Builder maxDuration(Duration duration) {
            this.maxDuration = Check.millis("maxDuration", duration);
            return this;
        }

        /** Delegation hops allowed below a task ({@code >= 0}; 0 allows none; default 3). */
        public Builder maxDelegationDepth(int hops) {
            this.maxDelegationDepth = Check.nonNegative("maxDelegationDepth", (long) hops);
            return this;
        }

        /** Builds the limits. */
        public TaskLimits build() {
            return new TaskLimits(maxModelCalls, maxToolCalls, maxTokens, maxDuration, maxDelegationDepth);
        }
    }
}

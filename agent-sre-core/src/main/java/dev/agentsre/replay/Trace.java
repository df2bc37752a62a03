package dev.agentsre.replay;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A recorded agent run: its steps in execution order and their totals. Immutable.
 *
 * @param traceId the trace's id (also its file name in a {@link TraceStore})
 * @param agentId the agent
 * @param parentTraceId the trace a what-if run was derived from, or null
 * @param startTime when the run started
 * @param endTime when it ended (the last step's end when the trace was cut short)
 * @param spans the steps, ordered by step number; gap-free unless the trace is incomplete (a step still in
 *     flight when the run was killed, or a damaged line, leaves a gap, named in {@code problems})
 * @param complete false when the stored trace is damaged or was cut short (a crash mid-run): the steps read are kept
 * @param problems what was wrong with a damaged file ("line 7 is cut short…", "step 4 is missing"), empty when whole
 */
public record Trace(String traceId, String agentId, String parentTraceId, Instant startTime, Instant endTime, List<Span> spans,
                    boolean complete, List<String> problems) {

    /** The current trace schema, written on every trace's first line. */
    public static final String SCHEMA = "agentsre.trace/v1";

    /** Copies the lists. */
    public Trace {
        spans = List.copyOf(spans);
        problems = List.copyOf(problems);
    }

    /** Total cost of every step. */
    public BigDecimal totalCostUsd() {
        return spans.stream().map(Span::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Total tokens of every step. */
    public long totalTokens() {
        return spans.stream().mapToLong(Span::totalTokens).sum();
    }

    /** Wall-clock duration of the run. */
    public Duration duration() {
        return Duration.between(startTime, endTime);
    }

    /**
     * The step numbered {@code step}.
     *
     * @throws IllegalArgumentException when the trace has no such step
     */
    public Span step(int step) {
        if (step >= 1 && step <= spans.size() && spans.get(step - 1).step() == step) {
            return spans.get(step - 1); // a whole trace: step n is at index n - 1
        }
        int low = 0;
        int high = spans.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int found = spans.get(mid).step();
            if (found == step) {
                return spans.get(mid);
            }
            if (found < step) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        throw new IllegalArgumentException("trace " + traceId + " has no step " + step
                + (spans.isEmpty() ? " (it has no steps)" : " (its steps run from " + spans.get(0).step() + " to "
                + spans.get(spans.size() - 1).step() + ")"));
    }
}

package dev.agentsre.incident;

import dev.agentsre.internal.Check;
import dev.agentsre.replay.Span;
import dev.agentsre.replay.SpanStatus;
import dev.agentsre.replay.Trace;
import dev.agentsre.replay.TraceStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Finds the replay traces of failed tasks, for an incident's impact and postmortem. */
@FunctionalInterface
public interface FailingTraces {

    /** How many of the newest traces {@link #of(TraceStore)} looks at. */
    int SCAN_LIMIT = 500;

    /** Ids of up to {@code limit} traces of {@code agents} started in [{@code from}, {@code to}] with a failed step, newest first. */
    List<String> find(Collection<String> agents, Instant from, Instant to, int limit);

    /**
     * Reads a {@link TraceStore}: the newest {@value #SCAN_LIMIT} traces at most, keeping those of the
     * agents in the interval with a step that ended in an error or a timeout. Unreadable traces are
     * skipped. Runs on the caller's thread (the postmortem's), never on an agent's.
     */
    static FailingTraces of(TraceStore store) {
        Check.notNull("store", store);
        return (agents, from, to, limit) -> {
            List<String> ids = store.list();
            List<String> found = new ArrayList<>();
            int scanned = 0;
            for (int i = ids.size() - 1; i >= 0 && scanned < SCAN_LIMIT && found.size() < limit; i--, scanned++) {
                try {
                    Trace trace = store.load(ids.get(i));
                    if (!agents.contains(trace.agentId()) || trace.startTime().isBefore(from) || trace.startTime().isAfter(to)) {
                        continue;
                    }
                    for (Span span : trace.spans()) {
                        if (span.status() != SpanStatus.OK) {
                            found.add(trace.traceId());
                            break;
                        }
                    }
                } catch (RuntimeException e) {
                    // a damaged or vanished trace is not evidence
                }
            }
            return found;
        };
    }

    /** Finds nothing. */
    static FailingTraces none() {
        return (agents, from, to, limit) -> List.of();
    }
}

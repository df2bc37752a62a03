package dev.agentsre.incident;

import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Duration;
import java.util.Set;

/**
 * A gate before a runbook step: the execution pauses (WAITING_APPROVAL) until {@code minApprovals}
 * distinct approvers — from {@code approvers}, or anyone when it is empty — approve, and resumes at
 * that step, also after a restart when the execution store is a file store. A denial aborts the
 * execution (completed steps are compensated). No decision within {@code timeout} applies
 * {@code onTimeout}.
 *
 * @param approvers who may approve (empty: anyone)
 * @param minApprovals approvals needed (default 1)
 * @param timeout how long to wait (default {@value #DEFAULT_TIMEOUT_TEXT})
 * @param onTimeout ABORT (default) or SKIP (go on without running the step)
 */
public record Approval(Set<String> approvers, int minApprovals, Duration timeout, OnTimeout onTimeout) {

    /** Text of the default timeout. */
    public static final String DEFAULT_TIMEOUT_TEXT = "15m";

    /** What an unanswered approval does. */
    public enum OnTimeout {
        /** Abort the execution (completed steps are compensated). */
        ABORT,
        /** Skip the step and go on. */
        SKIP
    }

    /** Validates. */
    public Approval {
        approvers = Set.copyOf(Check.notNull("approvers", approvers));
        Check.positive("minApprovals", minApprovals);
        Check.positive("timeout", timeout);
        Check.notNull("onTimeout", onTimeout);
        if (!approvers.isEmpty() && minApprovals > approvers.size()) {
            throw new IllegalArgumentException("minApprovals (" + minApprovals + ") exceeds the approvers " + approvers);
        }
    }

    /** Anyone may approve; one approval; 15 minutes; abort on timeout. */
    public static Approval required() {
        return new Approval(Set.of(), 1, Durations.parse(DEFAULT_TIMEOUT_TEXT), OnTimeout.ABORT);
    }

    /** One of {@code approvers} must approve. */
    public static Approval by(String... approvers) {
        return new Approval(Set.of(approvers), 1, Durations.parse(DEFAULT_TIMEOUT_TEXT), OnTimeout.ABORT);
    }

    /** This gate needing {@code n} approvals. */
    public Approval minApprovals(int n) {
        return new Approval(approvers, n, timeout, onTimeout);
    }

    /** This gate waiting at most {@code timeout}. */
    public Approval timeout(Duration timeout) {
        return new Approval(approvers, minApprovals, timeout, onTimeout);
    }

    /** This gate doing {@code onTimeout} when unanswered. */
    public Approval onTimeout(OnTimeout onTimeout) {
        return new Approval(approvers, minApprovals, timeout, onTimeout);
    }

    /** Whether {@code approver} may approve. */
    public boolean allows(String approver) {
        return approvers.isEmpty() || approvers.contains(approver);
    }
}

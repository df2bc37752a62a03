package dev.agentsre.slo;

import java.util.EnumSet;
import java.util.Set;

/**
 * Why the pipeline refused a task at the door, as far as an availability objective is concerned
 * ({@link Slo#recordRefused(Refusal)}).
 *
 * <p><b>Which refusals are unavailability.</b> A refusal counts against availability when the
 * agent could not serve — not when somebody decided it should not:
 * <table>
 *   <caption>Refusals and availability (defaults, {@link #UNAVAILABILITY})</caption>
 *   <tr><th>refusal</th><th>counts</th><th>why</th></tr>
 *   <tr><td>{@link #CIRCUIT_OPEN}</td><td>yes</td><td>the agent (or a dependency it needs at the
 *       door) failed until its breaker opened: the agent is down</td></tr>
 *   <tr><td>{@link #QUARANTINED}</td><td>yes</td><td>the agent misbehaved until it was isolated:
 *       the users get no answer because of the agent</td></tr>
 *   <tr><td>{@link #SLO_ACTION}</td><td>no</td><td>an exhausted SLO's own action (THROTTLE, or
 *       CIRCUIT_BREAK holding the circuit open) is policy; counting it would let an exhausted
 *       objective feed itself and never recover</td></tr>
 *   <tr><td>{@link #COST_THROTTLED}</td><td>no</td><td>a spend rate limit the operator set</td></tr>
 *   <tr><td>{@link #BUDGET_EXCEEDED}</td><td>no</td><td>a budget limit or kill switch: the operator's
 *       decision, not an outage</td></tr>
 *   <tr><td>{@link #POLICY}</td><td>no</td><td>a guard of the user's own (capability, compliance)
 *       refusing on purpose</td></tr>
 * </table>
 * Refusals <em>inside</em> a running task (a call refused in flight) are not door refusals: the
 * task was served and failed, which is the success objective's business.
 */
public enum Refusal {
    /** The agent's circuit breaker is open after failures (not held open by an SLO's action). */
    CIRCUIT_OPEN,
    /** The rogue-agent detector quarantined the agent. */
    QUARANTINED,
    /** An exhausted SLO's exhaustion action throttles the agent or holds its circuit open. */
    SLO_ACTION,
    /** The cost guard throttles the agent's spend rate. */
    COST_THROTTLED,
    /** A cost budget is exceeded or its kill switch is on. */
    BUDGET_EXCEEDED,
    /** A guard of the user's own refused the task. */
    POLICY;

    /** The refusals that count as unavailability by default: {@link #CIRCUIT_OPEN} and {@link #QUARANTINED}. */
    public static final Set<Refusal> UNAVAILABILITY = Set.copyOf(EnumSet.of(CIRCUIT_OPEN, QUARANTINED));
}

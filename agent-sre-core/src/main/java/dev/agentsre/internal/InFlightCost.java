package dev.agentsre.internal;

import dev.agentsre.cost.CostDecision;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.CostReservation;
import dev.agentsre.cost.TokenUsage;

/**
 * Not API. The nano-dollar operations the {@code AgentSre} pipeline performs on a {@link CostGuard}
 * while a task runs, implemented in {@code dev.agentsre.cost} next to the ledgers, so the guard's
 * public surface stays in dollars and the per-call path allocates nothing. {@link CostGuard} installs
 * the implementation when its class is initialised (so any code holding a guard finds it installed).
 */
public abstract class InFlightCost {

    private static volatile InFlightCost instance;

    /** For the implementation in {@code dev.agentsre.cost}. */
    protected InFlightCost() {
    }

    /** Installs the implementation once; later calls are ignored. */
    public static synchronized void install(InFlightCost implementation) {
        if (instance == null) {
            instance = implementation;
        }
    }

    /** The implementation (installed once any {@link CostGuard} exists). */
    public static InFlightCost get() {
        InFlightCost current = instance;
        if (current == null) {
            try {
                Class.forName(CostGuard.class.getName(), true, CostGuard.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            current = instance;
        }
        return current;
    }

    /** The guard's per-task limit in nano-dollars, or {@code Long.MAX_VALUE} when there is none. */
    public abstract long perTaskLimitNanos(CostGuard guard);

    /**
     * The rates {@code model} is priced at by the guard's rules (an opaque handle for
     * {@link #price}); throws the guard's unknown-model error if it has no price and the guard is
     * strict — used before a call that will report tokens, so an unpriceable call never runs.
     */
    public abstract Object rates(CostGuard guard, String model);

    /** Prices {@code usage} at {@code rates} (from {@link #rates}); see {@link #priceNanos} for {@code charged}. */
    public abstract long price(CostGuard guard, Object rates, String agentId, String taskId, String model, TokenUsage usage,
                               boolean charged);

    /**
     * Prices {@code usage} of {@code model} by the guard's rules; {@code charged} says the price will
     * be charged (then the lenient-mode event is published when the unknown-model price is used).
     */
    public abstract long priceNanos(CostGuard guard, String agentId, String taskId, String model, TokenUsage usage, boolean charged);

    /** {@link CostGuard#reserve} with an exact amount in nano-dollars. */
    public abstract CostReservation reserve(CostGuard guard, String agentId, String taskId, long estimateNanos);

    /**
     * May one more call of the task start? Returns {@code null} and holds {@code worstCaseNanos} in the
     * task's budgets when it may; otherwise the refusal, holding nothing. Refuses when a budget of the
     * task is killed (also after the task started), when {@code taskTotalNanos} (the task's spend
     * with its delegations) has reached the per-task limit or would pass it with the worst case, when
     * a budget is spent out, or when the worst case does not fit beside what is spent and held
     * (the task's own remaining hold counts as room for its own calls).
     */
    public abstract CostDecision checkCall(CostReservation task, long taskTotalNanos, long worstCaseNanos);

    /**
     * Charges {@code nanos} to the task's budgets now, drawing its hold down, and gives back
     * {@code releaseNanos} held for the call by {@link #checkCall}; raises threshold alerts, throttle
     * and kill as any charge does. {@code rootTotalNanos} is the root task's spend after this charge,
     * for the per-task over-limit alert, raised once per root ({@code root}).
     */
    public abstract void charge(CostReservation task, long nanos, long releaseNanos, String model, CostReservation root,
                                long rootTotalNanos);

    /**
     * Ends the task: charges {@code extraNanos} (the estimate of a task that succeeded without
     * reporting a cost, else 0), releases what is still held, and feeds anomaly detection with
     * {@code ownTotalNanos}, the task's own spend.
     */
    public abstract void finish(CostReservation task, long extraNanos, long ownTotalNanos);
}

package dev.agentsre.incident;

import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.internal.Check;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The built-in {@link Response}s. Each acts for real on a component of {@link Controls} and reports
 * per target; a target that fails does not stop the others, and the result is FAILED if any did.
 *
 * <table>
 *   <caption>Built-in responses</caption>
 *   <tr><th>response</th><th>acts through</th></tr>
 *   <tr><td>{@link #openCircuit}</td><td>{@code CircuitBreaker.forceOpen()} of the agents' breakers, or of the dependency's</td></tr>
 *   <tr><td>{@link #closeCircuit}</td><td>{@code CircuitBreaker.reset()}</td></tr>
 *   <tr><td>{@link #throttle}, {@link #kill}, {@link #revive}</td><td>{@link BudgetControl}</td></tr>
 *   <tr><td>{@link #quarantine}, {@link #release}</td><td>{@code RogueAgentDetector.quarantine/release}</td></tr>
 *   <tr><td>{@link #captureTraces}</td><td>{@link TraceCaptureControl#captureNext}</td></tr>
 *   <tr><td>{@link #rollback}</td><td>{@link RolloutControl#rollBack}</td></tr>
 *   <tr><td>{@link #postmortemDraft}</td><td>drafts the postmortem and keeps it on the incident</td></tr>
 *   <tr><td>{@link #runbook}</td><td>starts a runbook of the manager's {@link Runbooks}</td></tr>
 * </table>
 */
public final class Responses {

    /** What a response acts on. */
    public enum Target {
        /** Every affected agent. */
        AFFECTED_AGENTS,
        /** The first affected agent. */
        PRIMARY_AGENT,
        /** The dependency of the best DEPENDENCY hint (for breakers: the dependency breakers). */
        TOP_DEPENDENCY;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Responses() {
    }

    /** Forces open the breakers of the target (agents' breakers, or the dependency breaker). */
    public static Response openCircuit(Target target) {
        return perTarget("open_circuit", target, (ctx, name) -> {
            CircuitBreakerRegistry registry = registry(ctx, target);
            if (registry == null) {
                return "no " + (target == Target.TOP_DEPENDENCY ? "dependency" : "agent") + " breakers configured";
            }
            CircuitBreaker breaker = registry.get(name);
            breaker.forceOpen();
            return null;
        });
    }

    /** Closes (resets) the breakers of the target. */
    public static Response closeCircuit(Target target) {
        return perTarget("close_circuit", target, (ctx, name) -> {
            CircuitBreakerRegistry registry = registry(ctx, target);
            if (registry == null) {
                return "no " + (target == Target.TOP_DEPENDENCY ? "dependency" : "agent") + " breakers configured";
            }
            registry.find(name).ifPresent(CircuitBreaker::reset);
            return null;
        });
    }

    /** Throttles the target agents' budgets. */
    public static Response throttle(Target target) {
        return perTarget("throttle", target, (ctx, agent) -> {
            if (ctx.controls().budgets() == null) {
                return "no budget control configured";
            }
            ctx.controls().budgets().throttle(agent, "incident " + ctx.incident().id());
            return null;
        });
    }

    /** Kills the target agents' budgets. */
    public static Response kill(Target target) {
        return perTarget("kill", target, (ctx, agent) -> {
            if (ctx.controls().budgets() == null) {
                return "no budget control configured";
            }
            ctx.controls().budgets().kill(agent, "incident " + ctx.incident().id());
            return null;
        });
    }

    /** Revives the target agents' budgets. */
    public static Response revive(Target target) {
        return perTarget("revive", target, (ctx, agent) -> {
            if (ctx.controls().budgets() == null) {
                return "no budget control configured";
            }
            ctx.controls().budgets().revive(agent);
            return null;
        });
    }

    /** Quarantines the target agents. */
    public static Response quarantine(Target target) {
        return perTarget("quarantine", target, (ctx, agent) -> {
            if (ctx.controls().rogueDetector() == null) {
                return "no rogue-agent detector configured";
            }
            ctx.controls().rogueDetector().quarantine(agent, "incident " + ctx.incident().id());
            return null;
        });
    }

    /** Releases the target agents from quarantine. */
    public static Response release(Target target) {
        return perTarget("release", target, (ctx, agent) -> {
            if (ctx.controls().rogueDetector() == null) {
                return "no rogue-agent detector configured";
            }
            ctx.controls().rogueDetector().release(agent);
            return null;
        });
    }

    /** Captures the next {@code traces} tasks of the target agents as replay traces. */
    public static Response captureTraces(int traces, Target target) {
        Check.positive("traces", traces);
        return perTarget("capture_traces(" + traces + ")", target, (ctx, agent) -> {
            if (ctx.controls().traces() == null) {
                return "no trace capture configured";
            }
            ctx.controls().traces().captureNext(agent, traces);
            return null;
        });
    }

    /** Rolls back the target agents' rollouts. */
    public static Response rollback(Target target) {
        return perTarget("rollback", target, (ctx, agent) -> {
            if (ctx.controls().rollouts() == null) {
                return "no rollout control configured";
            }
            if (!ctx.controls().rollouts().rollBack(agent, "incident " + ctx.incident().id())) {
                throw new IllegalStateException("agent '" + agent + "' has no active rollout");
            }
            return null;
        });
    }

    /** Drafts the postmortem now and keeps it on the incident. */
    public static Response postmortemDraft() {
        return new Response() {
            @Override
            public String name() {
                return "postmortem_draft";
            }

            @Override
            public Result execute(Context context) {
                Postmortem draft = context.manager().draftPostmortem(context.incident());
                return Result.succeeded(context.incident().id(), "draft with " + draft.timeline().size() + " timeline entries");
            }
        };
    }

    /** Starts the runbook {@code id} for the incident. */
    public static Response runbook(String id) {
        Check.notBlank("runbook", id);
        return new Response() {
            @Override
            public String name() {
                return "runbook(" + id + ")";
            }

            @Override
            public Result execute(Context context) {
                Runbooks runbooks = context.manager().runbooks();
                if (runbooks == null) {
                    return Result.skipped("no runbooks configured");
                }
                RunbookExecution execution = runbooks.start(id, context.incident());
                return Result.succeeded(id, "execution " + execution.id() + " " + execution.state());
            }
        };
    }

    /** One action per target name; returns null on success, a reason to skip, or throws. */
    @FunctionalInterface
    private interface Action {
        String apply(Response.Context context, String target) throws Exception;
    }

    private static CircuitBreakerRegistry registry(Response.Context ctx, Target target) {
        return target == Target.TOP_DEPENDENCY ? ctx.controls().dependencyBreakers() : ctx.controls().agentBreakers();
    }

    static List<String> targets(Incident incident, Target target) {
        switch (target) {
            case AFFECTED_AGENTS:
                return incident.agents();
            case PRIMARY_AGENT:
                return incident.primaryAgent() == null ? List.of() : List.of(incident.primaryAgent());
            default:
                for (RootCauseHint hint : incident.hints()) {
                    if (hint.type() == RootCauseHint.Type.DEPENDENCY) {
                        return List.of(hint.subject());
                    }
                }
                return List.of();
        }
    }

    private static Response perTarget(String name, Target target, Action action) {
        Check.notNull("target", target);
        String fullName = name.endsWith(")") ? name.substring(0, name.length() - 1) + ", " + target.id() + ")"
                : name + "(" + target.id() + ")";
        return new Response() {
            @Override
            public String name() {
                return fullName;
            }

            @Override
            public Result execute(Context context) {
                List<String> names = targets(context.incident(), target);
                if (names.isEmpty()) {
                    return Result.skipped("no " + target.id().replace('_', ' ') + " to act on");
                }
                List<String> done = new ArrayList<>();
                List<String> failed = new ArrayList<>();
                for (String each : names) {
                    try {
                        String skipped = action.apply(context, each);
                        if (skipped != null) {
                            return Result.skipped(skipped);
                        }
                        done.add(each);
                    } catch (Exception e) {
                        failed.add(each + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                    }
                }
                String targets = String.join(", ", names);
                if (failed.isEmpty()) {
                    return Result.succeeded(targets, name + " done for " + String.join(", ", done));
                }
                return Result.failed(targets, (done.isEmpty() ? "" : "done for " + String.join(", ", done) + "; ") + "failed for "
                        + String.join("; ", failed));
            }

            @Override
            public String toString() {
                return fullName;
            }
        };
    }
}

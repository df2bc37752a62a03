package dev.agentsre.incident;

import dev.agentsre.alert.Alert;
import dev.agentsre.alert.Severity;
import dev.agentsre.anomaly.RogueAssessment;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The actions runbook steps may name, resolved when a runbook is loaded: an unknown name is an
 * error naming the runbook and the step, never a step that "succeeds" without running. Built-ins
 * act on the {@link Controls} of the runbook engine; a built-in whose component is not configured
 * fails its step with a clear reason. Add your own with {@link #with}. Immutable.
 *
 * <table>
 *   <caption>Built-in actions (parameters in brackets)</caption>
 *   <tr><th>name</th><th>does</th></tr>
 *   <tr><td>{@code health_check} [require=healthy]</td><td>reports the agent's circuit, quarantine and budget state; with {@code require=healthy} fails unless the circuit admits calls and the agent is not quarantined</td></tr>
 *   <tr><td>{@code capture_traces} [count=20]</td><td>{@link TraceCaptureControl#captureNext}</td></tr>
 *   <tr><td>{@code open_circuit} / {@code close_circuit} [breaker=agent|dependency, name]</td><td>forces open / resets the agent's (or a dependency's) breaker</td></tr>
 *   <tr><td>{@code reset_agent}</td><td>"restarts" the agent's guards: resets its breaker, releases its quarantine, revives its budget (what is configured)</td></tr>
 *   <tr><td>{@code throttle_agent}, {@code kill_agent}, {@code revive_agent}</td><td>{@link BudgetControl}</td></tr>
 *   <tr><td>{@code quarantine_agent}, {@code release_quarantine}</td><td>the rogue-agent detector</td></tr>
 *   <tr><td>{@code assess_agent} [verify_chain=true]</td><td>records a rogue-risk assessment (and verifies the assessment chain)</td></tr>
 *   <tr><td>{@code rollback_rollout}, {@code pause_rollout}, {@code resume_rollout}</td><td>{@link RolloutControl}</td></tr>
 *   <tr><td>{@code notify} [message, severity=warning]</td><td>fires a {@code RunbookNotification} alert through the alert manager</td></tr>
 *   <tr><td>{@code wait} [duration]</td><td>waits on the engine's scheduler (no thread sleeps)</td></tr>
 * </table>
 */
public final class ActionRegistry {

    private final Map<String, RunbookAction> actions;

    private ActionRegistry(Map<String, RunbookAction> actions) {
        this.actions = Map.copyOf(actions);
    }

    /** The built-in actions. */
    public static ActionRegistry builtIns() {
        Map<String, RunbookAction> a = new LinkedHashMap<>();
        a.put("health_check", ActionRegistry::healthCheck);
        a.put("capture_traces", ctx -> {
            TraceCaptureControl traces = need(ctx.controls().traces(), "trace capture");
            int count = Integer.parseInt(ctx.param("count", "20"));
            traces.captureNext(agent(ctx), count);
            return StepResult.ok("capturing the next " + count + " traces of " + agent(ctx));
        });
        a.put("open_circuit", ctx -> {
            CircuitBreaker breaker = breaker(ctx);
            breaker.forceOpen();
            return StepResult.ok("circuit of " + breaker.agentId() + " forced open");
        });
        a.put("close_circuit", ctx -> {
            CircuitBreaker breaker = breaker(ctx);
            breaker.reset();
            return StepResult.ok("circuit of " + breaker.agentId() + " reset to CLOSED");
        });
        a.put("reset_agent", ActionRegistry::resetAgent);
        a.put("throttle_agent", ctx -> {
            need(ctx.controls().budgets(), "budget control").throttle(agent(ctx), reason(ctx));
            return StepResult.ok(agent(ctx) + " throttled");
        });
        a.put("kill_agent", ctx -> {
            need(ctx.controls().budgets(), "budget control").kill(agent(ctx), reason(ctx));
            return StepResult.ok(agent(ctx) + " killed");
        });
        a.put("revive_agent", ctx -> {
            need(ctx.controls().budgets(), "budget control").revive(agent(ctx));
            return StepResult.ok(agent(ctx) + " revived");
        });
        a.put("quarantine_agent", ctx -> {
            boolean fresh = need(ctx.controls().rogueDetector(), "rogue-agent detector").quarantine(agent(ctx), reason(ctx));
            return StepResult.ok(agent(ctx) + (fresh ? " quarantined" : " was quarantined already"));
        });
        a.put("release_quarantine", ctx -> {
            boolean was = need(ctx.controls().rogueDetector(), "rogue-agent detector").release(agent(ctx));
            return StepResult.ok(agent(ctx) + (was ? " released" : " was not quarantined"));
        });
        a.put("assess_agent", ctx -> {
            var detector = need(ctx.controls().rogueDetector(), "rogue-agent detector");
            RogueAssessment assessment = detector.assess(agent(ctx));
            boolean verify = Boolean.parseBoolean(ctx.param("verify_chain", "true"));
            boolean intact = !verify || detector.verifyChain(agent(ctx));
            String text = agent(ctx) + ": risk " + assessment.riskLevel() + " " + assessment.reasons() + (verify ? ", assessment chain "
                    + (intact ? "intact" : "BROKEN") : "");
            return intact ? StepResult.ok(text) : StepResult.failed(text);
        });
        a.put("rollback_rollout", ctx -> rollout(ctx, need(ctx.controls().rollouts(), "rollout control").rollBack(agent(ctx), reason(ctx)),
                "rolled back"));
        a.put("pause_rollout", ctx -> rollout(ctx, need(ctx.controls().rollouts(), "rollout control").pause(agent(ctx), reason(ctx)), "paused"));
        a.put("resume_rollout", ctx -> rollout(ctx, need(ctx.controls().rollouts(), "rollout control").resume(agent(ctx)), "resumed"));
        a.put("notify", ctx -> {
            var alerts = need(ctx.controls().alerts(), "alert manager");
            String message = ctx.param("message", "runbook " + ctx.runbookId() + " step " + ctx.stepId());
            alerts.fire(Alert.builder("RunbookNotification").label("runbook", ctx.runbookId()).label("execution", ctx.executionId())
                    .label("agent_id", ctx.agentId()).label("incident_id", ctx.incidentId())
                    .severity(Severity.parse(ctx.param("severity", "warning"))).annotation(Alert.SUMMARY, message)
                    .endsAt(ctx.clock().instant().plus(Duration.ofHours(1))).build());
            return StepResult.ok("notified: " + message);
        });
        a.put("wait", new WaitAction());
        return new ActionRegistry(a);
    }

    /** No actions. */
    public static ActionRegistry empty() {
        return new ActionRegistry(Map.of());
    }

    /** This registry with {@code action} under {@code name} (replacing a built-in of that name). */
    public ActionRegistry with(String name, RunbookAction action) {
        Map<String, RunbookAction> next = new LinkedHashMap<>(actions);
        next.put(Check.notBlank("action name", name), Check.notNull("action", action));
        return new ActionRegistry(next);
    }

    /** The action of {@code name}, if registered. */
    public Optional<RunbookAction> find(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    /** The registered names. */
    public Set<String> names() {
        return actions.keySet();
    }

    /**
     * The action of {@code name}.
     *
     * @throws IllegalArgumentException naming {@code where} and the known names when unknown
     */
    RunbookAction resolve(String name, String where) {
        RunbookAction action = actions.get(name);
        if (action == null) {
            throw new IllegalArgumentException(where + ": unknown action '" + name + "' (known: " + new java.util.TreeSet<>(actions.keySet()) + ")");
        }
        return action;
    }

    /** The built-in {@code wait}: completed by the engine's scheduler after {@code duration}. */
    static final class WaitAction implements RunbookAction {
        Duration duration(StepContext ctx) {
            return Durations.parse(ctx.param("duration", "1m"));
        }

        @Override
        public StepResult run(StepContext context) {
            return StepResult.ok("waited " + Durations.format(duration(context)));
        }
    }

    private static <T> T need(T component, String what) {
        if (component == null) {
            throw new IllegalStateException("no " + what + " configured in the runbooks' Controls");
        }
        return component;
    }

    private static String agent(StepContext ctx) {
        String agent = ctx.param("agent", ctx.agentId());
        if (agent == null || agent.isBlank()) {
            throw new IllegalStateException("step " + ctx.stepId() + " needs an agent: start the runbook for an incident with an agent, "
                    + "or pass the parameter 'agent'");
        }
        return agent;
    }

    private static String reason(StepContext ctx) {
        return "runbook " + ctx.runbookId() + " (" + ctx.executionId() + ")" + (ctx.incidentId() == null ? "" : " for " + ctx.incidentId());
    }

    private static CircuitBreaker breaker(StepContext ctx) {
        boolean dependency = "dependency".equals(ctx.param("breaker", "agent"));
        CircuitBreakerRegistry registry = dependency ? need(ctx.controls().dependencyBreakers(), "dependency breaker registry")
                : need(ctx.controls().agentBreakers(), "agent breaker registry");
        String name = ctx.param("name", dependency ? null : agent(ctx));
        if (name == null) {
            throw new IllegalStateException("step " + ctx.stepId() + ": a dependency breaker needs the parameter 'name'");
        }
        return registry.get(name);
    }

    private static StepResult rollout(StepContext ctx, boolean done, String verb) {
        return done ? StepResult.ok("rollout of " + agent(ctx) + " " + verb) : StepResult.failed(agent(ctx) + " has no active rollout");
    }

    private static StepResult healthCheck(StepContext ctx) {
        String agent = agent(ctx);
        List<String> facts = new ArrayList<>();
        boolean healthy = true;
        if (ctx.controls().agentBreakers() != null) {
            CircuitState state = ctx.controls().agentBreakers().find(agent).map(CircuitBreaker::state).orElse(CircuitState.CLOSED);
            facts.add("circuit " + state);
            healthy &= state.admitsCalls();
        }
        if (ctx.controls().rogueDetector() != null) {
            boolean quarantined = ctx.controls().rogueDetector().isQuarantined(agent);
            facts.add(quarantined ? "quarantined" : "not quarantined");
            healthy &= !quarantined;
        }
        String text = agent + ": " + (facts.isEmpty() ? "no components to check" : String.join(", ", facts));
        if ("healthy".equals(ctx.param("require", "")) && !healthy) {
            return StepResult.failed(text);
        }
        return StepResult.ok(text);
    }

    private static StepResult resetAgent(StepContext ctx) {
        String agent = agent(ctx);
        List<String> done = new ArrayList<>();
        if (ctx.controls().agentBreakers() != null) {
            ctx.controls().agentBreakers().get(agent).reset();
            done.add("circuit reset");
        }
        if (ctx.controls().rogueDetector() != null && ctx.controls().rogueDetector().release(agent)) {
            done.add("quarantine released");
        }
        if (ctx.controls().budgets() != null) {
            ctx.controls().budgets().revive(agent);
            done.add("budget revived");
        }
        if (done.isEmpty()) {
            return StepResult.failed("nothing to reset: no breakers, detector or budget control configured");
        }
        return StepResult.ok(agent + ": " + String.join(", ", done));
    }
}

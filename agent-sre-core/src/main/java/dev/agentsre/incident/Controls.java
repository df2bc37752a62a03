package dev.agentsre.incident;

import dev.agentsre.alert.AlertManager;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.internal.Check;

/**
 * The components responses and runbook actions act on. Every one is optional: a response whose
 * component is missing is recorded as SKIPPED with the reason. Immutable.
 *
 * <pre>{@code
 * Controls controls = Controls.builder()
 *         .agentBreakers(agentBreakers).dependencyBreakers(dependencyBreakers)
 *         .budgets(BudgetControl.of(costGuard)).rogueDetector(detector)
 *         .traces(pipelineCapture).rollouts(delivery).alerts(alertManager)
 *         .build();
 * }</pre>
 */
public final class Controls {

    private final CircuitBreakerRegistry agentBreakers;
    private final CircuitBreakerRegistry dependencyBreakers;
    private final BudgetControl budgets;
    private final RogueAgentDetector rogueDetector;
    private final TraceCaptureControl traces;
    private final RolloutControl rollouts;
    private final AlertManager alerts;

    private Controls(Builder b) {
        this.agentBreakers = b.agentBreakers;
        this.dependencyBreakers = b.dependencyBreakers;
        this.budgets = b.budgets;
        this.rogueDetector = b.rogueDetector;
        this.traces = b.traces;
        this.rollouts = b.rollouts;
        this.alerts = b.alerts;
    }

    /** No components: every response is skipped. */
    public static Controls none() {
        return builder().build();
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The per-agent breakers, or null. */
    public CircuitBreakerRegistry agentBreakers() {
        return agentBreakers;
    }

    /** The breakers keyed by model or tool, or null. */
    public CircuitBreakerRegistry dependencyBreakers() {
        return dependencyBreakers;
    }

    /** The budget control, or null. */
    public BudgetControl budgets() {
        return budgets;
    }

    /** The rogue-agent detector, or null. */
    public RogueAgentDetector rogueDetector() {
        return rogueDetector;
    }

    /** The trace capture, or null. */
    public TraceCaptureControl traces() {
        return traces;
    }

    /** The rollout control, or null. */
    public RolloutControl rollouts() {
        return rollouts;
    }

    /** The alert manager (for {@code notify}), or null. */
    public AlertManager alerts() {
        return alerts;
    }

    /** Builder for {@link Controls}. */
    public static final class Builder {
        private CircuitBreakerRegistry agentBreakers;
        private CircuitBreakerRegistry dependencyBreakers;
        private BudgetControl budgets;
        private RogueAgentDetector rogueDetector;
        private TraceCaptureControl traces;
        private RolloutControl rollouts;
        private AlertManager alerts;

        private Builder() {
        }

        /** The per-agent breakers. */
        public Builder agentBreakers(CircuitBreakerRegistry registry) {
            this.agentBreakers = Check.notNull("agentBreakers", registry);
            return this;
        }

        /** The breakers keyed by model or tool. */
        public Builder dependencyBreakers(CircuitBreakerRegistry registry) {
            this.dependencyBreakers = Check.notNull("dependencyBreakers", registry);
            return this;
        }

        /** Throttle, kill and revive. */
        public Builder budgets(BudgetControl budgets) {
            this.budgets = Check.notNull("budgets", budgets);
            return this;
        }

        /** Quarantine and release. */
        public Builder rogueDetector(RogueAgentDetector detector) {
            this.rogueDetector = Check.notNull("rogueDetector", detector);
            return this;
        }

        /** Capture the next traces of an agent. */
        public Builder traces(TraceCaptureControl traces) {
            this.traces = Check.notNull("traces", traces);
            return this;
        }

        /** Roll back, pause and resume rollouts. */
        public Builder rollouts(RolloutControl rollouts) {
            this.rollouts = Check.notNull("rollouts", rollouts);
            return this;
        }

        /** Fire notifications by hand. */
        public Builder alerts(AlertManager alerts) {
            this.alerts = Check.notNull("alerts", alerts);
            return this;
        }

        /** Builds. */
        public Controls build() {
            return new Controls(this);
        }
    }
}

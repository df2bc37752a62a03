package dev.agentsre.delivery;

import dev.agentsre.AgentSre;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.Check;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slo;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether deployments of an agent are frozen — the error-budget policy made real: while an SLO with
 * {@link ExhaustionAction#FREEZE_DEPLOYMENTS} is exhausted, a rollout refuses to start or to be
 * promoted ({@link DeploymentFrozenException}) and does not advance on its own (it pauses with
 * {@link PauseReason#FROZEN} and goes on when the freeze lifts). Abort and rollback always work.
 *
 * <pre>{@code
 * DeploymentFreeze.of(sre)                   // the pipeline's view: AgentSre.deploymentsFrozen(agentId)
 * DeploymentFreeze.of(slo1, slo2)            // read the SLOs' error budgets directly
 * DeploymentFreeze.fromEvents(bus)           // follow SloStatusChanged events on a bus
 * agentId -> changeCalendar.isFrozen(agentId)   // any predicate of yours
 * }</pre>
 *
 * <p>An SLO without an agent id covers every agent: its exhaustion freezes all of them.
 * Implementations must be thread-safe and cheap (they are asked on every transition).
 */
@FunctionalInterface
public interface DeploymentFreeze {

    /** Whether deployments of {@code agentId} are frozen now. */
    boolean isFrozen(String agentId);

    /** Never frozen. */
    static DeploymentFreeze never() {
        return agentId -> false;
    }

    /** Frozen when either is. */
    default DeploymentFreeze or(DeploymentFreeze other) {
        Check.notNull("other", other);
        return agentId -> isFrozen(agentId) || other.isFrozen(agentId);
    }

    /** The pipeline's flag, {@link AgentSre#deploymentsFrozen(String)}. */
    static DeploymentFreeze of(AgentSre sre) {
        Check.notNull("sre", sre);
        return sre::deploymentsFrozen;
    }

    /**
     * Frozen while one of {@code slos} for the agent (or for every agent) has a FREEZE_DEPLOYMENTS budget
     * that is exhausted now. Reads the budgets; evaluates nothing and publishes nothing.
     */
    static DeploymentFreeze of(Slo... slos) {
        List<Slo> copy = List.of(Check.notNull("slos", slos));
        return agentId -> {
            for (Slo slo : copy) {
                if ((slo.agentId() == null || slo.agentId().equals(agentId))
                        && slo.errorBudget().exhaustionAction() == ExhaustionAction.FREEZE_DEPLOYMENTS
                        && slo.errorBudget().isExhausted()) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * Follows {@link SloStatusChanged} events on {@code bus}: an agent is frozen from the event that
     * exhausts one of its FREEZE_DEPLOYMENTS SLOs until the events that recover all of them. Close the
     * returned watch to unsubscribe.
     */
    static EventWatch fromEvents(SreEventBus bus) {
        return new EventWatch(Check.notNull("bus", bus));
    }

    /**
     * A freeze that follows SLO status events. Memory: one entry per exhausted FREEZE_DEPLOYMENTS SLO.
     */
    final class EventWatch implements DeploymentFreeze, AutoCloseable {
        private static final String EVERY_AGENT = "\u0000every-agent";
        // (agent or EVERY_AGENT) + NUL + SLO name, for each SLO exhausted now
        private final Set<String> exhausted = ConcurrentHashMap.newKeySet();
        private final SreEventBus.Subscription subscription;

        private EventWatch(SreEventBus bus) {
            this.subscription = bus.subscribe(SloStatusChanged.class, this::onStatus);
        }

        private void onStatus(SloStatusChanged change) {
            if (change.exhaustionAction() != ExhaustionAction.FREEZE_DEPLOYMENTS) {
                return;
            }
            String key = (change.agentId() == null ? EVERY_AGENT : change.agentId()) + '\u0000' + change.sloName();
            if (change.current() == dev.agentsre.slo.SloStatus.EXHAUSTED) {
                exhausted.add(key);
            } else {
                exhausted.remove(key);
            }
        }

        @Override
        public boolean isFrozen(String agentId) {
            if (exhausted.isEmpty()) {
                return false;
            }
            for (String key : exhausted) {
                String agent = key.substring(0, key.indexOf('\u0000', 1));
                if (agent.equals(EVERY_AGENT) || agent.equals(agentId)) {
                    return true;
                }
            }
            return false;
        }

        /** Stops following the bus. */
        @Override
        public void close() {
            subscription.close();
        }
    }
}

package dev.agentsre.chaos;

import java.time.Instant;

/**
 * An adversarial payload an experiment planted in a call's output, and whether the agent's
 * defences caught it ({@code null} until reported with {@link ChaosExperiment#reportDefense}).
 *
 * @param callId the call it was planted in
 * @param timestamp when
 * @param target the call's target
 * @param attack the payload
 * @param caught whether the defences caught it; {@code null} while unknown
 */
public record InjectedAttack(long callId, Instant timestamp, String target, AttackCorpus.Attack attack, Boolean caught) {

    InjectedAttack judged(boolean wasCaught) {
        return new InjectedAttack(callId, timestamp, target, attack, wasCaught);
    }
}

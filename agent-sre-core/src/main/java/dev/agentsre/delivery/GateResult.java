package dev.agentsre.delivery;

/**
 * How a gate stands now.
 *
 * @param gate the gate
 * @param outcome PASS, FAIL, or PENDING when a value it needs is missing
 * @param candidate the candidate cohort's value (NaN when missing)
 * @param baseline the baseline cohort's value (NaN when missing or not used)
 * @param detail a sentence with the numbers
 */
public record GateResult(Gate gate, Outcome outcome, double candidate, double baseline, String detail) {

    /** A gate's standing. */
    public enum Outcome {
        /** Met. */
        PASS,
        /** Not met. */
        FAIL,
        /** Not decidable yet: a value it needs has not been measured. */
        PENDING
    }
}

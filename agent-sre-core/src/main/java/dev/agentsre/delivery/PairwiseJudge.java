package dev.agentsre.delivery;

/**
 * A judge (usually an LLM) that says which of two answers to the same request is better. A rollout
 * asks it in both orders, because judges favour a position; a verdict counts only when both orders
 * agree, otherwise it is a tie.
 *
 * @param <Res> the answer
 */
@FunctionalInterface
public interface PairwiseJudge<Res> {

    /** Which answer is better. */
    enum Preference {
        /** The first answer shown. */
        FIRST,
        /** The second answer shown. */
        SECOND,
        /** Neither. */
        TIE
    }

    /** Judges {@code first} against {@code second} for {@code request}. */
    Preference judge(Object request, Res first, Res second) throws Exception;
}

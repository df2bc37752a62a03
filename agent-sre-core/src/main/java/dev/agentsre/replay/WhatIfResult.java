package dev.agentsre.replay;

/**
 * What a what-if replay produced.
 *
 * @param result what the agent returned
 * @param trace the new run (its parent is the original trace)
 * @param diff the original against the new run
 * @param liveCalls calls that no longer matched a recording and went to the real function
 * @param <R> the agent's result
 */
public record WhatIfResult<R>(R result, Trace trace, TraceDiff diff, int liveCalls) {
}

/**
 * Anytime-valid sequential tests for progressive delivery: the normal-mixture SPRT
 * ({@link dev.agentsre.delivery.stats.MixtureSprt}, paired for shadows and two-sample for canaries)
 * and the Bayes factor over two error counts ({@link dev.agentsre.delivery.stats.ErrorCountTest}).
 * Each keeps its false-positive probability at or below a stated α however often it is looked at,
 * which is what lets a rollout check its candidate after every request. No dependencies.
 */
package dev.agentsre.delivery.stats;

/** Streaming statistics with fixed memory (EWMA baselines). Not API. */
package dev.agentsre.internal.stats;

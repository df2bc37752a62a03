/**
 * Time-travel debugging for agents: capture every decision point of a run
 * ({@link dev.agentsre.replay.TraceCapture}), store it as JSON Lines ({@link dev.agentsre.replay.TraceStore}),
 * replay it offline without calling anything ({@link dev.agentsre.replay.Replay}), ask what-if
 * questions, diff two runs ({@link dev.agentsre.replay.TraceDiff}) and hold runs to golden traces
 * ({@link dev.agentsre.replay.GoldenSuite}). Entry point: {@link dev.agentsre.replay.ReplayEngine}.
 * Everything recorded passes through the one redactor, {@link dev.agentsre.redact.Redactor}.
 */
package dev.agentsre.replay;

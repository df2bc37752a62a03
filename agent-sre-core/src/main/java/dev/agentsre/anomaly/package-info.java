/**
 * Behavioural anomaly detection: {@link dev.agentsre.anomaly.RogueAgentDetector} scores tool-call
 * frequency, action entropy, loops and capability violations, quarantines rogue agents (OWASP
 * agentic ASI-10) and keeps a tamper-evident chain of its assessments;
 * {@link dev.agentsre.anomaly.AnomalyDetector} flags outliers of any named per-agent metric.
 */
package dev.agentsre.anomaly;

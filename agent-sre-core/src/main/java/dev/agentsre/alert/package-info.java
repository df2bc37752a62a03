/**
 * Alerting: Prometheus Alertmanager's semantics in process. {@link dev.agentsre.alert.AlertManager}
 * turns {@link dev.agentsre.event.SreEvent}s into {@link dev.agentsre.alert.Alert}s
 * ({@link dev.agentsre.alert.EventAlertMapping}), routes and groups them
 * ({@link dev.agentsre.alert.Route}), mutes them ({@link dev.agentsre.alert.Silence},
 * {@link dev.agentsre.alert.InhibitRule}) and delivers each group's notifications to a
 * {@link dev.agentsre.alert.Receiver} — Slack, PagerDuty, Microsoft Teams, Opsgenie, a signed
 * webhook or a callback — with retries, never on an agent's thread.
 */
package dev.agentsre.alert;

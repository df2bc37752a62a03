/**
 * OpenTelemetry export of Agent SRE signals. Depends on the OpenTelemetry API only: pass your SDK's
 * {@code OpenTelemetry} to {@link dev.agentsre.otel.AgentSreTelemetry}. Every instrument's name,
 * unit and attributes are defined once, in {@link dev.agentsre.otel.TelemetryNames}, which also
 * generates {@code docs/telemetry.md}.
 */
package dev.agentsre.otel;

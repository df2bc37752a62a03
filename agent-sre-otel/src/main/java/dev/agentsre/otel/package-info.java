/**
 * OpenTelemetry (and, optionally, Micrometer) export of Agent SRE signals. This module depends on
 * the OpenTelemetry API only; bring your own SDK. The exporters arrive with the telemetry issue,
 * once every core capability they export exists.
 */
package dev.agentsre.otel;

package dev.agentsre.docs;

import dev.agentsre.AgentSre;
import dev.agentsre.alert.AlertManager;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.otel.AgentLabels;
import dev.agentsre.otel.AgentSreMeterBinder;
import dev.agentsre.otel.AgentSreTelemetry;
import dev.agentsre.otel.GenAiTelemetry;
import dev.agentsre.otel.SreComponents;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.TraceCapture;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloTemplate;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

/** What docs/telemetry.md's Java fragments take as given. */
abstract class TelemetryPage {

    interface Model {
        String chat(String prompt);
    }

    String prompt;
    Model model;
    TraceStore store;
    OpenTelemetrySdk sdk;
    SreEventBus bus;
    SreComponents components;
    MeterRegistry meterRegistry;
    Slo slo;
    SloTemplate sloTemplate;
    CircuitBreakerRegistry breakers;
    CostGuard costGuard;
    RogueAgentDetector rogueDetector;
    ChaosExperiment chaosExperiment;
    AlertManager alerts;
}

package dev.agentsre.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentsre.otel.GenAiTelemetry;
import dev.agentsre.redact.Redactor;
import dev.agentsre.replay.Replay;
import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.ReplayOptions;
import dev.agentsre.replay.Trace;
import dev.agentsre.replay.TraceCapture;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.util.Map;

/** What docs/redaction.md's Java fragments take as given. */
abstract class RedactionPage {

    Trace trace;
}

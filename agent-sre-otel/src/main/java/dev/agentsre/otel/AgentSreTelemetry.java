package dev.agentsre.otel;

import dev.agentsre.event.SreEvent;
import dev.agentsre.event.SreEventBus;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Exports Agent SRE signals through the OpenTelemetry API: counters driven by the events of an
 * {@link SreEventBus}, and gauges observed from the components' snapshots when metrics are
 * collected. Instrument names, units and attributes are those of {@link TelemetryNames}. Burn-rate
 * alerts starting and stopping, SLO status changes and quarantines are also emitted as log records
 * (Logs Bridge API), so they show up next to the application's own logs.
 *
 * <pre>{@code
 * AgentSreTelemetry telemetry = AgentSreTelemetry.create(openTelemetrySdk, SreComponents.builder()  // or global(...)
 *         .bus(bus)                      // alerts, transitions, spend, quarantines, faults
 *         .slo(slo).sloTemplate(sloTemplate).breakers(breakers).costGuard(costGuard).rogueDetector(rogueDetector)
 *         .experiment(experiment).build());
 * }</pre>
 *
 * <p><b>Safety.</b> Exporting never throws into an agent's call: event listeners and gauge callbacks
 * catch everything, log it once at WARN (then at DEBUG) and carry on. <b>Cost.</b> An event listener
 * increments one counter (an attribute set is built per event); gauges cost nothing until the
 * SDK's reader collects. {@link #close()} unsubscribes and stops the callbacks. Thread-safe.
 */
public final class AgentSreTelemetry implements AutoCloseable {

    private final Meter meter;
    private final io.opentelemetry.api.logs.Logger logs;
    private final SreComponents components;
    private final Readings readings;
    private final List<AutoCloseable> registrations = new CopyOnWriteArrayList<>();
    private final Map<String, LongCounter> longCounters = new HashMap<>();
    private final DoubleCounter spend;

    private AgentSreTelemetry(OpenTelemetry openTelemetry, SreComponents components) {
        this.components = Objects.requireNonNull(components, "components");
        this.readings = new Readings(components);
        this.meter = Objects.requireNonNull(openTelemetry, "openTelemetry").meterBuilder(TelemetryNames.SCOPE)
                .setInstrumentationVersion(version()).build();
        this.logs = openTelemetry.getLogsBridge().loggerBuilder(TelemetryNames.SCOPE).setInstrumentationVersion(version()).build();
        spend = meter.counterBuilder(TelemetryNames.COST_SPEND.name()).ofDoubles().setUnit(TelemetryNames.COST_SPEND.unit())
                .setDescription(TelemetryNames.COST_SPEND.description()).build();
        for (InstrumentSpec spec : List.of(TelemetryNames.SLO_ALERTS, TelemetryNames.BREAKER_TRANSITIONS, TelemetryNames.COST_ALERTS,
                TelemetryNames.ROGUE_QUARANTINES, TelemetryNames.CHAOS_FAULTS, TelemetryNames.TASK_REFUSALS, TelemetryNames.ROLLOUT_ROLLBACKS,
                TelemetryNames.INCIDENTS)) {
            longCounters.put(spec.name(), meter.counterBuilder(spec.name()).setUnit(spec.unit()).setDescription(spec.description()).build());
        }
        for (InstrumentSpec spec : Readings.OBSERVED) {
            if (spec.kind() == InstrumentSpec.Kind.COUNTER) {
                registrations.add(meter.counterBuilder(spec.name()).setUnit(spec.unit()).setDescription(spec.description())
                        .buildWithCallback(m -> readings.read(spec, (value, keyValues) -> m.record((long) value, attributes(keyValues)))));
            } else {
                registrations.add(meter.gaugeBuilder(spec.name()).setUnit(spec.unit()).setDescription(spec.description())
                        .buildWithCallback(m -> readings.read(spec, (value, keyValues) -> m.record(value, attributes(keyValues)))));
            }
        }
        for (SreEventBus bus : components.buses()) {
            registrations.add(bus.subscribe(SreEvent.class, event -> readings.safely(() -> {
                readings.onEvent(event);
                EventCounts.count(event, readings.labels(), this::add);
                log(event);
            })));
        }
    }

    /** An exporter of {@code components} on {@code openTelemetry} (your SDK). */
    public static AgentSreTelemetry create(OpenTelemetry openTelemetry, SreComponents components) {
        return new AgentSreTelemetry(openTelemetry, components);
    }

    /** An exporter that records nothing (the default when no SDK is configured). */
    public static AgentSreTelemetry noop() {
        return new AgentSreTelemetry(OpenTelemetry.noop(), SreComponents.builder().build());
    }

    /** An exporter of {@code components} on {@link GlobalOpenTelemetry}: only when you ask for it, never implicitly. */
    public static AgentSreTelemetry global(SreComponents components) {
        return new AgentSreTelemetry(GlobalOpenTelemetry.get(), components);
    }

    /** What this exporter counts and observes. */
    public SreComponents components() {
        return components;
    }

    /** Unsubscribes from every bus and stops every gauge callback. */
    @Override
    public void close() {
        for (AutoCloseable registration : registrations) {
            try {
                registration.close();
            } catch (Exception e) {
                readings.safely(() -> {
                    throw new IllegalStateException("closing a telemetry registration failed", e);
                });
            }
        }
        registrations.clear();
    }

    /** Alert starts and stops, SLO status changes and quarantines also go out as log records. */
    private void log(SreEvent event) {
        io.opentelemetry.api.logs.Severity severity;
        String body;
        Attributes attributes;
        if (event instanceof dev.agentsre.event.BurnRateAlertFired f) {
            severity = f.alert().severity() == dev.agentsre.slo.AlertSeverity.CRITICAL
                    ? io.opentelemetry.api.logs.Severity.ERROR : io.opentelemetry.api.logs.Severity.WARN;
            body = "SLO " + f.sloName() + ": burn-rate alert " + f.alert().name() + " fired (" + String.format("%.1fx", f.longWindowRate()) + ")";
            attributes = attributes(TelemetryNames.SLO_NAME, f.sloName(), TelemetryNames.AGENT_ID, f.agentId(), TelemetryNames.ALERT_NAME,
                    f.alert().name(), TelemetryNames.TRANSITION, "fired");
        } else if (event instanceof dev.agentsre.event.BurnRateAlertResolved r) {
            severity = io.opentelemetry.api.logs.Severity.INFO;
            body = "SLO " + r.sloName() + ": burn-rate alert " + r.alert().name() + " resolved";
            attributes = attributes(TelemetryNames.SLO_NAME, r.sloName(), TelemetryNames.AGENT_ID, r.agentId(), TelemetryNames.ALERT_NAME,
                    r.alert().name(), TelemetryNames.TRANSITION, "resolved");
        } else if (event instanceof dev.agentsre.event.SloStatusChanged c) {
            severity = c.current().isWorseThan(c.previous()) ? io.opentelemetry.api.logs.Severity.WARN : io.opentelemetry.api.logs.Severity.INFO;
            body = "SLO " + c.sloName() + ": " + c.previous() + " -> " + c.current();
            attributes = attributes(TelemetryNames.SLO_NAME, c.sloName(), TelemetryNames.AGENT_ID, c.agentId(), TelemetryNames.STATE,
                    Readings.lower(c.current()));
        } else if (event instanceof dev.agentsre.event.AgentQuarantined q) {
            severity = io.opentelemetry.api.logs.Severity.ERROR;
            body = "agent " + q.agentId() + " quarantined (" + q.riskLevel() + "): " + String.join("; ", q.reasons());
            attributes = attributes(TelemetryNames.AGENT_ID, q.agentId());
        } else {
            return;
        }
        logs.logRecordBuilder().setTimestamp(event.timestamp()).setSeverity(severity).setBody(body).setAllAttributes(attributes).emit();
    }

    private void add(InstrumentSpec counter, double amount, String... keyValues) {
        if (counter == TelemetryNames.COST_SPEND) {
            spend.add(amount, attributes(keyValues));
        } else {
            longCounters.get(counter.name()).add((long) amount, attributes(keyValues));
        }
    }

    /** Attributes from key/value pairs; null values are left out. */
    static Attributes attributes(String... keyValues) {
        AttributesBuilder builder = Attributes.builder();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                builder.put(AttributeKey.stringKey(keyValues[i]), keyValues[i + 1]);
            }
        }
        return builder.build();
    }

    private static String version() {
        try (InputStream in = AgentSreTelemetry.class.getResourceAsStream("/dev/agentsre/otel/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The instrumentation version reported with every instrument. */
    public static String instrumentationVersion() {
        return version();
    }
}

package dev.agentsre.otel;

import java.util.List;

/**
 * One exported instrument: the single definition used both to create it and to document it.
 *
 * @param name the OpenTelemetry instrument name
 * @param kind counter, gauge or histogram
 * @param unit the UCUM unit
 * @param description what it measures
 * @param attributes the attribute keys it carries
 * @param source the component whose signal it exports
 */
public record InstrumentSpec(String name, Kind kind, String unit, String description, List<String> attributes, String source) {

    /** Copies the attribute list. */
    public InstrumentSpec {
        attributes = List.copyOf(attributes);
    }

    /** How values are reported. */
    public enum Kind {
        /** A monotonic sum, incremented as events happen or observed from a component's running total. */
        COUNTER,
        /** The current value, observed when the metrics are collected. */
        GAUGE,
        /** A distribution of recorded values. */
        HISTOGRAM
    }
}

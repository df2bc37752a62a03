package dev.agentsre.otel;

import java.util.Locale;

/**
 * The Prometheus name an instrument gets from the OpenTelemetry Prometheus exporter (and from OTLP
 * ingestion into Prometheus): dots become underscores, the unit is appended ({@code 1} becomes
 * {@code _ratio} on gauges, {@code %} {@code _percent}, {@code s} {@code _seconds}, annotations in
 * braces are dropped) and counters end in {@code _total}. Checked against a real scrape in the tests.
 */
public final class PrometheusNames {

    private PrometheusNames() {
    }

    /** The Prometheus name of {@code spec}. */
    public static String of(InstrumentSpec spec) {
        StringBuilder name = new StringBuilder(spec.name().replace('.', '_'));
        String unit = spec.unit();
        if (unit.equals("1")) {
            if (spec.kind() == InstrumentSpec.Kind.GAUGE) {
                name.append("_ratio");
            }
        } else if (unit.equals("%")) {
            name.append("_percent");
        } else if (unit.equals("s")) {
            name.append("_seconds");
        } else if (!unit.startsWith("{")) {
            name.append('_').append(unit);
        }
        if (spec.kind() == InstrumentSpec.Kind.COUNTER) {
            name.append("_total");
        }
        return name.toString();
    }

    /** A label name for an attribute key: dots become underscores. */
    public static String label(String attributeKey) {
        return attributeKey.replace('.', '_').toLowerCase(Locale.ROOT);
    }
}

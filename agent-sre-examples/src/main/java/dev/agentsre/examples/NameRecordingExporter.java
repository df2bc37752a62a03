package dev.agentsre.examples;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Notes the names of what the SDK exports: the default run exports for real without printing it. */
final class NameRecordingExporter implements MetricExporter {
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
        metrics.forEach(m -> names.add(m.getName()));
        return CompletableResultCode.ofSuccess();
    }

    /** The names of the metrics exported so far. */
    Set<String> names() {
        return Set.copyOf(names);
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }
}

package dev.agentsre.otel;

import dev.agentsre.cost.BudgetScope;
import dev.agentsre.event.AgentEvicted;
import dev.agentsre.event.BreakerRemoved;
import dev.agentsre.event.BudgetEvicted;
import dev.agentsre.event.SreEvent;
import dev.agentsre.event.SreEventBus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exports the same signals as {@link AgentSreTelemetry} through Micrometer, under the same names
 * (Micrometer's dotted convention; each registry renders them its way) and the attribute keys as
 * tags. Needs {@code micrometer-core} on the class path (an optional dependency of this module).
 *
 * <pre>{@code
 * new AgentSreMeterBinder(SreComponents.builder().bus(bus).slo(slo).breakers(breakers).costGuard(costGuard).build())
 *         .bindTo(meterRegistry);
 * }</pre>
 *
 * <p>Every meter is registered once: event counters are kept by series and incremented as events
 * arrive; observed values are read from the components into one gauge or function counter per
 * series. Series that appear later (a new agent) are found when {@link #refresh()} runs, which every
 * gauge read does at most once a second. A series that a refresh no longer finds — an agent whose SLO
 * expired from a template, a breaker evicted from its registry — is removed from the meter registry;
 * an agent evicted from a component ({@code BreakerRemoved}, {@code BudgetEvicted},
 * {@code AgentEvicted}) also loses that component's event counters (its transitions; its spend and
 * cost alerts; its quarantines). With the {@link AgentLabels} policy the meters stay bounded by the
 * components and the cap. Exporting never throws into an agent's call.
 */
public final class AgentSreMeterBinder implements MeterBinder {

    private static final long REFRESH_MILLIS = 1_000;

    private final SreComponents components;
    private final Readings readings;
    private final Map<String, Series> series = new ConcurrentHashMap<>();
    /** Event counters by instrument name and tags, registered once each. */
    private final Map<Meter.Id, Counter> counters = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    private volatile long lastRefresh;

    /** A binder exporting {@code components} once bound to a registry. */
    public AgentSreMeterBinder(SreComponents components) {
        this.components = Objects.requireNonNull(components, "components");
        this.readings = new Readings(components);
    }

    /** What this binder counts and observes. */
    public SreComponents components() {
        return components;
    }

    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        this.registry = Objects.requireNonNull(meterRegistry, "meterRegistry");
        components.buses().forEach(bus -> subscribe(bus, meterRegistry));
        refresh();
    }

    /**
     * Reads every bound component now, registering meters for new series and removing those of
     * series no longer found.
     */
    public synchronized void refresh() {
        MeterRegistry bound = registry;
        if (bound == null) {
            return;
        }
        lastRefresh = System.currentTimeMillis();
        series.values().forEach(s -> s.seen = false);
        for (InstrumentSpec spec : Readings.OBSERVED) {
            readings.read(spec, (value, keyValues) -> {
                Tags tags = tags(keyValues);
                Series s = series.computeIfAbsent(spec.name() + tags, k -> register(bound, spec, tags));
                s.value = value;
                s.seen = true;
            });
        }
        series.values().removeIf(s -> {
            if (s.seen) {
                return false;
            }
            s.value = Double.NaN; // a scrape racing with the removal reads no stale value
            bound.remove(s.meter);
            return true;
        });
    }

    private Series register(MeterRegistry bound, InstrumentSpec spec, Tags tags) {
        Series s = new Series();
        if (spec.kind() == InstrumentSpec.Kind.COUNTER) {
            s.meter = FunctionCounter.builder(spec.name(), s, this::read).description(spec.description()).baseUnit(baseUnit(spec))
                    .tags(tags).register(bound);
        } else {
            s.meter = Gauge.builder(spec.name(), s, this::read).description(spec.description()).baseUnit(baseUnit(spec)).tags(tags)
                    .register(bound);
        }
        return s;
    }

    private double read(Series s) {
        if (System.currentTimeMillis() - lastRefresh >= REFRESH_MILLIS) {
            readings.safely(this::refresh);
        }
        return s.value;
    }

    private void subscribe(SreEventBus bus, MeterRegistry bound) {
        bus.subscribe(SreEvent.class, event -> readings.safely(() -> {
            readings.onEvent(event);
            EventCounts.count(event, readings.labels(), (spec, amount, keyValues) -> counter(bound, spec, tags(keyValues)).increment(amount));
            evicted(event, bound);
        }));
    }

    private Counter counter(MeterRegistry bound, InstrumentSpec spec, Tags tags) {
        Meter.Id id = new Meter.Id(spec.name(), tags, baseUnit(spec), spec.description(), Meter.Type.COUNTER);
        Counter counter = counters.get(id);
        if (counter == null) {
            counter = counters.computeIfAbsent(id, k -> Counter.builder(spec.name()).description(spec.description()).baseUnit(baseUnit(spec))
                    .tags(tags).register(bound));
        }
        return counter;
    }

    /** An agent evicted from a component loses that component's event counters (an agent that shares a label keeps them). */
    private void evicted(SreEvent event, MeterRegistry bound) {
        String agent;
        Set<String> instruments;
        if (event instanceof BreakerRemoved removed) {
            agent = removed.agentId();
            instruments = Set.of(TelemetryNames.BREAKER_TRANSITIONS.name());
        } else if (event instanceof BudgetEvicted budget && budget.scope() == BudgetScope.AGENT) {
            agent = budget.owner();
            instruments = Set.of(TelemetryNames.COST_SPEND.name(), TelemetryNames.COST_ALERTS.name());
        } else if (event instanceof AgentEvicted rogue) {
            agent = rogue.agentId();
            instruments = Set.of(TelemetryNames.ROGUE_QUARANTINES.name());
        } else {
            return;
        }
        if (agent == null || !readings.labels().ownsLabel(agent)) {
            return;
        }
        counters.entrySet().removeIf(entry -> {
            Meter.Id id = entry.getKey();
            if (instruments.contains(id.getName()) && agent.equals(id.getTag(TelemetryNames.AGENT_ID))) {
                bound.remove(entry.getValue());
                return true;
            }
            return false;
        });
    }

    /** Micrometer's base unit for an instrument's UCUM unit: dimensionless and annotations have none. */
    private static String baseUnit(InstrumentSpec spec) {
        return switch (spec.unit()) {
            case "1" -> null;
            case "%" -> "percent";
            case "s" -> "seconds";
            case "ms" -> "milliseconds";
            default -> spec.unit().startsWith("{") ? null : spec.unit();
        };
    }

    private static Tags tags(String... keyValues) {
        List<Tag> tags = new ArrayList<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                tags.add(Tag.of(keyValues[i], keyValues[i + 1]));
            }
        }
        return Tags.of(tags);
    }

    /** The latest value of one series. */
    private static final class Series {
        volatile double value = Double.NaN;
        volatile boolean seen;
        Meter meter;
    }
}

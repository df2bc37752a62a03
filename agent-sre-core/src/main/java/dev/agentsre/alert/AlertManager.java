package dev.agentsre.alert;

import dev.agentsre.event.SreEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.SreEventListener;
import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus Alertmanager's semantics inside the JVM, fed by the event spine: alerts are routed,
 * grouped, deduplicated, inhibited and silenced, and each group's notifications are delivered to
 * its receiver over HTTP with retries — without an agent's call ever waiting for any of it.
 *
 * <pre>{@code
 * AlertManager alerts = AlertManager.builder()
 *         .route(Route.root("chat").groupBy("alertname")
 *                 .child(Route.match("alertname", "AgentSreIncident").receiver("pager").groupBy("incident_id")))
 *         .receiver(Receiver.slack("chat", Secret.url(slackUrl)))
 *         .receiver(Receiver.pagerDuty("pager", Secret.of(routingKey)))
 *         .inhibit(InhibitRule.source("severity", "critical").target("severity", "warning").equal("agent_id", "slo"))
 *         .eventBus(bus)
 *         .build();
 * bus.subscribe(alerts);                       // SLO burn, budgets, breakers, costs, quarantines, chaos, incidents
 * alerts.fire(Alert.builder("Custom").label("agent_id", "a").severity(Severity.WARNING).build());
 * alerts.silence(Silence.matching("agent_id", "a").until(end).by("alice").comment("maintenance"));
 * AlertStatus status = alerts.status();
 * }</pre>
 *
 * <p><b>From events.</b> As an {@link SreEventListener} it turns events into alerts through an
 * {@link EventAlertMapping} (the {@linkplain EventAlertMapping#defaults() documented default} unless
 * replaced). Events the mapping ignores cost one class lookup and allocate nothing.
 *
 * <p><b>Groups.</b> Each alert is routed ({@link Route}) and put in the aggregation group of its
 * route and group-by labels. A new group is flushed after {@code groupWait}, then every
 * {@code groupInterval}. A flush notifies the route's receiver as Alertmanager's dedup stage does:
 * the first time the group has firing alerts; when alerts fire that were not notified; when every
 * alert has resolved (once); when alerts resolved and the receiver sends resolved notifications;
 * otherwise after {@code repeatInterval}. <b>Escalation never waits:</b> when an alert arrives
 * (or an alert's severity rises) above the highest severity of the group's last firing
 * notification, the group is flushed at once instead of after {@code groupInterval}. Resolved
 * alerts leave their group at the flush that notifies them; a group without alerts is removed.
 *
 * <p><b>Muting.</b> At each flush, alerts muted by an active {@link Silence} or an
 * {@link InhibitRule} are left out of the notification; they stay tracked and
 * {@link #status()} shows them SUPPRESSED with what mutes them. When the mute ends they are notified
 * at the group's next flush.
 *
 * <p><b>Delivery</b> runs on the scheduler (by default a small pool of daemon threads, at most
 * one per receiver and four in all): one bounded queue per receiver ({@code queueCapacity},
 * default {@value #DEFAULT_QUEUE_CAPACITY}), one notification at a time so a group's resolve never
 * overtakes its trigger, retries per the {@link RetryPolicy} (network errors, 408, 425, 429, 5xx;
 * {@code Retry-After} honoured), a 410 Gone disables the receiver. A full queue drops its lowest
 * severity first. Every outcome is an {@link dev.agentsre.event.AlertEvent} on the bus; a delivered
 * notification is written to the {@link NotificationLog}, which seeds a group's memory when it is
 * created — so with a file log a restart does not page again for what was already delivered.
 *
 * <p><b>Time</b> comes from the injected clock and every wait is a task on the injected
 * {@link ScheduledExecutorService}; nothing sleeps.
 *
 * <p><b>Memory.</b> At most {@code maxAlerts} alerts (default {@value #DEFAULT_MAX_ALERTS}; a new alert
 * beyond it is rejected and counted, after resolved alerts waiting for their notification have been
 * dropped oldest first), at most as many groups per route, at most {@value #MAX_SILENCES} silences,
 * {@code queueCapacity} notifications per receiver, and the in-memory log's
 * {@value NotificationLog#DEFAULT_MAX_ENTRIES} entries. Stated bound:
 * {@value #BYTES_PER_ALERT} bytes per alert held (the alert with a handful of short labels and
 * annotations, its group, timers and index entries: about 1.7 KiB measured) +
 * {@value #BYTES_PER_QUEUED_NOTIFICATION} per queued notification (its alerts are shared with the
 * groups) + {@value #BYTES_PER_LOG_ENTRY} per log entry — tested with 1,000,000 signals from 10,000
 * sources.
 *
 * <p>Thread-safe: alert and group state sit behind one lock that is never held during I/O or while
 * user code runs.
 */
public final class AlertManager implements SreEventListener<SreEvent>, AlertSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertManager.class);

    /** Default cap on alerts held. */
    public static final int DEFAULT_MAX_ALERTS = 10_000;
    /** Default capacity of each receiver's queue. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1_000;
    /** Cap on silences held (expired ones are dropped first). */
    public static final int MAX_SILENCES = 1_000;
    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default request timeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Stated memory per alert held (alert, group entry, index entries, its share of a group). */
    public static final long BYTES_PER_ALERT = 3_072;
    /** Stated memory per queued notification (the record and its lists; alerts are shared). */
    public static final long BYTES_PER_QUEUED_NOTIFICATION = 2_048;
    /** Stated memory per entry of the in-memory notification log. */
    public static final long BYTES_PER_LOG_ENTRY = 256;

    private final Clock clock;
    private final SreEventBus bus;
    private final EventAlertMapping mapping;
    private final RouteNode routes;
    private final Map<String, ReceiverChannel> channels;
    private final List<InhibitRule> inhibitRules;
    private final List<Map<String, Set<Long>>> inhibitSources;
    private final NotificationLog log;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final int maxAlerts;

    private final Object lock = new Object();
    private final HashMap<Long, AlertSlot> alerts = new HashMap<>();
    private final HashMap<String, AggregationGroup> groups = new HashMap<>();
    private final LinkedHashMap<String, Silence> silences = new LinkedHashMap<>();
    /** Fingerprints of alerts resolved and waiting for their notification, oldest first: what makes room at the cap. */
    private final java.util.LinkedHashSet<Long> resolvedWaiting = new java.util.LinkedHashSet<>();
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean closed;

    /** Looks up {@link #alerts} by a fingerprint without boxing it (one per manager, used under its lock). */
    private final FingerprintProbe probe = new FingerprintProbe();

    /** An alert and the groups it is in. */
    private static final class AlertSlot {
        Alert alert;
        final List<AggregationGroup> groups = new ArrayList<>(2);
        /** What fired the alert again since {@link #alert} was built, and how to rebuild it; null when current. */
        Object refiredBy;
        Function<Object, Alert> rebuild;

        AlertSlot(Alert alert) {
            this.alert = alert;
        }
    }

    /**
     * A key equal to the boxed fingerprint it is set to, for {@code alerts.get(probe)} without
     * allocating a {@link Long}: {@link HashMap#get} compares the probe with the stored keys by the
     * probe's {@code equals}. Only ever used for lookups, under the lock.
     */
    private static final class FingerprintProbe {
        long fingerprint;

        FingerprintProbe set(long value) {
            this.fingerprint = value;
            return this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Long && (Long) o == fingerprint;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(fingerprint);
        }
    }

    private AlertManager(Builder b) {
        this.clock = b.clock;
        this.bus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        this.mapping = b.mapping;
        Check.notNull("route", b.route);
        this.routes = RouteNode.resolve(b.route);
        if (b.receivers.isEmpty()) {
            throw new IllegalArgumentException("an alert manager needs at least one receiver");
        }
        Set<String> used = new HashSet<>();
        routes.collectReceivers(used);
        for (String name : used) {
            if (!b.receivers.containsKey(name)) {
                throw new IllegalArgumentException("route sends to receiver '" + name + "', which is not configured (configured: "
                        + b.receivers.keySet() + ")");
            }
        }
        this.maxAlerts = Check.positive("maxAlerts", b.maxAlerts);
        int capacity = Check.positive("queueCapacity", b.queueCapacity);
        this.log = b.log == null ? NotificationLog.inMemory() : b.log;
        if (b.scheduler != null) {
            this.scheduler = b.scheduler;
            this.ownsScheduler = false;
        } else {
            this.scheduler = defaultScheduler(Math.min(4, b.receivers.size()));
            this.ownsScheduler = true;
        }
        HttpClient http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(DEFAULT_CONNECT_TIMEOUT).build();
        DoubleSupplier random = b.random != null ? b.random : () -> ThreadLocalRandom.current().nextDouble();
        Map<String, ReceiverChannel> byName = new LinkedHashMap<>();
        for (Receiver receiver : b.receivers.values()) {
            byName.put(receiver.name(), new ReceiverChannel(receiver, capacity, b.retry, http, scheduler, clock, b.requestTimeout, random,
                    log, bus));
        }
        this.channels = Map.copyOf(byName);
        this.inhibitRules = List.copyOf(b.inhibitRules);
        this.inhibitSources = new ArrayList<>();
        for (int i = 0; i < inhibitRules.size(); i++) {
            inhibitSources.add(new HashMap<>());
        }
    }

    private static ScheduledExecutorService defaultScheduler(int threads) {
        AtomicInteger count = new AtomicInteger();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(Math.max(1, threads), task -> {
            Thread thread = new Thread(task, "agent-sre-alerts-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Subscribes this manager to every event of {@code bus}; closing the handle unsubscribes. */
    public SreEventBus.Subscription subscribeTo(SreEventBus bus) {
        return Check.notNull("bus", bus).subscribe(this);
    }

    /** Maps an event to alerts (see {@link EventAlertMapping}); events no rule handles allocate nothing. */
    @Override
    public void onEvent(SreEvent event) {
        mapping.apply(event, this);
    }

    // ------------------------------------------------------------------ alerts in

    /**
     * Fires {@code alert}, or updates it when an alert with the same labels fires already (its start
     * time is kept). Never blocks on I/O.
     *
     * @return false when the alert was rejected because {@code maxAlerts} alerts are held
     */
    public boolean fireAlert(Alert alert) {
        Check.notNull("alert", alert);
        if (closed) {
            return false;
        }
        Instant now = clock.instant();
        synchronized (lock) {
            AlertSlot slot = alerts.get(alert.fingerprint());
            Alert stamped;
            if (slot != null && !slot.alert.isResolvedAt(now)) {
                stamped = alert.withStartsAt(slot.alert.startsAt());
            } else {
                stamped = alert.startsAt() == null ? alert.withStartsAt(now) : alert;
            }
            if (slot == null) {
                if (alerts.size() >= maxAlerts && !evictResolvedLocked()) {
                    rejected.incrementAndGet();
                    if (rejected.get() == 1) {
                        LOG.warn("alert manager holds maxAlerts={} alerts; {} is rejected (further rejections are counted, not logged)",
                                maxAlerts, alert);
                    }
                    return false;
                }
                slot = new AlertSlot(stamped);
                alerts.put(alert.fingerprint(), slot);
            } else {
                unindexLocked(slot.alert);
                slot.alert = stamped;
                slot.refiredBy = null; // the alert fired in full is the newest
                slot.rebuild = null;
                resolvedWaiting.remove(alert.fingerprint());
            }
            indexLocked(stamped);
            for (RouteNode route : routes.match(stamped)) {
                Map<String, String> labels = route.groupLabels(stamped);
                String key = route.groupKey(labels);
                AggregationGroup group = groups.get(key);
                if (group == null) {
                    group = new AggregationGroup(key, route, labels, channels.get(route.receiver), lastLogged(route.receiver, key));
                    groups.put(key, group);
                    schedule(group, route.groupWait);
                }
                if (!slot.groups.contains(group)) {
                    slot.groups.add(group);
                }
            }
            // Every group of the alert (routes are sticky: a group it no longer routes to keeps it) gets its new state.
            boolean firing = !stamped.isResolvedAt(now);
            for (AggregationGroup group : slot.groups) {
                group.alerts.put(stamped.fingerprint(), stamped);
                if (firing && group.escalatesTo(stamped.severity()) && group.nextFlush != null && group.nextFlush.isAfter(now)) {
                    schedule(group, Duration.ZERO); // escalation: notify now, not after groupInterval
                }
            }
        }
        return true;
    }

    /**
     * The fast path of an alert that fires again unchanged — what a burn-rate alert does on every
     * evaluation while it burns: when the alert with {@code fingerprint} is firing at {@code severity}
     * with no end, nothing about it but its annotations can change (its labels are its identity, its
     * start is kept, its routes and groups are those of its labels), so it only remembers
     * {@code source}, from which {@code rebuild} makes the alert with the newest annotations when it is
     * next needed (a flush, a resolve, {@link #status()}). Returns false when the caller must fire the
     * alert in full (new, resolved, ending by itself, or another severity: an escalation). Allocates
     * nothing. For the mapping's rules.
     */
    @SuppressWarnings("unchecked")
    <E> boolean refired(long fingerprint, Severity severity, E source, Function<? super E, Alert> rebuild) {
        if (closed) {
            return false;
        }
        synchronized (lock) {
            AlertSlot slot = alerts.get(probe.set(fingerprint));
            if (slot == null || slot.alert.endsAt() != null || slot.alert.severity() != severity) {
                return false;
            }
            slot.refiredBy = source;
            slot.rebuild = (Function<Object, Alert>) rebuild;
            return true;
        }
    }

    /** The slot's alert with the annotations of what fired it last (see {@link #refired}); caller holds the lock. */
    private Alert currentLocked(AlertSlot slot) {
        Object source = slot.refiredBy;
        if (source == null) {
            return slot.alert;
        }
        slot.refiredBy = null;
        Alert rebuilt;
        try {
            rebuilt = slot.rebuild.apply(source);
        } catch (RuntimeException e) {
            LOG.warn("could not rebuild alert {} from {}; its earlier annotations are kept", slot.alert, source, e);
            return slot.alert;
        }
        if (rebuilt == null || rebuilt.fingerprint() != slot.alert.fingerprint() || rebuilt.severity() != slot.alert.severity()) {
            return slot.alert; // not the same alert: never swap identities behind the groups' backs
        }
        Alert stamped = rebuilt.withStartsAt(slot.alert.startsAt());
        slot.alert = stamped;
        for (AggregationGroup group : slot.groups) {
            group.alerts.put(stamped.fingerprint(), stamped);
        }
        return stamped;
    }

    /** Fires {@code alert} ({@link #fireAlert}); a rejection is counted in {@link AlertStatus#rejectedAlerts()}. */
    @Override
    public void fire(Alert alert) {
        fireAlert(alert);
    }

    /** Resolves the alert with the labels of {@code alert}; nothing when no such alert fires. */
    @Override
    public void resolve(Alert alert) {
        resolveFingerprint(Check.notNull("alert", alert).fingerprint());
    }

    /** Resolves the alert with these labels ({@code severity} ignored); returns whether one was firing. */
    public boolean resolve(Map<String, String> labels) {
        return resolveFingerprint(Alert.fingerprintOf(Check.notNull("labels", labels)));
    }

    private boolean resolveFingerprint(long fingerprint) {
        Instant now = clock.instant();
        synchronized (lock) {
            AlertSlot slot = alerts.get(fingerprint);
            if (slot == null || slot.alert.isResolvedAt(now)) {
                return false;
            }
            unindexLocked(slot.alert);
            slot.alert = currentLocked(slot).withEndsAt(now);
            resolvedWaiting.add(fingerprint);
            for (AggregationGroup group : slot.groups) {
                group.alerts.put(fingerprint, slot.alert);
            }
            return true;
        }
    }

    private NotificationLog.Entry lastLogged(String receiver, String key) {
        try {
            return log.last(receiver, key);
        } catch (RuntimeException e) {
            LOG.warn("could not read the notification log; group {} starts without memory", key, e);
            return null;
        }
    }

    /** Drops the oldest resolved alert that only waits for its notification, to make room; caller holds the lock. */
    private boolean evictResolvedLocked() {
        java.util.Iterator<Long> oldest = resolvedWaiting.iterator();
        if (!oldest.hasNext()) {
            return false;
        }
        Long fingerprint = oldest.next();
        oldest.remove();
        AlertSlot slot = alerts.remove(fingerprint);
        if (slot != null) {
            for (AggregationGroup group : slot.groups) {
                group.alerts.remove(fingerprint);
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ flushing

    private void schedule(AggregationGroup group, Duration delay) {
        if (group.timer != null) {
            group.timer.cancel(false);
        }
        group.nextFlush = clock.instant().plus(delay);
        try {
            group.timer = scheduler.schedule(() -> flush(group), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            group.timer = null;
            LOG.warn("could not schedule the flush of group {} (scheduler shut down?)", group.key, e);
        }
    }

    private void flush(AggregationGroup group) {
        ReceiverChannel.Dropped dropped = null;
        try {
            synchronized (lock) {
                if (group.closed || closed) {
                    return;
                }
                Instant now = clock.instant();
                group.timer = null;
                group.nextFlush = null;
                refreshLocked(group);
                Notification n = decideLocked(group, now);
                if (n != null) {
                    dropped = group.channel.enqueue(n);
                }
                removeResolvedLocked(group, now);
                if (group.alerts.isEmpty()) {
                    group.closed = true;
                    groups.remove(group.key, group);
                } else {
                    schedule(group, group.route.groupInterval);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("flushing alert group {} failed", group.key, e);
        }
        if (dropped != null) {
            group.channel.reportDropped(dropped);
        }
    }

    /** Brings the group's alerts that fired again up to date (see {@link #refired}); caller holds the lock. */
    private void refreshLocked(AggregationGroup group) {
        for (Alert alert : List.copyOf(group.alerts.values())) {
            AlertSlot slot = alerts.get(probe.set(alert.fingerprint()));
            if (slot != null && slot.refiredBy != null) {
                currentLocked(slot);
            }
        }
    }

    /** Alertmanager's dedup decision plus escalation; updates what the group was told. Caller holds the lock. */
    private Notification decideLocked(AggregationGroup group, Instant now) {
        List<Alert> firing = new ArrayList<>();
        List<Alert> resolved = new ArrayList<>();
        for (Alert alert : group.alerts.values()) {
            if (isMutedLocked(alert, now)) {
                continue;
            }
            (alert.isResolvedAt(now) ? resolved : firing).add(alert);
        }
        long[] firingFps = fingerprints(firing);
        long[] resolvedFps = fingerprints(resolved);
        Severity top = highest(firing.isEmpty() ? resolved : firing);
        NotificationLog.Entry last = group.notified;
        boolean sendResolved = group.channel.receiver().sendResolved();
        boolean notify;
        if (last == null) {
            notify = !firing.isEmpty();
        } else if (!last.firingContainsAll(firingFps)) {
            notify = true;
        } else if (firing.isEmpty()) {
            notify = last.firingCount() > 0;
        } else if (sendResolved && !last.resolvedContainsAll(resolvedFps)) {
            notify = true;
        } else if (last.firingCount() > 0 && top.isHigherThan(last.severity())) {
            notify = true; // the same alerts, one of them escalated
        } else {
            notify = !last.timestamp().isAfter(now.minus(group.route.repeatInterval));
        }
        if (!notify) {
            return null;
        }
        group.notified = new NotificationLog.Entry(group.channel.receiver().name(), group.key, firingFps, resolvedFps, top, now);
        List<Alert> sent = new ArrayList<>(firing);
        if (sendResolved) {
            sent.addAll(resolved);
        }
        if (firing.isEmpty() && !sendResolved) {
            return null; // the receiver is not told about resolutions; the group's memory is updated all the same
        }
        return notification(group, sent, firing.size(), sent.size() - firing.size(), top, now);
    }

    private static Notification notification(AggregationGroup group, List<Alert> alerts, int firing, int resolved, Severity top, Instant now) {
        Map<String, String> commonLabels = null;
        Map<String, String> commonAnnotations = null;
        for (Alert alert : alerts) {
            commonLabels = intersect(commonLabels, alert.labelsWithSeverity());
            commonAnnotations = intersect(commonAnnotations, alert.annotations());
        }
        return new Notification(UUID.randomUUID().toString(), group.channel.receiver().name(), group.key, group.labels,
                firing > 0 ? Notification.Status.FIRING : Notification.Status.RESOLVED, alerts,
                commonLabels == null ? Map.of() : commonLabels, commonAnnotations == null ? Map.of() : commonAnnotations, top, firing,
                resolved, now);
    }

    private static Map<String, String> intersect(Map<String, String> common, Map<String, String> next) {
        if (common == null) {
            return new TreeMap<>(next);
        }
        common.entrySet().removeIf(e -> !e.getValue().equals(next.get(e.getKey())));
        return common;
    }

    private void removeResolvedLocked(AggregationGroup group, Instant now) {
        group.alerts.values().removeIf(alert -> {
            if (!alert.isResolvedAt(now)) {
                return false;
            }
            AlertSlot slot = alerts.get(alert.fingerprint());
            if (slot != null) {
                slot.groups.remove(group);
                if (slot.groups.isEmpty() && slot.alert.isResolvedAt(now)) {
                    alerts.remove(alert.fingerprint());
                    resolvedWaiting.remove(alert.fingerprint());
                }
            }
            return true;
        });
    }

    private static long[] fingerprints(List<Alert> list) {
        long[] fps = new long[list.size()];
        for (int i = 0; i < fps.length; i++) {
            fps[i] = list.get(i).fingerprint();
        }
        return fps;
    }

    private static Severity highest(List<Alert> list) {
        Severity top = Severity.INFO;
        for (Alert alert : list) {
            if (alert.severity().isHigherThan(top)) {
                top = alert.severity();
            }
        }
        return top;
    }

    // ------------------------------------------------------------------ muting

    private boolean isMutedLocked(Alert alert, Instant now) {
        return !silencedByLocked(alert, now).isEmpty() || !inhibitedByLocked(alert, now).isEmpty();
    }

    private List<String> silencedByLocked(Alert alert, Instant now) {
        List<String> ids = null;
        for (Silence silence : silences.values()) {
            if (silence.mutes(alert, now)) {
                if (ids == null) {
                    ids = new ArrayList<>(1);
                }
                ids.add(silence.id());
            }
        }
        return ids == null ? List.of() : ids;
    }

    private List<String> inhibitedByLocked(Alert target, Instant now) {
        List<String> sources = null;
        for (int i = 0; i < inhibitRules.size(); i++) {
            InhibitRule rule = inhibitRules.get(i);
            if (!rule.isTarget(target)) {
                continue;
            }
            Set<Long> candidates = inhibitSources.get(i).get(rule.equalKey(target));
            if (candidates == null) {
                continue;
            }
            boolean targetIsSourceToo = rule.isSource(target);
            for (long fp : candidates) {
                if (fp == target.fingerprint()) {
                    continue;
                }
                AlertSlot source = alerts.get(fp);
                if (source == null || source.alert.isResolvedAt(now) || (targetIsSourceToo && rule.isTarget(source.alert))) {
                    continue;
                }
                if (sources == null) {
                    sources = new ArrayList<>(1);
                }
                sources.add(source.alert.fingerprintHex());
            }
        }
        return sources == null ? List.of() : sources;
    }

    private void indexLocked(Alert alert) {
        for (int i = 0; i < inhibitRules.size(); i++) {
            InhibitRule rule = inhibitRules.get(i);
            if (rule.isSource(alert)) {
                inhibitSources.get(i).computeIfAbsent(rule.equalKey(alert), k -> new HashSet<>(2)).add(alert.fingerprint());
            }
        }
    }

    private void unindexLocked(Alert alert) {
        for (int i = 0; i < inhibitRules.size(); i++) {
            InhibitRule rule = inhibitRules.get(i);
            if (rule.isSource(alert)) {
                Map<String, Set<Long>> index = inhibitSources.get(i);
                String key = rule.equalKey(alert);
                Set<Long> set = index.get(key);
                if (set != null) {
                    set.remove(alert.fingerprint());
                    if (set.isEmpty()) {
                        index.remove(key);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ silences

    /**
     * Adds a silence (starting now unless it has a start) and returns it with its id.
     *
     * @throws IllegalStateException when {@value #MAX_SILENCES} unexpired silences are held
     */
    public Silence silence(Silence silence) {
        Check.notNull("silence", silence);
        Instant now = clock.instant();
        synchronized (lock) {
            silences.values().removeIf(s -> s.state(now) == Silence.State.EXPIRED && s.endsAt().isBefore(now.minus(Duration.ofDays(5))));
            if (silences.size() >= MAX_SILENCES) {
                silences.values().stream().filter(s -> s.state(now) == Silence.State.EXPIRED).findFirst()
                        .ifPresent(s -> silences.remove(s.id()));
            }
            if (silences.size() >= MAX_SILENCES) {
                throw new IllegalStateException("too many silences: " + MAX_SILENCES + " unexpired silences are held");
            }
            Silence added = silence.withId(UUID.randomUUID().toString(), now);
            silences.put(added.id(), added);
            LOG.info("silence {} added by {} until {}: {} ({})", added.id(), added.createdBy(), added.endsAt(), added.matchers(),
                    added.comment());
            return added;
        }
    }

    /** Ends a silence now; returns whether it existed and had not expired. */
    public boolean expireSilence(String id) {
        Instant now = clock.instant();
        synchronized (lock) {
            Silence s = silences.get(Check.notBlank("id", id));
            if (s == null || s.state(now) == Silence.State.EXPIRED) {
                return false;
            }
            silences.put(id, s.expiredAt(now));
            return true;
        }
    }

    // ------------------------------------------------------------------ status

    /** A snapshot of alerts, groups, silences and receivers; reading changes nothing. */
    public AlertStatus status() {
        Instant now = clock.instant();
        List<AlertStatus.AlertState> alertStates = new ArrayList<>();
        List<AlertStatus.GroupStatus> groupStates = new ArrayList<>();
        List<AlertStatus.SilenceStatus> silenceStates = new ArrayList<>();
        synchronized (lock) {
            for (AlertSlot slot : alerts.values()) {
                Alert alert = currentLocked(slot); // the newest annotations (a cache filled, no state changed)
                List<String> silencedBy = silencedByLocked(alert, now);
                List<String> inhibitedBy = inhibitedByLocked(alert, now);
                AlertStatus.AlertState.State state = alert.isResolvedAt(now) ? AlertStatus.AlertState.State.RESOLVED
                        : silencedBy.isEmpty() && inhibitedBy.isEmpty() ? AlertStatus.AlertState.State.ACTIVE
                        : AlertStatus.AlertState.State.SUPPRESSED;
                List<String> keys = new ArrayList<>(slot.groups.size());
                slot.groups.forEach(g -> keys.add(g.key));
                alertStates.add(new AlertStatus.AlertState(alert, state, silencedBy, inhibitedBy, keys));
            }
            for (AggregationGroup group : groups.values()) {
                List<String> fps = new ArrayList<>(group.alerts.size());
                group.alerts.values().forEach(a -> fps.add(a.fingerprintHex()));
                groupStates.add(new AlertStatus.GroupStatus(group.key, group.channel.receiver().name(), group.labels, fps,
                        group.notified == null ? null : group.notified.timestamp(), group.nextFlush));
            }
            for (Silence s : silences.values()) {
                silenceStates.add(new AlertStatus.SilenceStatus(s, s.state(now)));
            }
        }
        alertStates.sort(Comparator.comparing((AlertStatus.AlertState a) -> a.state().ordinal())
                .thenComparing(a -> a.alert().startsAt(), Comparator.nullsLast(Comparator.naturalOrder())));
        groupStates.sort(Comparator.comparing(AlertStatus.GroupStatus::key));
        List<AlertStatus.ReceiverStatus> receiverStates = new ArrayList<>();
        for (ReceiverChannel channel : channels.values()) {
            Receiver r = channel.receiver();
            receiverStates.add(new AlertStatus.ReceiverStatus(r.name(), r.kind(), r.target(), channel.depth(), channel.capacity(),
                    channel.delivered.get(), channel.failed.get(), channel.dropped.get(), channel.retries.get(), channel.disabled(),
                    channel.lastDelivery));
        }
        receiverStates.sort(Comparator.comparing(AlertStatus.ReceiverStatus::name));
        return new AlertStatus(now, alertStates, groupStates, silenceStates, receiverStates, rejected.get());
    }

    /** Number of alerts held (firing, muted, or resolved and waiting for their notification). */
    public int size() {
        synchronized (lock) {
            return alerts.size();
        }
    }

    /** Number of aggregation groups. */
    public int groupCount() {
        synchronized (lock) {
            return groups.size();
        }
    }

    /** The receivers, by name. */
    public List<Receiver> receivers() {
        List<Receiver> list = new ArrayList<>();
        channels.values().forEach(c -> list.add(c.receiver()));
        return list;
    }

    /** The bus the manager publishes its {@link dev.agentsre.event.AlertEvent}s on. */
    public SreEventBus eventBus() {
        return bus;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    /**
     * Stops: pending flushes are cancelled, queued notifications are not sent, and a scheduler the
     * manager created is shut down. Alerts fired afterwards are ignored.
     */
    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            for (AggregationGroup group : groups.values()) {
                ScheduledFuture<?> timer = group.timer;
                if (timer != null) {
                    timer.cancel(false);
                }
            }
        }
        channels.values().forEach(ReceiverChannel::close);
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "AlertManager{receivers=" + channels.keySet() + ", alerts=" + size() + '}';
    }

    /** Builder for {@link AlertManager}. Required: a route and the receivers it names. */
    public static final class Builder {
        private Route route;
        private final Map<String, Receiver> receivers = new LinkedHashMap<>();
        private final List<InhibitRule> inhibitRules = new ArrayList<>();
        private RetryPolicy retry = RetryPolicy.defaults();
        private NotificationLog log;
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService scheduler;
        private HttpClient http;
        private SreEventBus eventBus;
        private EventAlertMapping mapping = EventAlertMapping.defaults();
        private int maxAlerts = DEFAULT_MAX_ALERTS;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private DoubleSupplier random;

        private Builder() {
        }

        /** The routing tree (required). */
        public Builder route(Route route) {
            this.route = Check.notNull("route", route);
            return this;
        }

        /** Adds a receiver; names must be unique. */
        public Builder receiver(Receiver receiver) {
            Check.notNull("receiver", receiver);
            if (receivers.putIfAbsent(receiver.name(), receiver) != null) {
                throw new IllegalArgumentException("receiver names must be unique, got '" + receiver.name() + "' twice");
            }
            return this;
        }

        /** Adds an inhibition rule. */
        public Builder inhibit(InhibitRule rule) {
            inhibitRules.add(Check.notNull("rule", rule));
            return this;
        }

        /** How failed deliveries are retried (default {@link RetryPolicy#defaults()}). */
        public Builder retry(RetryPolicy retry) {
            this.retry = Check.notNull("retry", retry);
            return this;
        }

        /** Where delivered notifications are remembered (default in memory). */
        public Builder notificationLog(NotificationLog log) {
            this.log = Check.notNull("notificationLog", log);
            return this;
        }

        /** The clock (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Check.notNull("clock", clock);
            return this;
        }

        /**
         * Where group flushes and deliveries run (default: a pool of daemon threads owned by the
         * manager). HTTP calls are made on its threads.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Check.notNull("scheduler", scheduler);
            return this;
        }

        /** The HTTP client (default: JDK client with a {@code 5 s} connect timeout). */
        public Builder httpClient(HttpClient http) {
            this.http = Check.notNull("httpClient", http);
            return this;
        }

        /** Where {@link dev.agentsre.event.AlertEvent}s are published (default: a private bus). */
        public Builder eventBus(SreEventBus bus) {
            this.eventBus = Check.notNull("eventBus", bus);
            return this;
        }

        /** Which events fire which alerts (default {@link EventAlertMapping#defaults()}). */
        public Builder mapping(EventAlertMapping mapping) {
            this.mapping = Check.notNull("mapping", mapping);
            return this;
        }

        /** Cap on alerts held (default {@value #DEFAULT_MAX_ALERTS}). */
        public Builder maxAlerts(int maxAlerts) {
            this.maxAlerts = maxAlerts;
            return this;
        }

        /** Capacity of each receiver's queue (default {@value #DEFAULT_QUEUE_CAPACITY}). */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /** Timeout of one HTTP request (default 10 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Check.positive("requestTimeout", timeout);
            return this;
        }

        /** {@link #requestTimeout(Duration)} from text. */
        public Builder requestTimeout(String timeout) {
            return requestTimeout(Durations.parsePositive("requestTimeout", timeout));
        }

        /** Source of the backoff jitter, values in [0, 1) (default a thread-local random; tests pass a constant). */
        public Builder jitter(DoubleSupplier random) {
            this.random = Check.notNull("jitter", random);
            return this;
        }

        /** Validates and builds. */
        public AlertManager build() {
            return new AlertManager(this);
        }
    }
}

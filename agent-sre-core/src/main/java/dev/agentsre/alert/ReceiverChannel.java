package dev.agentsre.alert;

import dev.agentsre.event.NotificationDelivered;
import dev.agentsre.event.NotificationDropped;
import dev.agentsre.event.NotificationFailed;
import dev.agentsre.event.ReceiverDisabled;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.redact.Redactor;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One receiver's delivery: a bounded FIFO queue and a sender that runs on the scheduler, one
 * notification at a time (so a group's resolve never overtakes its trigger), retrying per the
 * {@link RetryPolicy}. Enqueueing never blocks: a notification for a group that is already
 * queued (not yet in flight) replaces it in place, since it carries the group's whole current
 * state; a full queue drops its oldest lowest-severity notification (or the new one, when that is
 * the lowest) and counts it.
 */
final class ReceiverChannel {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiverChannel.class);
    private static final int MAX_BODY = 8 * 1024;
    private static final int BATCH = 32;
    private static final Redactor REDACTOR = Redactor.defaults();

    private final Receiver receiver;
    private final int capacity;
    private final RetryPolicy retry;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Duration requestTimeout;
    private final DoubleSupplier random;
    private final NotificationLog log;
    private final SreEventBus bus;
    private final Runnable drainTask = this::drainSafely;

    private final SlotQueue queue = new SlotQueue();
    private final HashMap<String, Slot> waiting = new HashMap<>();
    private boolean active;
    private volatile boolean disabled;
    private volatile boolean closed;
    private volatile boolean dropWarned;

    final AtomicLong delivered = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    volatile AlertStatus.Delivery lastDelivery;

    /** A queued notification; {@code taken} once the sender has started on it. Linked into the FIFO and its severity's list. */
    private static final class Slot {
        Notification notification;
        boolean taken;
        int attempts;
        Instant firstAttempt;
        Slot prev;
        Slot next;
        Slot sevPrev;
        Slot sevNext;
        Severity listedAs;

        Slot(Notification notification) {
            this.notification = notification;
        }
    }

    /**
     * The queue: a FIFO of slots plus, for overflow, one list per severity of the slots not yet in
     * flight, oldest first — so adding, removing and finding the oldest lowest-severity slot are O(1).
     */
    private static final class SlotQueue implements Iterable<Slot> {
        private Slot head;
        private Slot tail;
        private int size;
        private final Slot[] sevHead = new Slot[Severity.values().length];
        private final Slot[] sevTail = new Slot[Severity.values().length];

        void addLast(Slot slot) {
            slot.prev = tail;
            slot.next = null;
            if (tail == null) {
                head = slot;
            } else {
                tail.next = slot;
            }
            tail = slot;
            size++;
            list(slot);
        }

        Slot peekFirst() {
            return head;
        }

        int size() {
            return size;
        }

        boolean isEmpty() {
            return size == 0;
        }

        void remove(Slot slot) {
            if (slot.prev == null && head != slot) {
                return; // not queued
            }
            if (slot.prev == null) {
                head = slot.next;
            } else {
                slot.prev.next = slot.next;
            }
            if (slot.next == null) {
                tail = slot.prev;
            } else {
                slot.next.prev = slot.prev;
            }
            slot.prev = null;
            slot.next = null;
            size--;
            unlist(slot);
        }

        /** Takes a slot out of the severity lists (it is in flight now). */
        void taken(Slot slot) {
            unlist(slot);
        }

        /** Re-files a slot whose notification's severity changed. */
        void relist(Slot slot) {
            if (slot.listedAs != null && slot.listedAs != slot.notification.severity()) {
                unlist(slot);
                list(slot);
            }
        }

        /** The oldest slot not in flight of the lowest severity present, or null. */
        Slot lowest() {
            for (Slot slot : sevHead) {
                if (slot != null) {
                    return slot;
                }
            }
            return null;
        }

        private void list(Slot slot) {
            int s = slot.notification.severity().ordinal();
            slot.listedAs = slot.notification.severity();
            slot.sevPrev = sevTail[s];
            slot.sevNext = null;
            if (sevTail[s] == null) {
                sevHead[s] = slot;
            } else {
                sevTail[s].sevNext = slot;
            }
            sevTail[s] = slot;
        }

        private void unlist(Slot slot) {
            if (slot.listedAs == null) {
                return;
            }
            int s = slot.listedAs.ordinal();
            if (slot.sevPrev == null) {
                sevHead[s] = slot.sevNext;
            } else {
                slot.sevPrev.sevNext = slot.sevNext;
            }
            if (slot.sevNext == null) {
                sevTail[s] = slot.sevPrev;
            } else {
                slot.sevNext.sevPrev = slot.sevPrev;
            }
            slot.sevPrev = null;
            slot.sevNext = null;
            slot.listedAs = null;
        }

        @Override
        public Iterator<Slot> iterator() {
            return new Iterator<>() {
                private Slot next = head;

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public Slot next() {
                    Slot current = next;
                    if (current == null) {
                        throw new java.util.NoSuchElementException();
                    }
                    next = current.next;
                    return current;
                }
            };
        }

        void clear() {
            for (Slot slot = head; slot != null; ) {
                Slot next = slot.next;
                slot.prev = null;
                slot.next = null;
                slot.sevPrev = null;
                slot.sevNext = null;
                slot.listedAs = null;
                slot = next;
            }
            head = null;
            tail = null;
            size = 0;
            java.util.Arrays.fill(sevHead, null);
            java.util.Arrays.fill(sevTail, null);
        }
    }

    ReceiverChannel(Receiver receiver, int capacity, RetryPolicy retry, HttpClient http, ScheduledExecutorService scheduler, Clock clock,
                    Duration requestTimeout, DoubleSupplier random, NotificationLog log, SreEventBus bus) {
        this.receiver = receiver;
        this.capacity = capacity;
        this.retry = retry;
        this.http = http;
        this.scheduler = scheduler;
        this.clock = clock;
        this.requestTimeout = requestTimeout;
        this.random = random;
        this.log = log;
        this.bus = bus;
    }

    Receiver receiver() {
        return receiver;
    }

    /** A notification dropped by {@link #enqueue}, to be reported once the caller's locks are released. */
    record Dropped(Notification notification, String reason) {
    }

    /**
     * Queues a notification; never blocks on I/O. Returns the notification it had to drop (the new
     * one or a queued one), or null; report it with {@link #reportDropped} outside any lock.
     */
    Dropped enqueue(Notification n) {
        Dropped result = null;
        boolean wake = false;
        synchronized (this) {
            if (disabled || closed) {
                result = new Dropped(n, disabled ? "receiver disabled" : "alert manager closed");
            } else {
                Slot same = waiting.get(n.groupKey());
                if (same != null) {
                    same.notification = n; // the newer state of the group supersedes the queued one
                    queue.relist(same);
                    return null;
                }
                if (queue.size() >= capacity) {
                    Slot victim = queue.lowest();
                    String reason = "queue full (" + capacity + ")";
                    if (victim == null || n.severity().compareTo(victim.notification.severity()) < 0) {
                        result = new Dropped(n, reason);
                    } else {
                        queue.remove(victim);
                        waiting.remove(victim.notification.groupKey(), victim);
                        result = new Dropped(victim.notification, reason);
                        enqueueLocked(n);
                    }
                } else {
                    enqueueLocked(n);
                }
                if (!active) {
                    active = true;
                    wake = true;
                }
            }
        }
        if (result != null) {
            dropped.incrementAndGet();
        }
        if (wake) {
            schedule(Duration.ZERO);
        }
        return result;
    }

    /** Publishes the event of a dropped notification. */
    void reportDropped(Dropped d) {
        if (dropWarned) {
            LOG.debug("receiver {}: dropped a {} notification of group {}: {}", receiver.name(), d.notification().severity().label(),
                    d.notification().groupKey(), d.reason());
        } else {
            dropWarned = true;
            LOG.warn("receiver {}: dropped a {} notification of group {}: {} (further drops are logged at DEBUG)", receiver.name(),
                    d.notification().severity().label(), d.notification().groupKey(), d.reason());
        }
        bus.publish(new NotificationDropped(clock.instant(), d.notification().commonLabels().get("agent_id"), receiver.name(),
                d.notification().groupKey(), d.notification().severity(), d.reason()));
    }

    private void enqueueLocked(Notification n) {
        Slot slot = new Slot(n);
        queue.addLast(slot);
        waiting.put(n.groupKey(), slot);
    }

    synchronized int depth() {
        return queue.size();
    }

    int capacity() {
        return capacity;
    }

    boolean disabled() {
        return disabled;
    }

    void close() {
        closed = true;
    }

    private void schedule(Duration delay) {
        try {
            scheduler.schedule(drainTask, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) { // a shut-down scheduler
            synchronized (this) {
                active = false;
            }
            LOG.debug("receiver {}: could not schedule delivery", receiver.name(), e);
        }
    }

    private void drainSafely() {
        try {
            drain();
        } catch (RuntimeException | Error e) {
            LOG.warn("receiver {}: the sender failed unexpectedly; it will try again", receiver.name(), e);
            synchronized (this) {
                active = false;
            }
            if (!(e instanceof VirtualMachineError)) {
                wakeIfQueued();
            } else {
                throw (Error) e;
            }
        }
    }

    private void wakeIfQueued() {
        boolean wake;
        synchronized (this) {
            wake = !active && !queue.isEmpty() && !closed;
            active |= wake;
        }
        if (wake) {
            schedule(Duration.ofSeconds(1));
        }
    }

    private void drain() {
        for (int done = 0; done < BATCH; done++) {
            Slot slot;
            synchronized (this) {
                if (disabled) {
                    dropAllLocked();
                    active = false;
                    return;
                }
                slot = queue.peekFirst();
                if (slot == null || closed) {
                    active = false;
                    return;
                }
                if (!slot.taken) {
                    slot.taken = true;
                    queue.taken(slot);
                    waiting.remove(slot.notification.groupKey(), slot);
                    slot.firstAttempt = clock.instant();
                }
                slot.attempts++;
            }
            Outcome outcome = attempt(slot.notification, slot.attempts);
            Instant now = clock.instant();
            if (outcome.accepted) {
                finish(slot);
                delivered.incrementAndGet();
                lastDelivery = new AlertStatus.Delivery(now, true, outcome.status, slot.attempts, null);
                record(slot.notification, now);
                Notification n = slot.notification;
                bus.publish(new NotificationDelivered(now, n.commonLabels().get("agent_id"), receiver.name(), n.groupKey(), n.status().label(),
                        n.severity(), n.alerts().size(), n.commonLabels(), slot.attempts, outcome.status));
                continue;
            }
            if (outcome.status == 410) {
                disable(outcome, now);
                fail(slot, outcome, now);
                continue;
            }
            if (outcome.retryable && slot.attempts < retry.maxAttempts()) {
                Duration delay = retry.delayAfter(slot.attempts, outcome.retryAfter, random.getAsDouble());
                if (!now.plus(delay).isAfter(slot.firstAttempt.plus(retry.maxElapsed()))) {
                    retries.incrementAndGet();
                    lastDelivery = new AlertStatus.Delivery(now, false, outcome.status, slot.attempts, outcome.error);
                    LOG.debug("receiver {}: attempt {} failed ({}); retrying in {} ms", receiver.name(), slot.attempts, outcome.error,
                            delay.toMillis());
                    schedule(delay);
                    return; // stays active; the same slot is retried first
                }
            }
            fail(slot, outcome, now);
        }
        schedule(Duration.ZERO); // let other receivers' senders run between batches
    }

    private void finish(Slot slot) {
        synchronized (this) {
            queue.remove(slot);
        }
    }

    private void fail(Slot slot, Outcome outcome, Instant now) {
        finish(slot);
        failed.incrementAndGet();
        lastDelivery = new AlertStatus.Delivery(now, false, outcome.status, slot.attempts, outcome.error);
        Notification n = slot.notification;
        LOG.warn("receiver {} ({}): gave up on a {} notification of group {} after {} attempt(s): {}", receiver.name(), receiver.target(),
                n.status().label(), n.groupKey(), slot.attempts, outcome.error);
        bus.publish(new NotificationFailed(now, n.commonLabels().get("agent_id"), receiver.name(), n.groupKey(), n.status().label(),
                n.severity(), n.commonLabels(), slot.attempts, outcome.status, outcome.error));
    }

    private void disable(Outcome outcome, Instant now) {
        disabled = true;
        lastDelivery = new AlertStatus.Delivery(now, false, outcome.status, 1, outcome.error);
        LOG.error("receiver {} ({}) answered 410 Gone: it is disabled and nothing more is sent to it", receiver.name(), receiver.target());
        bus.publish(new ReceiverDisabled(now, null, receiver.name(), outcome.status, "the receiver answered 410 Gone (webhook deleted)"));
    }

    private void dropAllLocked() {
        for (Slot slot : queue) {
            dropped.incrementAndGet();
            bus.publish(new NotificationDropped(clock.instant(), slot.notification.commonLabels().get("agent_id"), receiver.name(),
                    slot.notification.groupKey(), slot.notification.severity(), "receiver disabled"));
        }
        queue.clear();
        waiting.clear();
    }

    private void record(Notification n, Instant now) {
        int firing = 0;
        for (Alert a : n.alerts()) {
            if (!n.isResolved(a)) {
                firing++;
            }
        }
        long[] firingFps = new long[firing];
        long[] resolvedFps = new long[n.alerts().size() - firing];
        int f = 0;
        int r = 0;
        for (Alert a : n.alerts()) {
            if (n.isResolved(a)) {
                resolvedFps[r++] = a.fingerprint();
            } else {
                firingFps[f++] = a.fingerprint();
            }
        }
        try {
            log.record(new NotificationLog.Entry(receiver.name(), n.groupKey(), firingFps, resolvedFps, n.severity(), now));
        } catch (RuntimeException e) {
            LOG.warn("receiver {}: the notification was delivered but could not be written to the notification log", receiver.name(), e);
        }
    }

    // ------------------------------------------------------------------ one attempt

    private static final class Outcome {
        final boolean accepted;
        final boolean retryable;
        final int status;
        final Duration retryAfter;
        final String error;

        Outcome(boolean accepted, boolean retryable, int status, Duration retryAfter, String error) {
            this.accepted = accepted;
            this.retryable = retryable;
            this.status = status;
            this.retryAfter = retryAfter;
            this.error = error;
        }
    }

    private Outcome attempt(Notification n, int number) {
        if (receiver instanceof CallbackReceiver) {
            try {
                ((CallbackReceiver) receiver).deliver(n);
                return new Outcome(true, false, 0, null, null);
            } catch (RuntimeException e) {
                return new Outcome(false, true, 0, null, scrub("callback threw " + e));
            }
        }
        HttpRequest request;
        try {
            request = receiver.request(n, new Receiver.Attempt(number, clock, requestTimeout));
        } catch (RuntimeException e) {
            return new Outcome(false, false, -1, null, scrub("could not build the request: " + e.getMessage()));
        }
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String body = readAtMost(response.body());
            int status = response.statusCode();
            if (receiver.accepted(status, body)) {
                return new Outcome(true, false, status, null, null);
            }
            Duration retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(null), clock.instant());
            String error = "HTTP " + status + (body.isBlank() ? "" : ": " + Payloads.truncate(body.strip(), 200));
            return new Outcome(false, RetryPolicy.isRetryable(status), status, retryAfter, scrub(error));
        } catch (IOException e) {
            return new Outcome(false, true, -1, null, scrub(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, true, -1, null, "interrupted");
        }
    }

    private static String readAtMost(InputStream in) throws IOException {
        try (InputStream body = in) {
            byte[] bytes = body.readNBytes(MAX_BODY);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Secrets and anything that looks like a credential removed from an error text. */
    private String scrub(String text) {
        String out = text;
        for (Secret secret : receiver.secrets()) {
            out = secret.scrub(out);
        }
        return REDACTOR.redact(out);
    }

    /**
     * A {@code Retry-After} value as a delay from {@code now}: delta-seconds or an HTTP date
     * (RFC 9110 §10.2.3); null when absent or unreadable.
     */
    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration delay = Duration.between(now, at);
            return delay.isNegative() ? Duration.ZERO : delay;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

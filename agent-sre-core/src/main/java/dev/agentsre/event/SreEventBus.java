package dev.agentsre.event;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import dev.agentsre.redact.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous publish/subscribe bus for {@link SreEvent}s: the spine that connects components to
 * exporters, alerting and the pipeline.
 *
 * <p><b>Delivery.</b> {@link #publish} calls every matching listener on the caller's thread, in
 * subscription order. A listener that throws is skipped and the remaining listeners still run:
 * telemetry must never break an agent's call. Only {@link VirtualMachineError}s propagate. The
 * first failure of each registration is logged at {@code WARN} with its stack trace, later ones at
 * {@code DEBUG} so that a broken exporter cannot flood the log; all are counted in
 * {@link #listenerFailures()}.
 *
 * <p><b>Cost.</b> Subscriptions are held in a copy-on-write array: publishing reads one volatile
 * field and returns at once when nobody listens; subscribing copies the array (subscriptions
 * are rare, events are not). Producers that build expensive events can ask
 * {@link #hasListeners(Class)} first.
 *
 * <p><b>Thread safety.</b> All methods may be called from any thread. A listener added while an
 * event is being published may or may not receive that event.
 *
 * <p><b>Memory.</b> One small object per subscription; nothing is retained per event.
 */
public final class SreEventBus {

    private static final Logger LOG = LoggerFactory.getLogger(SreEventBus.class);
    /** A listener's failure can carry a secret in its message: logged only through the one redactor. */
    private static final Redactor REDACTOR = Redactor.defaults();
    private static final Registration[] NONE = new Registration[0];

    private volatile Registration[] registrations = NONE;
    private final AtomicLong listenerFailures = new AtomicLong();

    /** Creates an empty bus. */
    public SreEventBus() {
    }

    /**
     * Subscribes a listener to every event.
     *
     * @return a handle whose {@link Subscription#close()} unsubscribes this registration
     */
    public Subscription subscribe(SreEventListener<? super SreEvent> listener) {
        return subscribe(SreEvent.class, listener);
    }

    /**
     * Subscribes a listener to events of {@code type} and its subtypes, for example
     * {@code subscribe(SloEvent.class, ...)} for every SLO event.
     *
     * @return a handle whose {@link Subscription#close()} unsubscribes this registration
     */
    public <E extends SreEvent> Subscription subscribe(Class<E> type, SreEventListener<? super E> listener) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(listener, "listener");
        Registration registration = new Registration(type, listener);
        synchronized (this) {
            Registration[] current = registrations;
            Registration[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = registration;
            registrations = next;
        }
        return registration;
    }

    /**
     * Removes every registration of {@code listener}, whatever type it was subscribed to.
     *
     * @return whether anything was removed
     */
    public boolean unsubscribe(SreEventListener<?> listener) {
        return removeIf(r -> r.listener == listener);
    }

    /**
     * Removes the registrations of {@code listener} for exactly {@code type}.
     *
     * @return whether anything was removed
     */
    public boolean unsubscribe(Class<? extends SreEvent> type, SreEventListener<?> listener) {
        return removeIf(r -> r.listener == listener && r.type == type);
    }

    /** Delivers {@code event} to every listener subscribed to its type, on this thread. */
    public void publish(SreEvent event) {
        Registration[] current = registrations;
        if (current.length == 0) {
            return;
        }
        Objects.requireNonNull(event, "event");
        for (Registration registration : current) {
            if (registration.type.isInstance(event)) {
                deliver(registration, event);
            }
        }
    }

    /** Whether at least one listener would receive an event of {@code type}. */
    public boolean hasListeners(Class<? extends SreEvent> type) {
        for (Registration registration : registrations) {
            if (registration.type.isAssignableFrom(type) || type.isAssignableFrom(registration.type)) {
                return true;
            }
        }
        return false;
    }

    /** Number of current registrations. */
    public int listenerCount() {
        return registrations.length;
    }

    /** How many times a listener has thrown since this bus was created. */
    public long listenerFailures() {
        return listenerFailures.get();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void deliver(Registration registration, SreEvent event) {
        try {
            ((SreEventListener) registration.listener).onEvent(event);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable failure) {
            listenerFailures.incrementAndGet();
            if (registration.failures.getAndIncrement() == 0) {
                LOG.warn("SRE event listener {} failed on {}; it stays subscribed and other listeners are unaffected "
                        + "(further failures of this listener are logged at DEBUG)", registration.listener,
                        event.getClass().getSimpleName(), REDACTOR.redact(failure));
            } else {
                LOG.debug("SRE event listener {} failed again on {}", registration.listener, event.getClass().getSimpleName(),
                        REDACTOR.redact(failure));
            }
        }
    }

    private synchronized boolean removeIf(java.util.function.Predicate<Registration> match) {
        Registration[] current = registrations;
        Registration[] kept = Arrays.stream(current).filter(match.negate()).toArray(Registration[]::new);
        if (kept.length == current.length) {
            return false;
        }
        registrations = kept.length == 0 ? NONE : kept;
        return true;
    }

    /** A handle on one registration; closing it unsubscribes. Closing twice is harmless. */
    public interface Subscription extends AutoCloseable {
        /** Unsubscribes this registration. */
        @Override
        void close();
    }

    private final class Registration implements Subscription {
        final Class<? extends SreEvent> type;
        final SreEventListener<?> listener;
        final AtomicLong failures = new AtomicLong();

        Registration(Class<? extends SreEvent> type, SreEventListener<?> listener) {
            this.type = type;
            this.listener = listener;
        }

        @Override
        public void close() {
            removeIf(r -> r == this);
        }
    }
}

package dev.agentsre.internal;

import dev.agentsre.event.SreEvent;
import dev.agentsre.event.SreEventBus;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes a component's events in the order of its transitions without running listeners under the
 * component's lock: the transition enqueues its event while it holds the lock, and after releasing it
 * calls {@link #drain()}, which publishes the queue on one thread at a time. When two threads race,
 * the one already draining publishes the other's events too (in order); nothing is lost or reordered.
 * An effect that must happen in the same order but outside the lock (a breaker forced open, which
 * publishes itself) can be queued as an action. Memory: the events waiting, at most the transitions
 * in flight.
 */
public final class OrderedEvents {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OrderedEvents.class);

    private final SreEventBus bus;
    private final Queue<Object> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    /** Publishing to {@code bus}. */
    public OrderedEvents(SreEventBus bus) {
        this.bus = Check.notNull("bus", bus);
    }

    /** Queues an event; call while holding the lock that orders the transitions. */
    public void enqueue(SreEvent event) {
        pending.add(event);
    }

    /** Queues an action to run in order with the events (outside the lock); call while holding it. */
    public void enqueue(Runnable action) {
        pending.add(action);
    }

    /** Publishes every queued event, unless another thread is already doing it. Call without holding the lock. */
    public void drain() {
        while (!pending.isEmpty() && draining.compareAndSet(false, true)) {
            try {
                Object next;
                while ((next = pending.poll()) != null) {
                    if (next instanceof Runnable action) {
                        run(action);
                    } else {
                        bus.publish((SreEvent) next);
                    }
                }
            } finally {
                draining.set(false);
            }
        }
    }

    private static void run(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException failure) {
            LOG.warn("an ordered action failed; the events after it are still published", failure);
        }
    }
}

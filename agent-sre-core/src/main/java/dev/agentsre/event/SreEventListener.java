package dev.agentsre.event;

/**
 * Receives events from an {@link SreEventBus}.
 *
 * <p>Listeners run synchronously on the thread that published the event, which is usually an
 * agent's own thread: keep them short and hand slow work (network calls, disk) to an executor.
 * A listener that throws is logged and skipped; it never breaks the publisher.
 *
 * @param <E> the event type this listener accepts
 */
@FunctionalInterface
public interface SreEventListener<E extends SreEvent> {

    /** Called once for every published event of the subscribed type. */
    void onEvent(E event);
}

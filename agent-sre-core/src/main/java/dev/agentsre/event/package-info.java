/**
 * The spine every component shares: the sealed {@link dev.agentsre.event.SreEvent} hierarchy,
 * {@link dev.agentsre.event.SreEventListener} and the synchronous {@link dev.agentsre.event.SreEventBus}.
 *
 * <p>Event types live here, grouped by the component that emits them (for example
 * {@link dev.agentsre.event.SloEvent}), so that the hierarchy can stay sealed and a
 * subscriber can switch over every kind of event.
 */
package dev.agentsre.event;

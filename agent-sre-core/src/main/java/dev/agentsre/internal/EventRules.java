package dev.agentsre.internal;

import dev.agentsre.event.SreEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable table of rules keyed by event type (a record or a sealed sub-interface), looked up
 * by an event's class without allocating: the matching rules of each concrete class are computed
 * once and cached. Shared by the alert mapping and the incident detection policy.
 *
 * @param <R> the rule type
 */
public final class EventRules<R> {

    private static final Object[] NONE = new Object[0];

    private final LinkedHashMap<Class<? extends SreEvent>, R> rules;
    private final ClassValue<Object[]> byClass = new ClassValue<>() {
        @Override
        protected Object[] computeValue(Class<?> type) {
            List<Object> matching = new ArrayList<>();
            for (Map.Entry<Class<? extends SreEvent>, R> rule : rules.entrySet()) {
                if (rule.getKey().isAssignableFrom(type)) {
                    matching.add(rule.getValue());
                }
            }
            return matching.isEmpty() ? NONE : matching.toArray();
        }
    };

    private EventRules(LinkedHashMap<Class<? extends SreEvent>, R> rules) {
        this.rules = rules;
    }

    /** No rules. */
    public static <R> EventRules<R> empty() {
        return new EventRules<>(new LinkedHashMap<>());
    }

    /** This table with {@code rule} for {@code type}, replacing a rule for exactly that type. */
    public EventRules<R> with(Class<? extends SreEvent> type, R rule) {
        Check.notNull("type", type);
        Check.notNull("rule", rule);
        LinkedHashMap<Class<? extends SreEvent>, R> next = new LinkedHashMap<>(rules);
        next.put(type, rule);
        return new EventRules<>(next);
    }

    /** This table without the rule for exactly {@code type}. */
    public EventRules<R> without(Class<? extends SreEvent> type) {
        LinkedHashMap<Class<? extends SreEvent>, R> next = new LinkedHashMap<>(rules);
        next.remove(type);
        return new EventRules<>(next);
    }

    /** The types with a rule, in registration order. */
    public List<Class<? extends SreEvent>> types() {
        return List.copyOf(rules.keySet());
    }

    /**
     * The rules whose type {@code eventClass} is, in registration order; an empty array when none. The
     * array is shared: do not modify it.
     */
    public Object[] rulesFor(Class<?> eventClass) {
        return byClass.get(eventClass);
    }
}

package dev.agentsre.incident;

import dev.agentsre.internal.Check;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A named, ordered list of {@link RunbookStep}s with the incident conditions it suits. Run it with
 * {@link Runbooks#start}. Immutable.
 *
 * @param id unique id, e.g. {@code restart-agent}
 * @param name a title
 * @param description what it is for
 * @param triggers incidents it suits (any one matches); empty: start it by hand
 * @param labels free labels (category, risk, ...)
 * @param steps the steps, in order (at least one; ids unique; GOTO targets exist)
 */
public record Runbook(String id, String name, String description, List<Trigger> triggers, Map<String, String> labels, List<RunbookStep> steps) {

    /** Steps per runbook at most. */
    public static final int MAX_STEPS = 500;

    /**
     * A condition under which the runbook suits an incident: it has a signal of {@code signal} (any
     * when null) and its severity is {@code severity} or worse (any when null).
     *
     * @param signal the signal type, or null
     * @param severity the least severity, or null
     */
    public record Trigger(SignalType signal, IncidentSeverity severity) {
        /** Whether {@code incident} meets the condition. */
        public boolean matches(Incident incident) {
            if (severity != null && severity.isWorseThan(incident.severity())) {
                return false;
            }
            if (signal == null) {
                return true;
            }
            for (IncidentSignal s : incident.signals()) {
                if (s.type() == signal) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Validates and copies. */
    public Runbook {
        Check.notBlank("runbook id", id);
        name = name == null || name.isBlank() ? id : name;
        description = description == null ? "" : description;
        triggers = List.copyOf(triggers);
        labels = Map.copyOf(labels);
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("runbook '" + id + "' has no steps");
        }
        if (steps.size() > MAX_STEPS) {
            throw new IllegalArgumentException("runbook '" + id + "' has " + steps.size() + " steps, more than " + MAX_STEPS);
        }
        Set<String> ids = new HashSet<>();
        for (RunbookStep step : steps) {
            if (!ids.add(step.id())) {
                throw new IllegalArgumentException("runbook '" + id + "': step id '" + step.id() + "' is used twice");
            }
        }
        for (int i = 0; i < steps.size(); i++) {
            RunbookStep step = steps.get(i);
            if (step.onFailure().kind() != RunbookStep.OnFailure.Kind.GOTO) {
                continue;
            }
            int target = -1;
            for (int j = 0; j < steps.size(); j++) {
                if (steps.get(j).id().equals(step.onFailure().gotoStep())) {
                    target = j;
                }
            }
            if (target < 0) {
                throw new IllegalArgumentException("runbook '" + id + "', step '" + step.id() + "': goto target '"
                        + step.onFailure().gotoStep() + "' is not a step");
            }
            if (target <= i) {
                throw new IllegalArgumentException("runbook '" + id + "', step '" + step.id() + "': goto target '"
                        + step.onFailure().gotoStep() + "' must come after the step (no loops)");
            }
        }
    }

    /** A runbook of these steps. */
    public static Runbook of(String id, String name, RunbookStep... steps) {
        return new Runbook(id, name, "", List.of(), Map.of(), List.of(steps));
    }

    /** The index of a step, or -1. */
    public int indexOf(String stepId) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).id().equals(stepId)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether it suits {@code incident}. */
    public boolean suits(Incident incident) {
        for (Trigger trigger : triggers) {
            if (trigger.matches(incident)) {
                return true;
            }
        }
        return false;
    }

    /** This runbook with another trigger. */
    public Runbook withTrigger(Trigger trigger) {
        List<Trigger> next = new ArrayList<>(triggers);
        next.add(Check.notNull("trigger", trigger));
        return new Runbook(id, name, description, next, labels, steps);
    }
}

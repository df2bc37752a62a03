package dev.agentsre.alert;

import dev.agentsre.internal.Check;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mutes alerts while a related, more important alert fires (Alertmanager's inhibition): a
 * <em>target</em> alert is inhibited while a firing <em>source</em> alert exists whose values of
 * every {@link #equal} label are the same as the target's (absent counts as equal to absent).
 * An alert that matches both the source and the target side cannot be inhibited by another alert
 * that also matches both, so two warnings never mute each other.
 *
 * <pre>{@code
 * InhibitRule.source("severity", "critical").target("severity", "warning").equal("agent_id", "slo")
 * }</pre>
 *
 * <p>Immutable: every method returns a new rule.
 */
public final class InhibitRule {

    private final List<Matcher> sourceMatchers;
    private final List<Matcher> targetMatchers;
    private final List<String> equal;

    private InhibitRule(List<Matcher> source, List<Matcher> target, List<String> equal) {
        this.sourceMatchers = List.copyOf(source);
        this.targetMatchers = List.copyOf(target);
        this.equal = List.copyOf(equal);
    }

    /** A rule whose source alerts have label {@code name} equal to {@code value}. */
    public static InhibitRule source(String name, String value) {
        return source(Matcher.equal(name, value));
    }

    /** A rule whose source alerts satisfy every matcher. */
    public static InhibitRule source(Matcher... matchers) {
        if (matchers.length == 0) {
            throw new IllegalArgumentException("an inhibit rule needs at least one source matcher");
        }
        return new InhibitRule(Arrays.asList(matchers), List.of(), List.of());
    }

    /** The targets: alerts with label {@code name} equal to {@code value}. */
    public InhibitRule target(String name, String value) {
        return target(Matcher.equal(name, value));
    }

    /** The targets: alerts satisfying every matcher. */
    public InhibitRule target(Matcher... matchers) {
        if (matchers.length == 0) {
            throw new IllegalArgumentException("an inhibit rule needs at least one target matcher");
        }
        return new InhibitRule(sourceMatchers, Arrays.asList(matchers), equal);
    }

    /** Labels whose values must be equal in source and target. */
    public InhibitRule equal(String... labels) {
        List<String> names = new ArrayList<>();
        for (String label : labels) {
            names.add(Check.notBlank("equal label", label));
        }
        return new InhibitRule(sourceMatchers, targetMatchers, names);
    }

    /** The source matchers. */
    public List<Matcher> sourceMatchers() {
        return sourceMatchers;
    }

    /** The target matchers. */
    public List<Matcher> targetMatchers() {
        return targetMatchers;
    }

    /** The labels that must be equal. */
    public List<String> equalLabels() {
        return equal;
    }

    boolean isSource(Alert alert) {
        return Matcher.all(sourceMatchers, alert);
    }

    boolean isTarget(Alert alert) {
        return !targetMatchers.isEmpty() && Matcher.all(targetMatchers, alert);
    }

    /** The values of the {@code equal} labels of {@code alert}, as one key. */
    String equalKey(Alert alert) {
        StringBuilder key = new StringBuilder();
        for (String label : equal) {
            String v = alert.label(label);
            key.append(v == null ? "" : v).append('\u00ff');
        }
        return key.toString();
    }

    @Override
    public String toString() {
        return "InhibitRule{source=" + sourceMatchers + ", target=" + targetMatchers + ", equal=" + equal + '}';
    }
}

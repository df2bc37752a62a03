package dev.agentsre.alert;

import dev.agentsre.internal.Check;
import java.util.Collection;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A condition on one label, as in Alertmanager: {@code name="value"}, {@code name!="value"},
 * {@code name=~"regex"}, {@code name!~"regex"}. Regular expressions are anchored (they must match
 * the whole value). An absent label has the value {@code ""}, so {@code team=""} matches alerts
 * without a {@code team} label. {@code severity} is matched against the alert's severity label.
 * Immutable.
 */
public final class Matcher {

    /** The four comparisons. */
    public enum Type {
        /** {@code =}. */
        EQUAL("="),
        /** {@code !=}. */
        NOT_EQUAL("!="),
        /** {@code =~}. */
        REGEX("=~"),
        /** {@code !~}. */
        NOT_REGEX("!~");

        private final String operator;

        Type(String operator) {
            this.operator = operator;
        }

        /** The operator as written: {@code =}, {@code !=}, {@code =~}, {@code !~}. */
        public String operator() {
            return operator;
        }
    }

    private static final Pattern PARSE = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"?(.*?)\"?\\s*");

    private final String name;
    private final Type type;
    private final String value;
    private final Pattern regex;

    private Matcher(String name, Type type, String value) {
        this.name = Check.notBlank("matcher label name", name);
        this.type = type;
        this.value = Check.notNull("matcher value", value);
        if (type == Type.REGEX || type == Type.NOT_REGEX) {
            try {
                this.regex = Pattern.compile("^(?:" + value + ")$");
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("matcher on '" + name + "': not a regular expression: '" + value + "'", e);
            }
        } else {
            this.regex = null;
        }
    }

    /** {@code name="value"}. */
    public static Matcher equal(String name, String value) {
        return new Matcher(name, Type.EQUAL, value);
    }

    /** {@code name!="value"}. */
    public static Matcher notEqual(String name, String value) {
        return new Matcher(name, Type.NOT_EQUAL, value);
    }

    /** {@code name=~"regex"}. */
    public static Matcher regex(String name, String regex) {
        return new Matcher(name, Type.REGEX, regex);
    }

    /** {@code name!~"regex"}. */
    public static Matcher notRegex(String name, String regex) {
        return new Matcher(name, Type.NOT_REGEX, regex);
    }

    /**
     * Parses Alertmanager's matcher syntax, e.g. {@code severity="critical"} or
     * {@code agent_id=~"research-.*"} (quotes optional).
     *
     * @throws IllegalArgumentException naming the text when it is not a matcher
     */
    public static Matcher parse(String text) {
        java.util.regex.Matcher m = PARSE.matcher(Check.notNull("matcher", text));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a matcher (name=\"value\", name!=\"value\", name=~\"re\", name!~\"re\"): '" + text + "'");
        }
        String op = m.group(2);
        Type type = op.equals("=") ? Type.EQUAL : op.equals("!=") ? Type.NOT_EQUAL : op.equals("=~") ? Type.REGEX : Type.NOT_REGEX;
        return new Matcher(m.group(1), type, m.group(3));
    }

    /** Whether {@code alert} satisfies this matcher. */
    public boolean matches(Alert alert) {
        return matchesValue(alert.label(name));
    }

    /** Whether a label value (null = absent) satisfies this matcher. */
    public boolean matchesValue(String labelValue) {
        String v = labelValue == null ? "" : labelValue;
        switch (type) {
            case EQUAL:
                return v.equals(value);
            case NOT_EQUAL:
                return !v.equals(value);
            case REGEX:
                return regex.matcher(v).matches();
            default:
                return !regex.matcher(v).matches();
        }
    }

    /** Whether {@code alert} satisfies every matcher of {@code matchers} (true when empty). */
    public static boolean all(Collection<Matcher> matchers, Alert alert) {
        for (Matcher matcher : matchers) {
            if (!matcher.matches(alert)) {
                return false;
            }
        }
        return true;
    }

    /** The label name. */
    public String name() {
        return name;
    }

    /** The comparison. */
    public Type type() {
        return type;
    }

    /** The value or regular expression. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matcher && ((Matcher) o).name.equals(name) && ((Matcher) o).type == type && ((Matcher) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + type.hashCode() * 17 + value.hashCode();
    }

    /** Alertmanager syntax, e.g. {@code severity="critical"}. */
    @Override
    public String toString() {
        return name + type.operator + '"' + value + '"';
    }
}

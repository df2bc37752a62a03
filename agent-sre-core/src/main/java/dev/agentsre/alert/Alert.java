package dev.agentsre.alert;

import dev.agentsre.internal.Check;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An alert: a set of labels that identifies it ({@code alertname} required), annotations that
 * describe it, a {@link Severity}, and when it started and (for a resolved alert, or one that
 * expires by itself) ended. Immutable.
 *
 * <pre>{@code
 * Alert alert = Alert.builder("SloBurnRate")
 *         .label("agent_id", "code-reviewer").label("slo", "code-reviewer-reliability")
 *         .severity(Severity.CRITICAL)
 *         .annotation("summary", "burn rate 14.6x over 1h and 5m")
 *         .build();
 * }</pre>
 *
 * <p><b>Identity.</b> Two alerts with the same labels are the same alert. Its {@link #fingerprint()}
 * is the Prometheus label-set fingerprint (FNV-1a 64 over the labels sorted by name, each written
 * as {@code name 0xFF value 0xFF} in UTF-8) of every label except {@code severity}. Severity is
 * deliberately left out of the identity, unlike in Prometheus: an alert whose severity rises from
 * warning to critical stays the same alert (same PagerDuty dedup key, same group), so the rise is
 * an <em>escalation</em> of one alert rather than a second alert. Matchers, routes, inhibition
 * rules and payloads still see it as the label {@code severity}.
 *
 * <p>Label names follow Prometheus ({@code [a-zA-Z_][a-zA-Z0-9_]*}); values may be any non-null
 * string.
 */
public final class Alert {

    /** The label holding the alert's name. */
    public static final String ALERTNAME = "alertname";
    /** The label under which {@link #severity()} is visible to matchers and payloads. */
    public static final String SEVERITY = "severity";
    /** Annotation conventionally holding a one-line summary. */
    public static final String SUMMARY = "summary";
    /** Annotation conventionally holding a longer description. */
    public static final String DESCRIPTION = "description";

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final Map<String, String> labels;
    private final Map<String, String> annotations;
    private final Severity severity;
    private final Instant startsAt;
    private final Instant endsAt;
    private final String generatorUrl;
    private final long fingerprint;

    private Alert(Map<String, String> labels, Map<String, String> annotations, Severity severity, Instant startsAt, Instant endsAt,
                  String generatorUrl, long fingerprint) {
        this.labels = labels;
        this.annotations = annotations;
        this.severity = severity;
        this.startsAt = startsAt;
        this.endsAt = endsAt;
        this.generatorUrl = generatorUrl;
        this.fingerprint = fingerprint;
    }

    /** Starts an alert called {@code alertname}. */
    public static Builder builder(String alertname) {
        return new Builder(alertname);
    }

    /**
     * The Prometheus fingerprint of {@code labels} (a {@code severity} entry is ignored, see the class
     * comment): the same number Prometheus and Alertmanager compute for that label set.
     */
    public static long fingerprintOf(Map<String, String> labels) {
        Check.notNull("labels", labels);
        Map<String, String> sorted = labels instanceof SortedMap && ((SortedMap<String, String>) labels).comparator() == null ? labels
                : new TreeMap<>(labels);
        long hash = FNV_OFFSET;
        for (Map.Entry<String, String> label : sorted.entrySet()) {
            if (SEVERITY.equals(label.getKey())) {
                continue;
            }
            hash = fnv(hash, label.getKey());
            hash = (hash ^ 0xFF) * FNV_PRIME;
            hash = fnv(hash, label.getValue());
            hash = (hash ^ 0xFF) * FNV_PRIME;
        }
        return hash;
    }

    /** A fingerprint as Alertmanager prints it: 16 lower-case hexadecimal digits. */
    public static String hex(long fingerprint) {
        String hex = Long.toHexString(fingerprint);
        return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    }

    /**
     * The fingerprint of the labels given as name/value pairs already sorted by name (a null value is
     * left out, as {@link Builder#label} does; no {@code severity}), computed without building a map:
     * for the mapping's rules, which recognise an alert that fires again before building it. Equal to
     * {@link #fingerprintOf(Map)} of the same labels.
     */
    static long fingerprintOfSorted(String n1, String v1, String n2, String v2, String n3, String v3, String n4, String v4) {
        long hash = label(FNV_OFFSET, n1, v1);
        hash = label(hash, n2, v2);
        hash = label(hash, n3, v3);
        return label(hash, n4, v4);
    }

    private static long label(long hash, String name, String value) {
        if (value == null) {
            return hash;
        }
        hash = (fnv(hash, name) ^ 0xFF) * FNV_PRIME;
        return (fnv(hash, value) ^ 0xFF) * FNV_PRIME;
    }

    /**
     * FNV-1a over the UTF-8 encoding of {@code text}, encoded on the fly (no byte array): what
     * {@code text.getBytes(UTF_8)} gives, an unpaired surrogate included (encoded as {@code '?'}).
     */
    private static long fnv(long hash, String text) {
        long h = hash;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                h = (h ^ c) * FNV_PRIME;
            } else if (c < 0x800) {
                h = (h ^ (0xC0 | (c >> 6))) * FNV_PRIME;
                h = (h ^ (0x80 | (c & 0x3F))) * FNV_PRIME;
            } else if (Character.isSurrogate(c)) {
                char low = i + 1 < n ? text.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low)) {
                    int cp = Character.toCodePoint(c, low);
                    h = (h ^ (0xF0 | (cp >> 18))) * FNV_PRIME;
                    h = (h ^ (0x80 | ((cp >> 12) & 0x3F))) * FNV_PRIME;
                    h = (h ^ (0x80 | ((cp >> 6) & 0x3F))) * FNV_PRIME;
                    h = (h ^ (0x80 | (cp & 0x3F))) * FNV_PRIME;
                    i++;
                } else {
                    h = (h ^ '?') * FNV_PRIME; // what the JDK's encoder writes for a malformed surrogate
                }
            } else {
                h = (h ^ (0xE0 | (c >> 12))) * FNV_PRIME;
                h = (h ^ (0x80 | ((c >> 6) & 0x3F))) * FNV_PRIME;
                h = (h ^ (0x80 | (c & 0x3F))) * FNV_PRIME;
            }
        }
        return h;
    }

    /** The value of {@code alertname}. */
    public String name() {
        return labels.get(ALERTNAME);
    }

    /** The identifying labels, sorted by name ({@code severity} is not among them, see {@link #label}). */
    public Map<String, String> labels() {
        return labels;
    }

    /** The identifying labels plus {@code severity}, sorted by name: what payloads and matchers see. */
    public Map<String, String> labelsWithSeverity() {
        TreeMap<String, String> all = new TreeMap<>(labels);
        all.put(SEVERITY, severity.label());
        return Collections.unmodifiableMap(all);
    }

    /** The value of a label, {@code severity} included; null when absent. */
    public String label(String name) {
        return SEVERITY.equals(name) ? severity.label() : labels.get(name);
    }

    /** The annotations, sorted by name. */
    public Map<String, String> annotations() {
        return annotations;
    }

    /** An annotation, or null. */
    public String annotation(String name) {
        return annotations.get(name);
    }

    /** How urgent the alert is. */
    public Severity severity() {
        return severity;
    }

    /** When the alert started firing; null until it is fired (the manager stamps it). */
    public Instant startsAt() {
        return startsAt;
    }

    /** When it ended or will end by itself; null while it fires until resolved. */
    public Instant endsAt() {
        return endsAt;
    }

    /** A link to what produced the alert, or null. */
    public String generatorUrl() {
        return generatorUrl;
    }

    /** The label-set fingerprint (identity). */
    public long fingerprint() {
        return fingerprint;
    }

    /** {@link #fingerprint()} as 16 hexadecimal digits. */
    public String fingerprintHex() {
        return hex(fingerprint);
    }

    /** Whether the alert has ended at {@code now}. */
    public boolean isResolvedAt(Instant now) {
        return endsAt != null && !endsAt.isAfter(now);
    }

    /** This alert starting at {@code startsAt}. */
    public Alert withStartsAt(Instant startsAt) {
        return new Alert(labels, annotations, severity, startsAt, endsAt, generatorUrl, fingerprint);
    }

    /** This alert ending at {@code endsAt} (null: firing until resolved). */
    public Alert withEndsAt(Instant endsAt) {
        return new Alert(labels, annotations, severity, startsAt, endsAt, generatorUrl, fingerprint);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Alert)) {
            return false;
        }
        Alert other = (Alert) o;
        return labels.equals(other.labels) && annotations.equals(other.annotations) && severity == other.severity
                && Objects.equals(startsAt, other.startsAt) && Objects.equals(endsAt, other.endsAt)
                && Objects.equals(generatorUrl, other.generatorUrl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(labels, annotations, severity, startsAt, endsAt);
    }

    @Override
    public String toString() {
        return "Alert" + labels + "{severity=" + severity.label() + ", fingerprint=" + fingerprintHex()
                + (endsAt == null ? "" : ", endsAt=" + endsAt) + '}';
    }

    /** Builder for {@link Alert}. */
    public static final class Builder {
        private final TreeMap<String, String> labels = new TreeMap<>();
        private final TreeMap<String, String> annotations = new TreeMap<>();
        private Severity severity = Severity.WARNING;
        private Instant startsAt;
        private Instant endsAt;
        private String generatorUrl;

        private Builder(String alertname) {
            labels.put(ALERTNAME, Check.notBlank(ALERTNAME, alertname));
        }

        /**
         * Adds a label; a null value is left out. {@code label("severity", "critical")} sets the
         * severity (see {@link Severity#parse}).
         *
         * @throws IllegalArgumentException for a name that is not a Prometheus label name
         */
        public Builder label(String name, String value) {
            if (name == null || !LABEL_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("label name must match [a-zA-Z_][a-zA-Z0-9_]*, got "
                        + (name == null ? "null" : "'" + name + "'"));
            }
            if (value == null) {
                return this;
            }
            if (SEVERITY.equals(name)) {
                severity = Severity.parse(value);
            } else if (ALERTNAME.equals(name)) {
                labels.put(ALERTNAME, Check.notBlank(ALERTNAME, value));
            } else {
                labels.put(name, value);
            }
            return this;
        }

        /** Adds every label of {@code labels}. */
        public Builder labels(Map<String, String> labels) {
            Check.notNull("labels", labels).forEach(this::label);
            return this;
        }

        /** Adds an annotation; a null value is left out. */
        public Builder annotation(String name, String value) {
            Check.notBlank("annotation name", name);
            if (value != null) {
                annotations.put(name, value);
            }
            return this;
        }

        /** The severity (default WARNING). */
        public Builder severity(Severity severity) {
            this.severity = Check.notNull("severity", severity);
            return this;
        }

        /** When it started (default: when it is fired). */
        public Builder startsAt(Instant startsAt) {
            this.startsAt = startsAt;
            return this;
        }

        /** When it ends by itself (default: never; it fires until resolved). */
        public Builder endsAt(Instant endsAt) {
            this.endsAt = endsAt;
            return this;
        }

        /** A link to what produced it. */
        public Builder generatorUrl(String url) {
            this.generatorUrl = url;
            return this;
        }

        /** Builds the alert. */
        public Alert build() {
            if (startsAt != null && endsAt != null && endsAt.isBefore(startsAt)) {
                throw new IllegalArgumentException("endsAt must not be before startsAt (" + startsAt + "), got " + endsAt);
            }
            SortedMap<String, String> l = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
            Map<String, String> a = annotations.isEmpty() ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
            return new Alert(l, a, severity, startsAt, endsAt, generatorUrl, fingerprintOf(l));
        }
    }
}

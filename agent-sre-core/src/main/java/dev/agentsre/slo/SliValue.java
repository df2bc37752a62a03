package dev.agentsre.slo;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One indicator value: a raw sample or an aggregate produced by {@link Sli#collect()}. Immutable.
 * {@link #isGood()} was decided against the indicator's target and {@link Comparison} when the
 * value was made.
 */
public final class SliValue {

    private final double value;
    private final Instant timestamp;
    private final boolean good;
    private final Map<String, Object> metadata;

    SliValue(double value, Instant timestamp, boolean good, Map<String, Object> metadata) {
        this.value = value;
        this.timestamp = timestamp;
        this.good = good;
        this.metadata = metadata;
    }

    /** The measured value. */
    public double value() {
        return value;
    }

    /** When it was measured. */
    public Instant timestamp() {
        return timestamp;
    }

    /** Whether the value meets the indicator's target. */
    public boolean isGood() {
        return good;
    }

    /** Metadata recorded with the sample (unmodifiable, possibly empty). */
    public Map<String, Object> metadata() {
        return metadata;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SliValue)) {
            return false;
        }
        SliValue other = (SliValue) o;
        return Double.compare(value, other.value) == 0 && good == other.good
                && timestamp.equals(other.timestamp) && metadata.equals(other.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, timestamp, good, metadata);
    }

    @Override
    public String toString() {
        return "SliValue{value=" + value + ", good=" + good + ", at=" + timestamp
                + (metadata.isEmpty() ? "" : ", metadata=" + metadata) + '}';
    }
}

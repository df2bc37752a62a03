package dev.agentsre.anomaly;

import dev.agentsre.internal.CachedMillisClock;
import dev.agentsre.internal.Check;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * Immutable configuration of a {@link RogueAgentDetector}; build with {@link #builder()}.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code frequencyWindow}</td><td>60 s</td><td>width of the aligned buckets tool calls are counted in</td></tr>
 *   <tr><td>{@code frequencyZThreshold}</td><td>2.5</td><td>z-score of the current bucket against the baseline that flags a spike</td></tr>
 *   <tr><td>{@code baselineBuckets}</td><td>30</td><td>the baseline is an EWMA over about this many buckets</td></tr>
 *   <tr><td>{@code frequencyWarmupBuckets}</td><td>3</td><td>completed buckets before frequency is scored</td></tr>
 *   <tr><td>{@code frequencyNoiseFloor}</td><td>0.10</td><td>the baseline's deviation is at least this share of its mean</td></tr>
 *   <tr><td>{@code entropyWindow}</td><td>20</td><td>the last W actions entropy, repeats and cycles are measured over</td></tr>
 *   <tr><td>{@code entropyLowThreshold}</td><td>0.3 bits</td><td>below: repetitive (possible loop)</td></tr>
 *   <tr><td>{@code entropyHighThreshold}</td><td>3.5 bits</td><td>above: chaotic (possible compromise)</td></tr>
 *   <tr><td>{@code repeatThreshold}</td><td>10</td><td>the same tool with the same arguments this often in the window is a loop</td></tr>
 *   <tr><td>{@code cycleRepeats}</td><td>4</td><td>a cycle of 2-4 tools repeated this often is a loop</td></tr>
 *   <tr><td>{@code violationWindow}</td><td>60 s</td><td>capability violations older than this fade out</td></tr>
 *   <tr><td>{@code deniedTools}</td><td>none</td><td>tools whose use outside a profile is immediately HIGH (e.g. {@code shell_exec})</td></tr>
 *   <tr><td>{@code quarantineRiskLevel}</td><td>HIGH</td><td>risk at which an agent is quarantined</td></tr>
 *   <tr><td>{@code enforcement}</td><td>ENFORCE</td><td>whether the pipeline refuses tool calls outside a registered
 *       profile (or on the denied list) before they run, or only scores them ({@link Enforcement})</td></tr>
 *   <tr><td>{@code autoReleaseAfter}</td><td>off</td><td>a quarantined agent calm (below the quarantine level) this long is released</td></tr>
 *   <tr><td>{@code maxAgents}</td><td>{@value #DEFAULT_MAX_AGENTS}</td><td>agents tracked; the least recently active go first, a quarantined one never</td></tr>
 *   <tr><td>{@code historySize}</td><td>{@value #DEFAULT_HISTORY_SIZE}</td><td>assessments kept per agent in the hash chain</td></tr>
 *   <tr><td>{@code maxHistoryBytes}</td><td>{@value #DEFAULT_MAX_HISTORY_BYTES} (16 MiB)</td><td>assessments kept by the whole detector, in bytes; the oldest go first</td></tr>
 *   <tr><td>{@code maxCapabilityProfiles}</td><td>{@value #DEFAULT_MAX_CAPABILITY_PROFILES}</td><td>capability profiles registered (never evicted: that would lift them)</td></tr>
 * </table>
 *
 * <p>Durations are kept in milliseconds: each must be between 1 ms and 100 years. Invalid settings
 * are an {@link IllegalArgumentException} naming the setting and the value, from {@link Builder#build()}.
 */
public final class RogueDetectorConfig {

    /** Default cap on tracked agents. */
    public static final int DEFAULT_MAX_AGENTS = 10_000;
    /** Default number of assessments kept per agent. */
    public static final int DEFAULT_HISTORY_SIZE = 100;
    /** Default budget, in bytes, of the assessments the whole detector keeps: 16 MiB. */
    public static final long DEFAULT_MAX_HISTORY_BYTES = 16L * 1024 * 1024;
    /** Default cap on registered capability profiles. */
    public static final int DEFAULT_MAX_CAPABILITY_PROFILES = 10_000;

    final Duration frequencyWindow;
    final double frequencyZThreshold;
    final int baselineBuckets;
    final int frequencyWarmupBuckets;
    final double frequencyNoiseFloor;
    final int entropyWindow;
    final double entropyLowThreshold;
    final double entropyHighThreshold;
    final int repeatThreshold;
    final int cycleRepeats;
    final Duration violationWindow;
    final Set<String> deniedTools;
    final RiskLevel quarantineRiskLevel;
    final Enforcement enforcement;
    final Duration autoReleaseAfter;
    final int maxAgents;
    final int historySize;
    final long maxHistoryBytes;
    final int maxCapabilityProfiles;
    final Clock clock;

    private RogueDetectorConfig(Builder b) {
        this.frequencyWindow = Check.millis("frequencyWindow", b.frequencyWindow);
        this.frequencyZThreshold = Check.positive("frequencyZThreshold", b.frequencyZThreshold);
        this.baselineBuckets = Check.positive("baselineBuckets", b.baselineBuckets);
        this.frequencyWarmupBuckets = Check.positive("frequencyWarmupBuckets", b.frequencyWarmupBuckets);
        this.frequencyNoiseFloor = Check.nonNegative("frequencyNoiseFloor", b.frequencyNoiseFloor);
        this.entropyWindow = Check.positive("entropyWindow", b.entropyWindow);
        if (entropyWindow < 4 || entropyWindow > 4096) {
            throw new IllegalArgumentException("entropyWindow must be in [4, 4096], got " + entropyWindow);
        }
        this.entropyLowThreshold = Check.nonNegative("entropyLowThreshold", b.entropyLowThreshold);
        this.entropyHighThreshold = Check.positive("entropyHighThreshold", b.entropyHighThreshold);
        if (entropyHighThreshold <= entropyLowThreshold) {
            throw new IllegalArgumentException("entropyHighThreshold must be > entropyLowThreshold (" + entropyLowThreshold
                    + "), got " + entropyHighThreshold);
        }
        this.repeatThreshold = Check.positive("repeatThreshold", b.repeatThreshold);
        if (repeatThreshold > entropyWindow) {
            throw new IllegalArgumentException("repeatThreshold must be <= entropyWindow (" + entropyWindow + "), got " + repeatThreshold);
        }
        this.cycleRepeats = Check.positive("cycleRepeats", b.cycleRepeats);
        if (cycleRepeats < 2) {
            throw new IllegalArgumentException("cycleRepeats must be >= 2, got " + cycleRepeats);
        }
        this.violationWindow = Check.millis("violationWindow", b.violationWindow);
        for (String tool : b.deniedTools) {
            Check.notBlank("deniedTools element", tool);
        }
        this.deniedTools = Set.copyOf(b.deniedTools);
        this.quarantineRiskLevel = Check.notNull("quarantineRiskLevel", b.quarantineRiskLevel);
        this.enforcement = Check.notNull("enforcement", b.enforcement);
        this.autoReleaseAfter = b.autoReleaseAfter == null ? null : Check.millis("autoReleaseAfter", b.autoReleaseAfter);
        this.maxAgents = Check.positive("maxAgents", b.maxAgents);
        this.historySize = Check.positive("historySize", b.historySize);
        this.maxHistoryBytes = Check.positive("maxHistoryBytes", b.maxHistoryBytes);
        this.maxCapabilityProfiles = Check.positive("maxCapabilityProfiles", b.maxCapabilityProfiles);
        this.clock = Check.notNull("clock", b.clock);
    }

    /** Starts a builder with every setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default configuration. */
    public static RogueDetectorConfig ofDefaults() {
        return builder().build();
    }

    /** Width of the frequency buckets. */
    public Duration frequencyWindow() {
        return frequencyWindow;
    }

    /** z-score that flags a frequency spike. */
    public double frequencyZThreshold() {
        return frequencyZThreshold;
    }

    /** Actions entropy, repeats and cycles are measured over. */
    public int entropyWindow() {
        return entropyWindow;
    }

    /** Risk at which an agent is quarantined. */
    public RiskLevel quarantineRiskLevel() {
        return quarantineRiskLevel;
    }

    /** Whether capability profiles are enforced on the pipeline's tool calls or only scored. */
    public Enforcement enforcement() {
        return enforcement;
    }

    /** Cap on tracked agents. */
    public int maxAgents() {
        return maxAgents;
    }

    /** Assessments kept per agent. */
    public int historySize() {
        return historySize;
    }

    /** Budget, in bytes, of the assessments the whole detector keeps. */
    public long maxHistoryBytes() {
        return maxHistoryBytes;
    }

    /** Cap on registered capability profiles. */
    public int maxCapabilityProfiles() {
        return maxCapabilityProfiles;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    /** Builder for {@link RogueDetectorConfig}. */
    public static final class Builder {
        private Duration frequencyWindow = Duration.ofSeconds(60);
        private double frequencyZThreshold = 2.5;
        private int baselineBuckets = 30;
        private int frequencyWarmupBuckets = 3;
        private double frequencyNoiseFloor = 0.10;
        private int entropyWindow = 20;
        private double entropyLowThreshold = 0.3;
        private double entropyHighThreshold = 3.5;
        private int repeatThreshold = 10;
        private int cycleRepeats = 4;
        private Duration violationWindow = Duration.ofSeconds(60);
        private Set<String> deniedTools = Set.of();
        private RiskLevel quarantineRiskLevel = RiskLevel.HIGH;
        private Enforcement enforcement = Enforcement.ENFORCE;
        private Duration autoReleaseAfter;
        private int maxAgents = DEFAULT_MAX_AGENTS;
        private int historySize = DEFAULT_HISTORY_SIZE;
        private long maxHistoryBytes = DEFAULT_MAX_HISTORY_BYTES;
        private int maxCapabilityProfiles = DEFAULT_MAX_CAPABILITY_PROFILES;
        private Clock clock = CachedMillisClock.UTC;

        private Builder() {
        }

        /** Width of the aligned buckets tool calls are counted in. */
        public Builder frequencyWindow(Duration window) {
            this.frequencyWindow = window;
            return this;
        }

        /** z-score of the current bucket that flags a spike. */
        public Builder frequencyZThreshold(double z) {
            this.frequencyZThreshold = z;
            return this;
        }

        /** Buckets the frequency baseline averages over (EWMA). */
        public Builder baselineBuckets(int buckets) {
            this.baselineBuckets = buckets;
            return this;
        }

        /** Completed buckets before frequency is scored. */
        public Builder frequencyWarmupBuckets(int buckets) {
            this.frequencyWarmupBuckets = buckets;
            return this;
        }

        /** Minimum deviation of the baseline as a share of its mean. */
        public Builder frequencyNoiseFloor(double share) {
            this.frequencyNoiseFloor = share;
            return this;
        }

        /** The last W actions entropy, repeats and cycles are measured over. */
        public Builder entropyWindow(int actions) {
            this.entropyWindow = actions;
            return this;
        }

        /** Entropy (bits) below which actions are repetitive. */
        public Builder entropyLowThreshold(double bits) {
            this.entropyLowThreshold = bits;
            return this;
        }

        /** Entropy (bits) above which actions are chaotic. */
        public Builder entropyHighThreshold(double bits) {
            this.entropyHighThreshold = bits;
            return this;
        }

        /** Identical calls in the window that make a loop. */
        public Builder repeatThreshold(int calls) {
            this.repeatThreshold = calls;
            return this;
        }

        /** Repetitions of a 2-4 tool cycle that make a loop. */
        public Builder cycleRepeats(int repeats) {
            this.cycleRepeats = repeats;
            return this;
        }

        /** How long a capability violation counts. */
        public Builder violationWindow(Duration window) {
            this.violationWindow = window;
            return this;
        }

        /** Tools whose use outside a profile is immediately HIGH (none may be null or blank). */
        public Builder deniedTools(Set<String> tools) {
            this.deniedTools = Check.notNull("deniedTools", tools);
            return this;
        }

        /** Risk at which an agent is quarantined. */
        public Builder quarantineRiskLevel(RiskLevel level) {
            this.quarantineRiskLevel = level;
            return this;
        }

        /**
         * {@link Enforcement#ENFORCE} (the default): the pipeline refuses a tool outside a registered
         * profile before it runs; {@link Enforcement#OBSERVE}: it runs and is only scored.
         */
        public Builder enforcement(Enforcement enforcement) {
            this.enforcement = enforcement;
            return this;
        }

        /** Release a quarantined agent after this long below the quarantine level; {@code null} to keep it until released. */
        public Builder autoReleaseAfter(Duration calmPeriod) {
            this.autoReleaseAfter = calmPeriod;
            return this;
        }

        /** Cap on tracked agents. */
        public Builder maxAgents(int maxAgents) {
            this.maxAgents = maxAgents;
            return this;
        }

        /** Assessments kept per agent (default {@value RogueDetectorConfig#DEFAULT_HISTORY_SIZE}). */
        public Builder historySize(int records) {
            this.historySize = records;
            return this;
        }

        /**
         * Budget, in bytes, of the assessments the whole detector keeps (default 16 MiB); the oldest are
         * dropped first, whichever agent they belong to.
         */
        public Builder maxHistoryBytes(long bytes) {
            this.maxHistoryBytes = bytes;
            return this;
        }

        /** Cap on registered capability profiles (default {@value RogueDetectorConfig#DEFAULT_MAX_CAPABILITY_PROFILES}). */
        public Builder maxCapabilityProfiles(int profiles) {
            this.maxCapabilityProfiles = profiles;
            return this;
        }

        /** The clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Validates and builds. */
        public RogueDetectorConfig build() {
            return new RogueDetectorConfig(this);
        }
    }
}

package dev.agentsre.anomaly;

import dev.agentsre.internal.Combiner;
import dev.agentsre.internal.LongIntCounter;
import dev.agentsre.internal.stats.EwmaBaseline;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What the detector knows about one agent: the frequency baseline, the window of its last W
 * actions with running counts (for entropy, and for repeats and cycles of calls recorded without a
 * task), the strongest recent loop evidence of its tasks (repeats and cycles of calls recorded with
 * a task are judged per task, in a {@link TaskWindow}), recent capability violations, quarantine
 * state and its assessment chain. Every update is O(1). Guarded by {@link #turn}, the agent's lock,
 * held only for these few arithmetic updates, never while other code runs; an action that finds it
 * busy is applied by its holder instead of queueing on it.
 *
 * <p>Memory: about 40 bytes per window slot plus {@value #MAX_TOOLS} tool counters and access judgements and
 * {@value #MAX_VIOLATIONS} violation timestamps (about 5.8 KiB with the default window, measured with its
 * tool map, its hand-over lock and its cached scores), plus its
 * records in the detector's {@link AssessmentHistory} (bounded for the whole detector).
 */
final class AgentBehaviour {

    static final int MAX_TOOLS = 256;
    static final int MAX_VIOLATIONS = 64;
    private static final int OTHER_TOOL = MAX_TOOLS - 1;
    private static final int MAX_PERIOD = 4;

    final String agentId;
    /**
     * The agent's lock: every update of this state holds it. Actions that find it busy are handed to
     * the holder instead of queueing ({@link Combiner}).
     */
    final Combiner<RogueAgentDetector.Action> turn;
    /** The action the lock's holder records its own action in (nothing allocated uncontended); under the lock only. */
    final RogueAgentDetector.Action ownAction = new RogueAgentDetector.Action();
    private final RogueDetectorConfig config;
    private final long windowMillis;
    private final long violationMillis;
    private final double[] cLogC; // c * log2(c) for c in 0..W
    private final double log2Window; // log2(W): the entropy of W distinct actions, computed once

    volatile Set<String> allowedTools;
    long lastActivityMillis;
    long recordedActions;

    // frequency
    private final EwmaBaseline baseline;
    private long bucketIndex = Long.MIN_VALUE;
    /** The current bucket's times, [start, end): most calls fall in it and need no division. */
    private long bucketStart = Long.MAX_VALUE;
    private long bucketEnd = Long.MIN_VALUE;
    private long bucketCount;
    private long completedBuckets;
    /** A bucket count below this cannot score: a bound set as the baseline changes (see {@link #quiet}). */
    private long frequencyQuietBelow = Long.MAX_VALUE;

    // the last W actions
    private final Map<String, Integer> toolIds = new HashMap<>();
    private final String[] toolNames = new String[MAX_TOOLS];
    private final int[] toolRing;
    private final long[] keyRing;
    private int head;
    private int filled;
    private final int[] toolCounts = new int[MAX_TOOLS];
    private int distinctTools;
    private double sumCLogC;
    // Repeats. Each key of the window is counted in a bucket of its hash: a key's count is at most
    // its bucket's, so while no bucket reaches repeatThreshold no key does, and an action costs two
    // array writes (a hash map of exact counts was a quarter of an action). Only while a bucket is
    // at the threshold (a loop, rarely a collision) are the exact counts taken from the window.
    private final int[] keyBuckets;
    private final int keyBucketMask;
    private int hotBuckets; // buckets at or above repeatThreshold
    private final LongIntCounter keyCounts; // the exact counts, rebuilt by repeats(); under the lock only
    private final int[] runs = new int[MAX_PERIOD + 1];
    private final int[] cycleNeeded = new int[MAX_PERIOD + 1]; // the run of period p that is a cycle
    // The entropy signal is 0 while sumCLogC is within these (set once; see quiet()).
    private final double entropyQuietMin;
    private final double entropyQuietMax;
    private final double[] scratch = new double[Signal.values().length]; // used under the lock only
    // The scores of the last scores() call, by Signal ordinal, and their immutable map (reused while unchanged).
    private final double[] lastScoreValues = new double[Signal.values().length];
    private Map<Signal, Double> lastScores;
    /** The reasons of an assessment being made; cleared before use, under the lock only. */
    final List<String> reasonScratch = new ArrayList<>();

    // loops judged per task: the strongest recent evidence
    private long taskCallSequence;
    private double taskLoopScore;
    private long taskLoopAt = Long.MIN_VALUE;
    private String taskLoopTool;
    private String taskLoopTaskId;
    private int taskLoopRepeats;
    private int taskLoopCyclePeriod;
    private int taskLoopCycleRepeats;

    // capability
    /** Whether each tool id is allowed, outside the profile or denied, for the profile {@link #accessFor}; 0: not judged yet. */
    private final byte[] toolAccess = new byte[MAX_TOOLS];
    private Set<String> accessFor;
    private static final byte ALLOWED = 1;
    private static final byte OUTSIDE = 2;
    private static final byte DENIED = 3;
    private final long[] violationTimes = new long[MAX_VIOLATIONS];
    private final String[] violationTools = new String[MAX_VIOLATIONS];
    private int violationHead;
    /** The latest violation's time: none newer than the window means a score of 0 without the scan. */
    private long lastViolationAt = Long.MIN_VALUE;
    private long deniedToolUsedAt = Long.MIN_VALUE;
    private String deniedToolName;

    // quarantine and history
    /** Written under the lock; volatile so that a pipeline's check on every call can read it without the lock. */
    volatile boolean quarantined;
    /** Whether this JVM's quarantine was written to the detector's shared flag store (so a clear there releases it here). */
    volatile boolean quarantineShared;
    long calmSince = Long.MIN_VALUE;
    /** Its assessment chain; guarded by the detector's {@link AssessmentHistory}. */
    final ArrayDeque<AssessmentHistory.Node> history = new ArrayDeque<>();
    String lastHash = RogueAgentDetector.GENESIS;
    /** Evicted from the detector: updates must go to the agent's new entry. Guarded by the lock. */
    boolean retired;

    /** Retires this behaviour for eviction unless it is quarantined (evicting it would release the agent). */
    boolean tryRetire() {
        turn.lock();
        try {
            if (quarantined) {
                return false;
            }
            retired = true;
            return true;
        } finally {
            turn.unlock();
        }
    }

    AgentBehaviour(String agentId, RogueDetectorConfig config, long now,
                   BiConsumer<AgentBehaviour, RogueAgentDetector.Action> apply) {
        this.agentId = agentId;
        this.turn = new Combiner<>(action -> apply.accept(this, action));
        this.config = config;
        this.windowMillis = config.frequencyWindow.toMillis();
        this.violationMillis = config.violationWindow.toMillis();
        int w = config.entropyWindow;
        this.toolRing = new int[w];
        this.keyRing = new long[w];
        this.keyCounts = new LongIntCounter(w);
        this.keyBuckets = new int[Math.max(16, Integer.highestOneBit(w - 1) << 1)]; // at least W: a chance collision is rare
        this.keyBucketMask = keyBuckets.length - 1;
        this.cLogC = new double[w + 1];
        this.log2Window = Math.log(w) / Math.log(2);
        for (int c = 2; c <= w; c++) {
            cLogC[c] = c * (Math.log(c) / Math.log(2));
        }
        for (int p = 2; p <= MAX_PERIOD; p++) {
            cycleNeeded[p] = p * (config.cycleRepeats - 1);
        }
        // entropy = log2(W) - sumCLogC / W is within [low, high] when sumCLogC is within these, with a
        // margin far above the rounding of that subtraction, so "quiet" never hides a score.
        double margin = 1e-6 * w;
        this.entropyQuietMin = w * (log2Window - config.entropyHighThreshold) + margin;
        this.entropyQuietMax = w * (log2Window - config.entropyLowThreshold) - margin;
        this.baseline = new EwmaBaseline(2.0 / (config.baselineBuckets + 1), config.frequencyNoiseFloor, 1.0);
        this.lastActivityMillis = now;
    }

    /**
     * Records one action of a task: it counts for frequency and entropy like any action, but repeats
     * and cycles are judged in the task's own {@code window} (the agent-wide window gets a key no
     * other call shares, so calls of separate tasks never look like a loop). Returns whether it was a
     * capability violation.
     */
    boolean recordInTask(RogueAgentDetector.TaskActions task, String tool, long argumentsHash, long at) {
        long key = argumentsHash * 0x9E3779B97F4A7C15L + toolId(tool);
        double score = 0;
        TaskWindow window = task.window;
        if (window == null) {
            if (!task.hasFirst) { // a single call is never a loop: keep its key, make the window on the second
                task.hasFirst = true;
                task.firstKey = key;
            } else {
                window = new TaskWindow(config.entropyWindow, task.firstKey);
                task.window = window;
            }
        }
        String taskId = task.taskId();
        if (window != null) {
            score = window.record(key, config);
        }
        if (score > 0 && (score >= taskLoopScore || at - taskLoopAt >= violationMillis)) {
            taskLoopScore = score;
            taskLoopAt = at;
            taskLoopTool = tool;
            taskLoopTaskId = taskId;
            taskLoopRepeats = window.lastRepeats; // score > 0 implies a window
            taskLoopCyclePeriod = window.lastCyclePeriod;
            taskLoopCycleRepeats = window.lastCycleRepeats;
        }
        // A key of its own in the agent-wide window: only calls without a task make agent-wide loops.
        return record(tool, 0x5BD1E995L ^ ++taskCallSequence, at, true);
    }

    /** Records one action; returns whether it was a capability violation. */
    boolean record(String tool, long argumentsHash, long at) {
        return record(tool, argumentsHash, at, false);
    }

    private boolean record(String tool, long argumentsHash, long at, boolean uniqueKey) {
        recordedActions++;
        lastActivityMillis = Math.max(lastActivityMillis, at);
        countForFrequency(at);
        int toolId = toolId(tool);
        long key = uniqueKey ? Long.MIN_VALUE | argumentsHash : argumentsHash * 0x9E3779B97F4A7C15L + toolId;
        int w = toolRing.length;
        if (filled == w) {
            forget(toolRing[head], keyRing[head]);
        } else {
            filled++;
        }
        // cycles: does this call (tool and arguments) repeat the one p actions back? A workflow that
        // runs the same tools on fresh arguments is work, not a loop; the same calls again are.
        // (Indexes wrap by a compare, not %: a division per period was a tenth of an action's cost.)
        for (int p = 2; p <= MAX_PERIOD; p++) {
            int back = head - p;
            runs[p] = filled > p && keyRing[back < 0 ? back + w : back] == key ? runs[p] + 1 : 0;
        }
        toolRing[head] = toolId;
        keyRing[head] = key;
        head = head + 1 == w ? 0 : head + 1;
        remember(toolId, key);
        return checkCapability(tool, toolId, at);
    }

    /**
     * Forgets the recent actions (the entropy/repeat/cycle window, the current frequency window and
     * the capability violations) but keeps the long-term frequency baseline: after a release the
     * agent is judged on what it does next, not re-quarantined for the loop that got it quarantined.
     */
    void forgetRecentActions() {
        while (filled > 0) {
            int oldest = oldestSlot();
            forget(toolRing[oldest], keyRing[oldest]);
            filled--;
        }
        java.util.Arrays.fill(runs, 0);
        bucketCount = 0;
        java.util.Arrays.fill(violationTools, null);
        taskLoopScore = 0;
        taskLoopAt = Long.MIN_VALUE;
        deniedToolUsedAt = Long.MIN_VALUE;
        deniedToolName = null;
    }

    private void countForFrequency(long at) {
        if (at >= bucketEnd) { // a later bucket, or the first call (a division only here)
            long index = Math.floorDiv(at, windowMillis);
            if (bucketIndex == Long.MIN_VALUE) {
                moveToBucket(index);
            } else if (index > bucketIndex) {
                baseline.add(bucketCount);
                completedBuckets++;
                // Idle buckets are buckets of zero calls (the original skipped them).
                long idle = Math.min(index - bucketIndex - 1, 2L * config.baselineBuckets);
                for (long i = 0; i < idle; i++) {
                    baseline.add(0);
                    completedBuckets++;
                }
                moveToBucket(index);
                bucketCount = 0;
            }
        }
        bucketCount++; // a late (out-of-order) call counts in the current bucket
    }

    private void moveToBucket(long index) {
        bucketIndex = index;
        bucketStart = index * windowMillis;
        bucketEnd = bucketStart > Long.MAX_VALUE - windowMillis ? Long.MAX_VALUE : bucketStart + windowMillis;
        // score(c) = (c - mean) / std reaches the threshold only at c >= mean + z * std; one count of
        // margin below that covers the rounding, so "quiet" never hides a score.
        frequencyQuietBelow = completedBuckets < config.frequencyWarmupBuckets ? Long.MAX_VALUE
                : Math.max(0, (long) Math.floor(baseline.mean() + config.frequencyZThreshold * baseline.flooredStd()) - 1);
    }

    private int toolId(String tool) {
        Integer id = toolIds.get(tool);
        if (id != null) {
            return id;
        }
        if (toolIds.size() >= OTHER_TOOL) {
            toolNames[OTHER_TOOL] = "(other tools)";
            return OTHER_TOOL;
        }
        int next = toolIds.size();
        toolIds.put(tool, next);
        toolNames[next] = tool;
        return next;
    }

    private void remember(int toolId, long key) {
        int c = toolCounts[toolId]++;
        if (c == 0) {
            distinctTools++;
        }
        sumCLogC += cLogC[c + 1] - cLogC[c];
        if (++keyBuckets[keyBucket(key)] == config.repeatThreshold) {
            hotBuckets++;
        }
    }

    private void forget(int toolId, long key) {
        int c = toolCounts[toolId]--;
        if (c == 1) {
            distinctTools--;
        }
        sumCLogC += cLogC[c - 1] - cLogC[c];
        if (keyBuckets[keyBucket(key)]-- == config.repeatThreshold) {
            hotBuckets--;
        }
    }

    private boolean checkCapability(String tool, int toolId, long at) {
        Set<String> profile = allowedTools;
        if (profile != accessFor) { // a new profile: judge every tool again
            java.util.Arrays.fill(toolAccess, (byte) 0);
            accessFor = profile;
        }
        // Judged once per tool and profile (two set lookups were a tenth of an action); the shared
        // id of tools past the cap is judged every time.
        byte access = toolAccess[toolId];
        if (access == 0) {
            boolean onDeniedList = config.deniedTools.contains(tool);
            boolean outsideProfile = profile != null ? !profile.contains(tool) : onDeniedList;
            access = !outsideProfile ? ALLOWED : onDeniedList ? DENIED : OUTSIDE;
            if (toolId != OTHER_TOOL) {
                toolAccess[toolId] = access;
            }
        }
        if (access == ALLOWED) {
            return false;
        }
        boolean denied = access == DENIED;
        lastViolationAt = Math.max(lastViolationAt, at);
        violationTimes[violationHead] = at;
        violationTools[violationHead] = tool;
        violationHead = (violationHead + 1) % MAX_VIOLATIONS;
        if (denied) {
            deniedToolUsedAt = at;
            deniedToolName = tool;
        }
        return true;
    }

    /**
     * Whether every signal scores 0 at {@code now}, told by a few compares against bounds kept as the
     * state changes: the check run on every action, so that a calm agent's action computes no scores.
     * False when a signal may score (then {@link #risk} computes them); never true when one does.
     */
    boolean quiet(long now) {
        if (bucketCount >= frequencyQuietBelow || hotBuckets > 0) {
            return false;
        }
        if (filled == toolRing.length && (sumCLogC < entropyQuietMin || sumCLogC > entropyQuietMax)) {
            return false;
        }
        if (taskLoopScore > 0 && now - taskLoopAt < violationMillis) {
            return false;
        }
        for (int p = 2; p <= MAX_PERIOD; p++) {
            if (runs[p] >= cycleNeeded[p]) {
                return false;
            }
        }
        long oldest = now - violationMillis;
        return lastViolationAt <= oldest && deniedToolUsedAt <= oldest;
    }

    /**
     * The combined risk at {@code now} without building reasons or maps: the allocation-free check
     * run on an action when {@link #quiet} cannot rule a score out. Uses {@link #combine}.
     */
    double risk(long now) {
        scratch[0] = frequencyScore(now, null);
        scratch[1] = entropyScore(null);
        scratch[2] = loopScore(now, null);
        scratch[3] = capabilityScore(now, null);
        return combine(scratch);
    }

    /** Risk = strongest signal + 0.15 per other signal at 0.4 or more, capped at 1. */
    static double combine(double[] scores) {
        double max = 0;
        int strong = 0;
        for (double s : scores) {
            max = Math.max(max, s);
            if (s >= RiskLevel.MEDIUM.minimumScore()) {
                strong++;
            }
        }
        return Math.min(1.0, max + 0.15 * Math.max(0, strong - 1));
    }

    /**
     * Every signal's score at {@code now} (an immutable map), with reasons when {@code reasons} is not
     * null; {@link #lastRisk()} then combines them. The map of the previous call is returned again
     * when no score changed (a calm agent's assessments share one), so an assessment boxes nothing.
     */
    Map<Signal, Double> scores(long now, List<String> reasons) {
        double frequency = frequencyScore(now, reasons);
        double entropy = entropyScore(reasons);
        double loop = loopScore(now, reasons);
        double capability = capabilityScore(now, reasons);
        boolean changed = changed(0, frequency) | changed(1, entropy) | changed(2, loop) | changed(3, capability); // all four recorded
        if (changed || lastScores == null) {
            lastScores = Map.of(Signal.FREQUENCY, frequency, Signal.ENTROPY, entropy, Signal.LOOP, loop, Signal.CAPABILITY, capability);
        }
        return lastScores;
    }

    /** The combined risk of the scores the last {@link #scores} call returned. */
    double lastRisk() {
        return combine(lastScoreValues);
    }

    // Records the score and says whether it differs (bit for bit) from the last one.
    private boolean changed(int signal, double score) {
        boolean changed = Double.doubleToRawLongBits(lastScoreValues[signal]) != Double.doubleToRawLongBits(score);
        lastScoreValues[signal] = score;
        return changed;
    }

    private double frequencyScore(long now, List<String> reasons) {
        if (completedBuckets < config.frequencyWarmupBuckets || now < bucketStart || now >= bucketEnd) {
            return 0;
        }
        double z = baseline.score(bucketCount);
        if (z < config.frequencyZThreshold) {
            return 0;
        }
        if (reasons != null) {
            reasons.add(String.format("%d tool calls in the current %ds window against a baseline of %.0f ± %.0f (z = %.1f)",
                    bucketCount, windowMillis / 1000, baseline.mean(), baseline.flooredStd(), z));
        }
        return Math.min(0.65, 0.5 + 0.15 * (z - config.frequencyZThreshold) / config.frequencyZThreshold);
    }

    private double entropyScore(List<String> reasons) {
        int w = toolRing.length;
        if (filled < w) {
            return 0;
        }
        double entropy = Math.max(0, log2Window - sumCLogC / w);
        double low = config.entropyLowThreshold;
        double high = config.entropyHighThreshold;
        if (entropy < low) {
            if (reasons != null) {
                reasons.add(String.format("action entropy %.2f bits over the last %d actions (%d distinct tools): repetitive, possible loop",
                        entropy, w, distinctTools));
            }
            return Math.min(0.65, 0.5 + 0.15 * (low - entropy) / Math.max(low, 1e-9));
        }
        if (entropy > high) {
            if (reasons != null) {
                reasons.add(String.format("action entropy %.2f bits over the last %d actions (%d distinct tools): chaotic, possible compromise",
                        entropy, w, distinctTools));
            }
            double room = Math.max(1e-9, log2Window - high);
            return Math.min(0.65, 0.5 + 0.15 * (entropy - high) / room);
        }
        return 0;
    }

    private double loopScore(long now, List<String> reasons) {
        int w = toolRing.length;
        double score = 0;
        if (taskLoopScore > 0 && now - taskLoopAt < violationMillis) {
            score = taskLoopScore;
            if (reasons != null) {
                reasons.add(taskLoopCyclePeriod > 0
                        ? String.format("task '%s': a cycle of %d calls repeated %d times, ending with %s", taskLoopTaskId,
                                taskLoopCyclePeriod, taskLoopCycleRepeats, taskLoopTool)
                        : String.format("task '%s': %s called %d times in its last %d calls with the same arguments", taskLoopTaskId,
                                taskLoopTool, taskLoopRepeats, w));
            }
        }
        int maxKeyCount = hotBuckets == 0 ? 0 : repeats();
        if (maxKeyCount >= config.repeatThreshold) {
            score = Math.max(score, Math.min(0.8, 0.6 + 0.2 * (maxKeyCount - config.repeatThreshold) / Math.max(1, w - config.repeatThreshold)));
            if (reasons != null) {
                reasons.add(String.format("%s called %d times in the last %d actions with the same arguments",
                        mostRepeatedTool(maxKeyCount), maxKeyCount, Math.min(filled, w)));
            }
        }
        for (int p = 2; p <= MAX_PERIOD; p++) {
            if (runs[p] >= cycleNeeded[p] && TaskWindow.lastKeysDistinct(keyRing, head, p)) {
                double repeats = 1 + (double) runs[p] / p;
                score = Math.max(score, Math.min(0.8, 0.55 + 0.05 * (repeats - config.cycleRepeats)));
                if (reasons != null) {
                    reasons.add(String.format("cycle %s repeated %.0f times", cycle(p), Math.floor(repeats)));
                }
                break;
            }
        }
        return score;
    }

    /**
     * The highest count of one key in the window, counted exactly (O(W)) over the keys whose bucket
     * is at the threshold: no other key can reach it. Below the threshold it may say less than the
     * true highest count, which nothing reads. Leaves those keys' counts in {@link #keyCounts}.
     */
    private int repeats() {
        keyCounts.clear();
        int w = toolRing.length;
        int max = 0;
        for (int n = 0, i = oldestSlot(); n < filled; n++, i = i + 1 == w ? 0 : i + 1) {
            long key = keyRing[i];
            if (keyBuckets[keyBucket(key)] >= config.repeatThreshold) {
                max = Math.max(max, keyCounts.increment(key));
            }
        }
        return max;
    }

    /** The ring slot of the oldest action in the window (after a release the window does not start at slot 0). */
    private int oldestSlot() {
        int w = toolRing.length;
        return (head - filled + w) % w;
    }

    private int keyBucket(long key) {
        return LongIntCounter.mix(key) & keyBucketMask;
    }

    // For the reason text only (O(W)): the tool of a key that has the highest count.
    private String mostRepeatedTool(int maxKeyCount) {
        int w = toolRing.length;
        for (int n = 0, i = oldestSlot(); n < filled; n++, i = i + 1 == w ? 0 : i + 1) {
            if (keyCounts.get(keyRing[i]) == maxKeyCount) { // keyCounts as repeats() left them
                return toolNames[toolRing[i]];
            }
        }
        return "(unknown)";
    }

    private String cycle(int p) {
        int w = toolRing.length;
        List<String> tools = new ArrayList<>();
        for (int i = p; i >= 1; i--) {
            tools.add(toolNames[toolRing[(head - i + w) % w]]);
        }
        return String.join(" → ", tools);
    }

    private double capabilityScore(long now, List<String> reasons) {
        long oldest = now - violationMillis;
        if (lastViolationAt <= oldest && deniedToolUsedAt <= oldest) {
            return 0; // no violation in the window (the usual case): no scan
        }
        int count = 0;
        Set<String> tools = reasons == null ? null : new LinkedHashSet<>();
        for (int i = 0; i < MAX_VIOLATIONS; i++) {
            if (violationTools[i] != null && violationTimes[i] > oldest) {
                count++;
                if (tools != null) {
                    tools.add(violationTools[i]);
                }
            }
        }
        boolean denied = deniedToolUsedAt > oldest;
        if (count == 0 && !denied) {
            return 0;
        }
        double score = Math.min(1.0, 0.4 + 0.1 * count);
        if (denied) {
            score = Math.max(score, 0.7);
        }
        if (reasons != null) {
            Set<String> profile = allowedTools;
            for (String tool : tools) {
                reasons.add(profile == null ? tool + " is a denied tool and " + agentId + " has no profile allowing it"
                        : tool + " is not in the profile of " + agentId);
            }
            if (count > 1) {
                reasons.add(count + " capability violations in the last " + violationMillis / 1000 + "s");
            }
            if (denied) {
                reasons.add(deniedToolName + " is on the denied list: HIGH risk at once");
            }
        }
        return score;
    }
}

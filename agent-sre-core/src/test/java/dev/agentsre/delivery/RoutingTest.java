package dev.agentsre.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoutingTest {

    private static final long SEED = Routing.seed("support-bot-v4");

    /** Issue 17: 100,000 keys at 5 % -> 25 % -> 50 %: shares within +-0.5 points; every key in at 5 % is still in at 25 % (and 50 %). */
    @Test
    void sharesOf100000KeysAreWithinHalfAPointAtEveryWeightAndEveryCanaryKeyStaysIn() {
        AgentRollout<String, String> rollout = AgentRollout.<String, String>builder("support-bot-v4").agent("support-bot")
                .baseline("v3", AgentVersion.of(q -> "a")).candidate("v4", AgentVersion.of(q -> "b"))
                .steps(RolloutStep.canary(0.05).duration("1h"), RolloutStep.canary(0.25).duration("1h"), RolloutStep.canary(0.50).duration("1h"))
                .build();
        rollout.start();
        int keys = 100_000;
        double[] weights = {0.05, 0.25, 0.50};
        BitSet previous = null;
        for (double weight : weights) {
            assertThat(rollout.status().weight()).isEqualTo(weight);
            BitSet in = new BitSet(keys);
            for (int i = 0; i < keys; i++) {
                if (rollout.route("session-" + i) == Variant.CANDIDATE) {
                    in.set(i);
                }
            }
            double share = (double) in.cardinality() / keys;
            assertThat(share).as("share at %s", weight).isCloseTo(weight, org.assertj.core.data.Offset.offset(0.005));
            if (previous != null) {
                BitSet lost = (BitSet) previous.clone();
                lost.andNot(in);
                assertThat(lost.cardinality()).as("keys that left the canary when it grew to %s", weight).isZero();
            }
            previous = in;
            if (weight < 0.5) {
                rollout.promote();
            }
        }
    }

    @Test
    void theBucketDependsOnlyOnTheSaltAndTheKey() {
        assertThat(Routing.bucket(Routing.seed("a"), "k")).isEqualTo(Routing.bucket(Routing.seed("a"), "k"));
        assertThat(Routing.bucket(Routing.seed("a"), "k")).isNotEqualTo(Routing.bucket(Routing.seed("b"), "k"));
        assertThat(Routing.bucket(SEED, "k")).isBetween(0L, Long.MAX_VALUE);
        // A fixed vector: the bucket must never change between versions, or every session would move.
        assertThat(Routing.bucket(Routing.seed("support-bot-v4"), "session-42")).isEqualTo(6_905_910_628_863_936_056L);
    }

    @Test
    void encodesUtf8LikeTheJdkIncludingSurrogatePairsAndLoneSurrogates() {
        Random random = new Random(3);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder key = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                switch (random.nextInt(5)) {
                    case 0 -> key.append((char) random.nextInt(0x80));
                    case 1 -> key.append((char) (0x80 + random.nextInt(0x780)));
                    case 2 -> key.append((char) (0x800 + random.nextInt(0xD000)));
                    case 3 -> key.appendCodePoint(0x10000 + random.nextInt(0xFFFFF));
                    default -> key.append((char) (0xD800 + random.nextInt(0x800))); // a lone surrogate
                }
            }
            assertThat(Routing.bucket(SEED, key.toString())).as("key %s", key).isEqualTo(referenceBucket("support-bot-v4", key.toString()));
        }
    }

    @Test
    void thresholdsCoverNothingAtZeroAndEverythingAtOne() {
        assertThat(Routing.threshold(0)).isEqualTo(Routing.NONE);
        assertThat(Routing.threshold(1.0)).isEqualTo(Routing.ALL);
        assertThat(Routing.inside(Long.MAX_VALUE, Routing.ALL)).isTrue();
        assertThat(Routing.inside(0, Routing.NONE)).isFalse();
        assertThat(Routing.threshold(0.25)).isLessThan(Routing.threshold(0.2500001));
    }

    /** FNV-1a 64 over String.getBytes(UTF_8), then fmix64, then >>> 1: the documented definition. */
    private static long referenceBucket(String salt, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (salt + ":" + key).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h >>> 1;
    }
}

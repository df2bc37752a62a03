package dev.agentsre.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.internal.CanonicalJson;
import dev.agentsre.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: the assessment chain is hashed in one pass ({@link AssessmentHasher}) instead of a map,
 * five {@code String.format} calls, canonical JSON and a new digest. Chains written before must still
 * verify, so the bytes must be exactly the former ones: the former code is kept here as the oracle.
 */
class AssessmentHasherTest {

    /** The former hashOf, verbatim: the content as a map, written as canonical JSON, hashed with a new digest. */
    private static Map<String, Object> formerContent(String agentId, Instant at, RiskLevel level, double risk, Map<Signal, Double> scores,
                                                     boolean recommended, boolean quarantined, List<String> reasons, String previous) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("agentId", agentId);
        content.put("timestamp", at.toString());
        content.put("riskLevel", level.name());
        content.put("riskScore", String.format(Locale.ROOT, "%.9f", risk));
        Map<String, String> signals = new LinkedHashMap<>();
        scores.forEach((signal, score) -> signals.put(signal.name(), String.format(Locale.ROOT, "%.9f", score)));
        content.put("signals", signals);
        content.put("quarantineRecommended", recommended);
        content.put("quarantined", quarantined);
        content.put("reasons", reasons);
        content.put("previousHash", previous);
        return content;
    }

    private record Sample(String agentId, Instant at, RiskLevel level, double risk, Map<Signal, Double> scores, boolean recommended,
                          boolean quarantined, List<String> reasons, String previous) {

        byte[] formerBytes() {
            return CanonicalJson.write(formerContent(agentId, at, level, risk, scores, recommended, quarantined, reasons, previous))
                    .getBytes(StandardCharsets.UTF_8);
        }

        String formerHash() {
            return CanonicalJson.sha256(formerContent(agentId, at, level, risk, scores, recommended, quarantined, reasons, previous));
        }

        byte[] bytes() {
            return AssessmentHasher.canonicalBytes(agentId, at, level, risk, scores, recommended, quarantined, reasons, previous);
        }

        String hash() {
            return AssessmentHasher.hash(agentId, at, level, risk, scores, recommended, quarantined, reasons, previous);
        }
    }

    @Test
    void theBytesAndHashesAreTheFormerOnesOverManyRandomAssessments() {
        Random random = new Random(21);
        for (int i = 0; i < 20_000; i++) {
            Sample sample = randomSample(random);
            assertThat(new String(sample.bytes(), StandardCharsets.UTF_8)).as("sample %d: %s", i, sample)
                    .isEqualTo(new String(sample.formerBytes(), StandardCharsets.UTF_8));
            assertThat(sample.bytes()).as("sample %d", i).isEqualTo(sample.formerBytes());
            assertThat(sample.hash()).as("sample %d", i).isEqualTo(sample.formerHash());
        }
    }

    @Test
    void scoresAreFormattedAsLocaleRootPercentNineFEvenAtRoundingTies() {
        Random random = new Random(5);
        List<Double> values = new ArrayList<>(List.of(0.0, -0.0, 1.0, -1.0, 0.5, 0.65, 0.8, 0.15, 1e-10, -1e-10, 5e-10, 4.999999999e-10,
                0.9999999995, 0.99999999949, 0.1234567895, 0.0000000015, 1.0000000001, 2.5, 123456.789, 1e300, -1e300,
                Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Math.nextUp(1.0),
                Math.nextDown(1.0), Math.nextDown(0.5), Math.nextUp(0.5)));
        for (int i = 0; i < 20_000; i++) {
            long k = random.nextInt(1_000_000_000);
            values.add((k + 0.5) / 1e9); // the ties of the tenth decimal, as near as a double gets
            values.add(Math.nextUp((k + 0.5) / 1e9));
            values.add(Math.nextDown((k + 0.5) / 1e9));
            values.add(random.nextDouble());
            values.add(-random.nextDouble());
            values.add(Double.longBitsToDouble(random.nextLong()));
        }
        for (double value : values) {
            Map<Signal, Double> scores = Map.of(Signal.LOOP, value);
            Sample sample = new Sample("a", Instant.EPOCH, RiskLevel.LOW, value, scores, false, false, List.of(), "p");
            assertThat(new String(sample.bytes(), StandardCharsets.UTF_8)).as("%s (bits %x)", value, Double.doubleToRawLongBits(value))
                    .isEqualTo(new String(sample.formerBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void timestampsAreWrittenAsInstantToStringWrites() {
        Random random = new Random(8);
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(253_402_300_799L),
                Instant.ofEpochSecond(253_402_300_800L), Instant.ofEpochSecond(951_782_400L), Instant.ofEpochSecond(4_107_542_400L),
                Instant.MIN, Instant.MAX, Instant.parse("2026-06-01T10:00:00.001Z"), Instant.parse("2026-06-01T10:00:00.000001Z"),
                Instant.parse("2026-06-01T10:00:00.000000001Z"), Instant.parse("2024-02-29T23:59:59.999999999Z")));
        for (int i = 0; i < 20_000; i++) {
            instants.add(Instant.ofEpochMilli(random.nextLong() % 400_000_000_000_000L));
            instants.add(Instant.ofEpochSecond(random.nextInt() & Integer.MAX_VALUE, random.nextInt(1_000_000_000)));
        }
        for (Instant at : instants) {
            Sample sample = new Sample("a", at, RiskLevel.LOW, 0, Map.of(), false, false, List.of(), "p");
            assertThat(new String(sample.bytes(), StandardCharsets.UTF_8)).as("%s", at)
                    .isEqualTo(new String(sample.formerBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aChainWrittenByTheFormerHashStillVerifies() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-06-01T10:00:00Z"));
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock)
                .frequencyWindow(Duration.ofSeconds(60)).quarantineRiskLevel(RiskLevel.CRITICAL).build());
        List<RogueAssessment> former = new ArrayList<>();
        String previous = RogueAgentDetector.GENESIS;
        for (int round = 0; round < 6; round++) {
            for (int i = 0; i < 6; i++) {
                clock.advanceMillis(700);
                detector.recordAction("agent", "answer", i % 3 == 0 ? "create_ticket" : "search_kb", clock.instant(),
                        Map.of("q", round < 3 ? "refund policy " + i : "the same question")); // later rounds loop: reasons
            }
            RogueAssessment a = detector.assess("agent");
            assertThat(a.hash()).isEqualTo(CanonicalJson.sha256(formerContent(a.agentId(), a.timestamp(), a.riskLevel(), a.riskScore(),
                    new EnumMap<>(a.signals()), a.quarantineRecommended(), a.quarantined(), a.reasons(), a.previousHash())));
            String hash = CanonicalJson.sha256(formerContent(a.agentId(), a.timestamp(), a.riskLevel(), a.riskScore(), a.signals(),
                    a.quarantineRecommended(), a.quarantined(), a.reasons(), previous));
            former.add(new RogueAssessment(a.agentId(), a.timestamp(), a.riskLevel(), a.riskScore(), a.signals(), a.quarantineRecommended(),
                    a.quarantined(), a.reasons(), previous, hash));
            previous = hash;
        }
        assertThat(former.stream().anyMatch(a -> !a.reasons().isEmpty())).as("some assessments carry reasons").isTrue();
        assertThat(RogueAgentDetector.verifyChain(former)).isTrue();
        assertThat(detector.verifyChain("agent")).isTrue();
    }

    @Test
    void pooledHashersGiveEveryThreadTheRightHash() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    List<Sample> samples = new ArrayList<>();
                    List<String> expected = new ArrayList<>();
                    for (int i = 0; i < 300; i++) {
                        Sample sample = randomSample(random);
                        samples.add(sample);
                        expected.add(sample.formerHash());
                    }
                    start.await();
                    int matched = 0;
                    for (int round = 0; round < 5; round++) {
                        for (int i = 0; i < samples.size(); i++) {
                            if (samples.get(i).hash().equals(expected.get(i))) {
                                matched++;
                            }
                        }
                    }
                    return matched;
                }));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(5 * 300);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHasherAssessingAgainReusesTheSignalsAndSecondItRemembersOnlyWhenTheyAreTheSame() {
        Map<Signal, Double> calm = Map.of(Signal.FREQUENCY, 0.0, Signal.ENTROPY, 0.0, Signal.LOOP, 0.0, Signal.CAPABILITY, 0.0);
        Map<Signal, Double> looping = Map.of(Signal.FREQUENCY, 0.0, Signal.ENTROPY, 0.5, Signal.LOOP, 0.8, Signal.CAPABILITY, 0.0);
        Map<Signal, Double> mutable = new EnumMap<>(Signal.class);
        mutable.put(Signal.LOOP, 0.1);
        Instant second = Instant.parse("2026-12-01T10:00:00Z");
        List<Sample> sequence = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // same map, same second; then later seconds, a new map, a map changed in place
            sequence.add(new Sample("a", second.plusMillis(i * 7), RiskLevel.LOW, 0, calm, false, false, List.of(), "p" + i));
        }
        sequence.add(new Sample("a", second.plusSeconds(1), RiskLevel.LOW, 0, calm, false, false, List.of(), "p"));
        sequence.add(new Sample("a", second.plusSeconds(86_400 * 400L), RiskLevel.HIGH, 0.8, looping, true, true, List.of("loop"), "p"));
        sequence.add(new Sample("a", second.plusSeconds(86_400 * 400L), RiskLevel.HIGH, 0.8, looping, true, true, List.of("loop"), "q"));
        sequence.add(new Sample("a", second, RiskLevel.LOW, 0.1, mutable, false, false, List.of(), "p"));
        for (Sample sample : sequence) {
            assertThat(sample.hash()).as("%s", sample).isEqualTo(sample.formerHash());
        }
        mutable.put(Signal.LOOP, 0.3); // the same map object, changed: its bytes must be written anew
        Sample changed = new Sample("a", second, RiskLevel.LOW, 0.3, mutable, false, false, List.of(), "p");
        assertThat(changed.hash()).isEqualTo(changed.formerHash());
        assertThat(sequence.get(0).hash()).as("back to the first").isEqualTo(sequence.get(0).formerHash());
    }

    @Test
    void aHugeAssessmentIsHashedAndTheNextOneStillMatches() {
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            reasons.add("reason " + i + " é 漢 \uD83D\uDE00 \"quoted\"");
        }
        Sample huge = new Sample("agent", Instant.EPOCH, RiskLevel.HIGH, 0.75, Map.of(Signal.LOOP, 0.75), true, true, reasons, "p");
        assertThat(huge.hash()).isEqualTo(huge.formerHash());
        Sample small = new Sample("agent", Instant.EPOCH, RiskLevel.LOW, 0, Map.of(), false, false, List.of(), "p");
        assertThat(small.hash()).isEqualTo(small.formerHash());
    }

    private static Sample randomSample(Random random) {
        Map<Signal, Double> scores = new EnumMap<>(Signal.class);
        for (Signal signal : Signal.values()) {
            if (random.nextInt(8) > 0) {
                scores.put(signal, randomScore(random));
            }
        }
        int reasonCount = random.nextInt(4);
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < reasonCount; i++) {
            reasons.add(randomText(random));
        }
        Instant at = switch (random.nextInt(4)) {
            case 0 -> Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt(Integer.MAX_VALUE));
            case 1 -> Instant.ofEpochSecond(random.nextLong() % 300_000_000_000L, random.nextInt(1_000_000_000));
            case 2 -> Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE), random.nextInt(1000) * 1_000_000L);
            default -> Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE), random.nextInt(1_000_000) * 1000L);
        };
        return new Sample(random.nextInt(20) == 0 ? null : randomText(random), at, RiskLevel.values()[random.nextInt(RiskLevel.values().length)],
                randomScore(random), scores, random.nextBoolean(), random.nextBoolean(), reasons,
                random.nextInt(20) == 0 ? null : random.nextBoolean() ? RogueAgentDetector.GENESIS : randomText(random));
    }

    private static double randomScore(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> 0.0;
            case 1 -> random.nextDouble();
            case 2 -> (random.nextInt(1_000_000_000) + 0.5) / 1e9;
            case 3 -> Math.min(1.0, 0.5 + 0.15 * random.nextDouble() * 3);
            case 4 -> random.nextGaussian() * 1000;
            default -> new double[] {0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 1.0, -0.0, Double.NaN}[random.nextInt(10)];
        };
    }

    private static final String ALPHABET = "abcXYZ09 _-.:;'\"\\/\b\t\n\f\r\u0000\u0001\u001f\u007f\u0080é€漢\uD83D\uDE00\uD83D\uDE00\uD800\uDC00";

    private static String randomText(Random random) {
        int length = random.nextInt(40);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }
}

package dev.agentsre.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputComparatorTest {

    private static <R> VersionOutput<R> out(R value, ToolCall... calls) {
        return new VersionOutput<>("question", value, null, List.of(calls));
    }

    private static ToolCall call(String name, String arg) {
        return new ToolCall(name, JsonNodeFactory.instance.objectNode().put("id", arg));
    }

    @Test
    void exactAndNormalizedText() throws Exception {
        assertThat(OutputComparator.<String>exact().compare(out("a"), out("a"))).isEqualTo(OutputComparison.SAME);
        assertThat(OutputComparator.<String>exact().compare(out("a"), out("A")).match()).isFalse();
        assertThat(OutputComparator.<String>normalizedText().compare(out("Your  order\nshipped "), out("your order shipped")).match()).isTrue();
        // NFC: "é" composed vs e + combining acute
        assertThat(OutputComparator.<String>normalizedText().compare(out("caf\u00e9"), out("cafe\u0301")).match()).isTrue();
    }

    @Test
    void jsonIgnoresKeyOrderAndTheNamedFieldsAndScoresTheShareOfEqualLeaves() throws Exception {
        OutputComparator<Object> json = OutputComparator.json("requestId", "/meta/at");
        Map<String, Object> a = Map.of("answer", "yes", "amount", 1.0, "requestId", "r-1", "meta", Map.of("at", "t1", "model", "m"));
        Map<String, Object> b = Map.of("meta", Map.of("model", "m", "at", "t2"), "requestId", "r-2", "amount", 1.0000000000001, "answer", "yes");
        assertThat(json.compare(out(a), out(b))).isEqualTo(OutputComparison.SAME);
        Map<String, Object> c = Map.of("answer", "no", "amount", 1.0, "meta", Map.of("model", "m"), "extra", true);
        OutputComparison different = json.compare(out(a), out(c));
        assertThat(different.match()).isFalse();
        assertThat(different.similarity()).isEqualTo(2.0 / 4); // amount and meta/model equal; answer and extra differ
        assertThat(different.detail()).contains("/answer").contains("/extra");
    }

    @Test
    void trajectoryModes() throws Exception {
        ToolCall x = call("search", "1");
        ToolCall y = call("lookup", "2");
        ToolCall z = call("refund", "3");
        assertThat(compare(TrajectoryMatch.STRICT, List.of(x, y), List.of(x, y)).match()).isTrue();
        assertThat(compare(TrajectoryMatch.STRICT, List.of(x, y), List.of(y, x)).match()).isFalse();
        assertThat(compare(TrajectoryMatch.UNORDERED, List.of(x, y), List.of(y, x)).match()).isTrue();
        assertThat(compare(TrajectoryMatch.UNORDERED, List.of(x, y), List.of(y, x, x)).match()).isFalse();
        assertThat(compare(TrajectoryMatch.SUBSET, List.of(x, y), List.of(y)).match()).isTrue();
        assertThat(compare(TrajectoryMatch.SUBSET, List.of(x, y), List.of(y, z)).match()).isFalse();
        assertThat(compare(TrajectoryMatch.SUPERSET, List.of(x), List.of(x, z)).match()).isTrue();
        assertThat(compare(TrajectoryMatch.SUPERSET, List.of(x, y), List.of(x, z)).match()).isFalse();
        assertThat(compare(TrajectoryMatch.SUPERSET, List.of(x, y), List.of(x, z)).similarity()).isEqualTo(1.0 / 3);
        assertThat(compare(TrajectoryMatch.STRICT, List.of(x), List.of(call("search", "9"))).match()).as("arguments count").isFalse();
        assertThat(compare(TrajectoryMatch.STRICT, List.of(), List.of()).match()).isTrue();
    }

    private static OutputComparison compare(TrajectoryMatch mode, List<ToolCall> baseline, List<ToolCall> candidate) throws Exception {
        return OutputComparator.<String>trajectory(mode).compare(out("a", baseline.toArray(ToolCall[]::new)),
                out("b", candidate.toArray(ToolCall[]::new)));
    }

    @Test
    void aSimilarityFunctionAndItsThreshold() throws Exception {
        OutputComparator<String> lengthRatio = OutputComparator.similarity(
                (a, b) -> (double) Math.min(a.length(), b.length()) / Math.max(a.length(), b.length()), 0.8);
        assertThat(lengthRatio.compare(out("aaaa"), out("aaaaa")).match()).isTrue();
        assertThat(lengthRatio.compare(out("aa"), out("aaaaa")).similarity()).isEqualTo(0.4);
        OutputComparator<String> broken = OutputComparator.similarity((a, b) -> 1.5, 0.8);
        assertThatThrownBy(() -> broken.compare(out("a"), out("b"))).hasMessageContaining("[0, 1]");
    }

    @Test
    void aJudgeCountsOnlyVerdictsBothOrdersAgreeOn() throws Exception {
        // A fair judge that prefers the longer answer wherever it is shown.
        PairwiseJudge<String> longer = (q, first, second) -> first.length() == second.length() ? PairwiseJudge.Preference.TIE
                : first.length() > second.length() ? PairwiseJudge.Preference.FIRST : PairwiseJudge.Preference.SECOND;
        OutputComparator<String> judge = OutputComparator.judge(longer);
        assertThat(judge.compare(out("long answer"), out("short")).match()).as("baseline preferred in both orders").isFalse();
        assertThat(judge.compare(out("short"), out("long answer")).detail()).contains("candidate in both orders");
        assertThat(judge.compare(out("same"), out("same")).match()).isTrue();
        PairwiseJudge<String> alwaysSecond = (q, first, second) -> PairwiseJudge.Preference.SECOND;
        assertThat(OutputComparator.judge(alwaysSecond).compare(out("a"), out("b")).detail()).contains("a tie");
    }

    @Test
    void anOutputComparisonValidatesItsSimilarity() {
        assertThatThrownBy(() -> new OutputComparison(1.2, true, "")).hasMessageContaining("similarity");
    }
}

package dev.agentsre.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentsre.internal.CanonicalJson;
import dev.agentsre.internal.Check;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleBiFunction;

/**
 * Compares the candidate's output with the baseline's on the same request, in a shadow step. The
 * rollout calls it only when both runs returned (both failing counts as the same, one failing as
 * different), on the shadow executor, never on the caller's thread. A comparator that throws is a
 * measurement error: counted, never a failure of either version.
 *
 * <pre>{@code
 * OutputComparator.exact()                                 // equals()
 * OutputComparator.normalizedText()                        // NFC, whitespace collapsed, case folded
 * OutputComparator.json("requestId", "/meta/timestamp")    // structural JSON equality, fields ignored
 * OutputComparator.trajectory(TrajectoryMatch.UNORDERED)   // the tool calls, not the text
 * OutputComparator.similarity(embeddings::cosine, 0.85)    // your similarity in [0, 1]
 * OutputComparator.judge(llmJudge)                          // asked in both orders; disagreement is a tie
 * }</pre>
 *
 * @param <Res> the answer
 */
@FunctionalInterface
public interface OutputComparator<Res> {

    /** Compares {@code candidate} with {@code baseline}; both returned an answer. */
    OutputComparison compare(VersionOutput<Res> baseline, VersionOutput<Res> candidate) throws Exception;

    /** Equal by {@link Objects#equals}: similarity 1 or 0. */
    static <Res> OutputComparator<Res> exact() {
        return (baseline, candidate) -> Objects.deepEquals(baseline.value(), candidate.value())
                ? OutputComparison.SAME : OutputComparison.different("outputs differ");
    }

    /** Equal as text after Unicode NFC normalisation, collapsing whitespace and folding case. */
    static <Res> OutputComparator<Res> normalizedText() {
        return (baseline, candidate) -> normalize(baseline.value()).equals(normalize(candidate.value()))
                ? OutputComparison.SAME : OutputComparison.different("texts differ after normalisation");
    }

    /**
     * Structural JSON equality (key order ignored, numbers equal within 1e-9 relative), ignoring
     * {@code ignoredFields}: a name ignores that key at any depth, a JSON pointer ({@code /meta/id})
     * one path. Similarity is the share of leaf values (by path) that are equal; a match needs all.
     */
    static <Res> OutputComparator<Res> json(String... ignoredFields) {
        Set<String> ignored = Set.of(Check.notNull("ignoredFields", ignoredFields));
        return (baseline, candidate) -> {
            Map<String, JsonNode> a = Comparators.flatten(CanonicalJson.toTree(baseline.value()), ignored);
            Map<String, JsonNode> b = Comparators.flatten(CanonicalJson.toTree(candidate.value()), ignored);
            return Comparators.compareLeaves(a, b);
        };
    }

    /** Compares the tool calls (name and redacted arguments) in {@code mode}; similarity is their multiset Jaccard index. */
    static <Res> OutputComparator<Res> trajectory(TrajectoryMatch mode) {
        Check.notNull("mode", mode);
        return (baseline, candidate) -> Comparators.trajectory(mode, baseline.toolCalls(), candidate.toolCalls());
    }

    /**
     * Your similarity function (an embedding cosine, a ROUGE score): it must return a value in [0, 1];
     * a match is a similarity of at least {@code threshold}.
     */
    static <Res> OutputComparator<Res> similarity(ToDoubleBiFunction<? super Res, ? super Res> similarity, double threshold) {
        Check.notNull("similarity", similarity);
        Check.closedRange("threshold", threshold, 0, 1);
        return (baseline, candidate) -> {
            double s = similarity.applyAsDouble(baseline.value(), candidate.value());
            if (!(s >= 0 && s <= 1)) {
                throw new IllegalArgumentException("the similarity function must return a value in [0, 1], got " + s);
            }
            return new OutputComparison(s, s >= threshold, s >= threshold ? "" : "similarity " + s + " below " + threshold);
        };
    }

    /**
     * A pairwise judge asked in both orders, (baseline, candidate) and (candidate, baseline). The
     * candidate loses only when both orders prefer the baseline (similarity 0, no match); a win or any
     * disagreement — a tie — is similarity 1 and a match: "at least as good".
     */
    static <Res> OutputComparator<Res> judge(PairwiseJudge<? super Res> judge) {
        Check.notNull("judge", judge);
        return (baseline, candidate) -> {
            PairwiseJudge.Preference first = judge.judge(baseline.request(), baseline.value(), candidate.value());
            PairwiseJudge.Preference second = judge.judge(baseline.request(), candidate.value(), baseline.value());
            if (first == PairwiseJudge.Preference.FIRST && second == PairwiseJudge.Preference.SECOND) {
                return OutputComparison.different("the judge preferred the baseline in both orders");
            }
            if (first == PairwiseJudge.Preference.SECOND && second == PairwiseJudge.Preference.FIRST) {
                return new OutputComparison(1.0, true, "the judge preferred the candidate in both orders");
            }
            return new OutputComparison(1.0, true, first == second && first == PairwiseJudge.Preference.TIE ? "" : "the orders disagreed: a tie");
        };
    }

    private static String normalize(Object value) {
        String text = String.valueOf(value);
        return Normalizer.normalize(text, Normalizer.Form.NFC).replaceAll("\\s+", " ").trim().toLowerCase(Locale.ROOT);
    }
}

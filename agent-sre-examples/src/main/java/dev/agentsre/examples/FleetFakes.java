package dev.agentsre.examples;

import dev.agentsre.cost.TokenUsage;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.testing.ManualClock;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongPredicate;

/**
 * The fleet drill's fake model and tools: deterministic for a seed, no network. Every agent body
 * makes its calls through the {@link AgentCalls} it is handed — a pipeline task's context, a
 * rollout's metered calls, a capture or a replay — so the same body runs guarded, canaried,
 * recorded and replayed.
 */
final class FleetFakes {

    /** The model every agent shares, and the one the provider outage takes down. */
    static final String SHARED_MODEL = "gpt-4o-mini";
    /** The large model of the research agent's corpus reads and the runaway loop. */
    static final String LARGE_MODEL = "gpt-4o";
    /** Rounds the looping agent would run before giving up, unguarded. */
    static final int LOOP_ROUNDS = 100;
    /** Tokens the looping agent's conversation grows by each round. */
    static final long LOOP_CONTEXT_GROWTH = 30_000;

    private final SplittableRandom random;
    private final ManualClock clock;
    private final LongPredicate sharedModelDown;
    private final long startMillis;
    int liveCalls;

    /**
     * @param sharedModelDown whether the shared model fails, by minute since {@code clock}'s time now
     */
    FleetFakes(SplittableRandom random, ManualClock clock, LongPredicate sharedModelDown) {
        this.random = random;
        this.clock = clock;
        this.sharedModelDown = sharedModelDown;
        this.startMillis = clock.millis();
    }

    /**
     * One ordinary task: a search, a model call, and now and then an answer that fails validation.
     *
     * @param invalidShare the share of answers that fail validation
     */
    String task(AgentCalls calls, String model, TokenUsage usage, double invalidShare) throws Exception {
        String query = "topic-" + random.nextInt(1_000_000);
        String found = calls.tool("search", Map.of("q", query), () -> search(query));
        String answer = calls.llm(model, Map.of("prompt", found), () -> complete(model, found), reply -> usage);
        if (random.nextDouble() < invalidShare) {
            throw new IllegalStateException("answer failed validation");
        }
        return answer;
    }

    /** An ordinary task on the shared model, about 2,000 tokens in and 450 out. */
    String task(AgentCalls calls) throws Exception {
        return task(calls, SHARED_MODEL, TokenUsage.of(1_500 + random.nextInt(1_000), 300 + random.nextInt(300)), 0.002);
    }

    /** The research agent's task once it re-reads its 200K-token corpus with the large model every time ($0.52). */
    String readCorpus(AgentCalls calls) throws Exception {
        return task(calls, LARGE_MODEL, TokenUsage.of(200_000, 2_000), 0.002);
    }

    /** A triage of one ticket with a prompt version: short, on the shared model. */
    String triage(AgentCalls calls, String prompt, double invalidShare) throws Exception {
        String ticket = "ticket-" + random.nextInt(1_000_000);
        String found = calls.tool("lookup_ticket", Map.of("id", ticket), () -> search(ticket));
        String answer = calls.llm(SHARED_MODEL, Map.of("prompt", prompt, "ticket", found), () -> complete(SHARED_MODEL, found),
                reply -> TokenUsage.of(400 + random.nextInt(300), 60 + random.nextInt(60)));
        if (random.nextDouble() < invalidShare) {
            throw new IllegalStateException("answer failed validation");
        }
        return answer;
    }

    /**
     * The runaway loop: the agent never decides it is done. Each round it searches the same query
     * again and re-asks the large model with its whole conversation, which grows by
     * {@value #LOOP_CONTEXT_GROWTH} tokens a round.
     *
     * @param rounds where the number of finished rounds is counted
     */
    String loop(AgentCalls calls, int[] rounds) throws Exception {
        String answer = null;
        for (int round = 1; round <= LOOP_ROUNDS; round++) {
            String found = calls.tool("search_kb", Map.of("q", "how do I reset my password"), () -> search("reset"));
            long context = LOOP_CONTEXT_GROWTH * round;
            answer = calls.llm(LARGE_MODEL, Map.of("conversation_tokens", context), () -> complete(LARGE_MODEL, found),
                    reply -> TokenUsage.of(context, 1_000));
            rounds[0] = round;
        }
        return answer;
    }

    String search(String query) {
        liveCalls++;
        return "results for " + query;
    }

    String complete(String model, String prompt) {
        liveCalls++;
        clock.advanceMillis(300 + random.nextInt(900)); // the model's latency, on the virtual clock
        if (model.equals(SHARED_MODEL) && sharedModelDown.test((clock.millis() - startMillis) / 60_000)) {
            throw new IllegalStateException("503 Service Unavailable from the model provider");
        }
        return "answer to " + prompt.length() + " chars";
    }

    String document() {
        liveCalls++;
        return "Q3 incident review: three outages, two caused by expired certificates, one by a bad deploy.";
    }

    /** The model's JSON summary, cut off when the token limit is too small. */
    String summary(int maxTokens) {
        liveCalls++;
        String full = "{\"summary\": \"Three outages in Q3: two expired certificates, one bad deploy.\"}";
        return maxTokens < 100 ? full.substring(0, 60) : full;
    }

    static String parseSummary(String json) {
        if (!json.endsWith("\"}")) {
            throw new IllegalArgumentException("model answer is not complete JSON (" + json.length() + " chars, no closing brace)");
        }
        return json.substring(json.indexOf(": \"") + 3, json.length() - 2);
    }

    /**
     * The summarizer agent: fetch a document, ask the model for a JSON summary, parse it. The bug: a
     * 64-token limit truncates the JSON; the fix asks for 400.
     */
    static String summarize(AgentCalls calls, FleetFakes fakes, boolean fixed) throws Exception {
        String doc = calls.tool("fetch_doc", Map.of("id", "Q3-incident-review"), fakes::document);
        int maxTokens = fixed ? 400 : 64;
        Map<String, Object> request = Map.of("prompt", "summarise as {\"summary\": ...}: " + doc, "max_tokens", maxTokens);
        String json = calls.llm(SHARED_MODEL, request, () -> fakes.summary(maxTokens));
        return parseSummary(json);
    }
}

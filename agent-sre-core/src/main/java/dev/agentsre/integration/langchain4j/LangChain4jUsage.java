package dev.agentsre.integration.langchain4j;

import dev.agentsre.cost.TokenUsage;
import dev.agentsre.integration.ReportedUsage;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * A LangChain4j {@link ChatResponse}'s token usage as the price table counts it. OpenAI's usage
 * ({@code OpenAiTokenUsage}, when {@code langchain4j-open-ai} is on the classpath) brings its cached
 * prompt tokens and reasoning tokens; other providers' plain input and output counts. Inconsistent
 * reports (more cached tokens than prompt tokens) are clamped rather than failing the agent's call.
 */
final class LangChain4jUsage {

    private static final boolean OPEN_AI = ReportedUsage.present("dev.langchain4j.model.openai.OpenAiTokenUsage");

    private LangChain4jUsage() {
    }

    /** The response's usage, or {@code null} when it reports none. */
    static TokenUsage of(ChatResponse response) {
        if (response == null || response.metadata() == null) {
            return null;
        }
        dev.langchain4j.model.output.TokenUsage usage = response.metadata().tokenUsage();
        if (usage == null) {
            return null;
        }
        long input = ReportedUsage.count(usage.inputTokenCount());
        long output = ReportedUsage.count(usage.outputTokenCount());
        long cached = 0;
        long reasoning = 0;
        long[] details = OPEN_AI ? OpenAi.details(usage) : null;
        if (details != null) {
            cached = details[0];
            reasoning = details[1];
        }
        return ReportedUsage.of(input, output, cached, reasoning);
    }



    /** Loaded only when {@code langchain4j-open-ai} is present. */
    private static final class OpenAi {
        static long[] details(dev.langchain4j.model.output.TokenUsage usage) {
            if (!(usage instanceof dev.langchain4j.model.openai.OpenAiTokenUsage)) {
                return null;
            }
            dev.langchain4j.model.openai.OpenAiTokenUsage openAi = (dev.langchain4j.model.openai.OpenAiTokenUsage) usage;
            long cached = openAi.inputTokensDetails() == null ? 0 : ReportedUsage.count(openAi.inputTokensDetails().cachedTokens());
            long reasoning = openAi.outputTokensDetails() == null ? 0 : ReportedUsage.count(openAi.outputTokensDetails().reasoningTokens());
            return new long[] {cached, reasoning};
        }
    }
}

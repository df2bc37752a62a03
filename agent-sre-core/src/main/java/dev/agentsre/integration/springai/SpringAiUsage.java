package dev.agentsre.integration.springai;

import dev.agentsre.cost.TokenUsage;
import dev.agentsre.integration.ReportedUsage;
import java.util.List;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;

/**
 * What Spring AI reports and asks, as the pipeline counts it: a response's {@link Usage} — with
 * OpenAI's cached prompt and reasoning tokens from its native usage when {@code spring-ai-openai} is
 * on the classpath — a prompt's estimated tokens, its maximum output tokens. Inconsistent reports are
 * clamped rather than failing the agent's call.
 */
final class SpringAiUsage {

    private static final boolean OPEN_AI = ReportedUsage.present("org.springframework.ai.openai.api.OpenAiApi$Usage");

    private SpringAiUsage() {
    }

    /** The response's usage, or {@code null} when it reports none (or zero tokens). */
    static TokenUsage of(ChatResponse response) {
        if (response == null || response.getMetadata() == null) {
            return null;
        }
        Usage usage = response.getMetadata().getUsage();
        if (usage == null) {
            return null;
        }
        long input = ReportedUsage.count(usage.getPromptTokens());
        long output = ReportedUsage.count(usage.getCompletionTokens());
        if (input == 0 && output == 0) {
            return null;
        }
        long[] details = OPEN_AI ? OpenAi.details(usage.getNativeUsage()) : null;
        long cached = details == null ? 0 : details[0];
        long reasoning = details == null ? 0 : details[1];
        return ReportedUsage.of(input, output, cached, reasoning);
    }

    /** One token per 4 characters of the messages' text plus 4 per message (OpenAI's rule of thumb). */
    static long promptTokens(List<Message> messages) {
        long chars = 0;
        for (Message message : messages) {
            String text = message.getText();
            chars += text == null ? 0 : text.length();
        }
        return (chars + 3) / 4 + 4L * messages.size();
    }

    /** The options' maximum output tokens (OpenAI's {@code max_completion_tokens} too), or {@code null}. */
    static Integer maxOutputTokens(ChatOptions options) {
        if (options == null) {
            return null;
        }
        Integer max = options.getMaxTokens();
        if (max == null && OPEN_AI) {
            max = OpenAi.maxCompletionTokens(options);
        }
        return max;
    }



    /** Loaded only when {@code spring-ai-openai} is present. */
    private static final class OpenAi {
        static long[] details(Object nativeUsage) {
            if (!(nativeUsage instanceof org.springframework.ai.openai.api.OpenAiApi.Usage usage)) {
                return null;
            }
            long cached = usage.promptTokensDetails() == null ? 0 : ReportedUsage.count(usage.promptTokensDetails().cachedTokens());
            long reasoning = usage.completionTokenDetails() == null ? 0 : ReportedUsage.count(usage.completionTokenDetails().reasoningTokens());
            return new long[] {cached, reasoning};
        }

        static Integer maxCompletionTokens(ChatOptions options) {
            return options instanceof org.springframework.ai.openai.OpenAiChatOptions openAi ? openAi.getMaxCompletionTokens() : null;
        }
    }
}

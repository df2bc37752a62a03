package dev.agentsre.integration.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;
import java.util.List;

/**
 * The default estimate of a prompt's tokens, for the worst case held before a call: one token per
 * {@value #CHARS_PER_TOKEN} characters of text (rounded up) plus {@value #TOKENS_PER_MESSAGE} per
 * message — OpenAI's rule of thumb for English, with its per-message overhead. Tokenizer-free and
 * allocation-free; give the decorator a {@link TokenCountEstimator} (e.g. LangChain4j's
 * {@code OpenAiTokenCountEstimator}) for exact counts.
 */
final class PromptTokens {

    static final int CHARS_PER_TOKEN = 4;
    static final int TOKENS_PER_MESSAGE = 4;

    private PromptTokens() {
    }

    static long estimate(List<ChatMessage> messages, TokenCountEstimator estimator) {
        if (estimator != null) {
            return Math.max(0, estimator.estimateTokenCountInMessages(messages));
        }
        long chars = 0;
        for (ChatMessage message : messages) {
            chars += characters(message);
        }
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + (long) TOKENS_PER_MESSAGE * messages.size();
    }

    private static long characters(ChatMessage message) {
        if (message instanceof UserMessage user) {
            long n = 0;
            for (Content content : user.contents()) {
                if (content instanceof TextContent text) {
                    n += length(text.text());
                }
            }
            return n;
        }
        if (message instanceof SystemMessage system) {
            return length(system.text());
        }
        if (message instanceof AiMessage ai) {
            long n = length(ai.text());
            if (ai.hasToolExecutionRequests()) {
                for (ToolExecutionRequest request : ai.toolExecutionRequests()) {
                    n += length(request.name()) + length(request.arguments());
                }
            }
            return n;
        }
        if (message instanceof ToolExecutionResultMessage result) {
            return length(result.text());
        }
        return 0;
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }
}

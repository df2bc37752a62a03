package dev.agentsre.integration.springai;

import dev.agentsre.cost.TokenUsage;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.model.ChatResponse;

/**
 * What a streamed {@code ChatClient} call has used: the chunks with output (one token each, at
 * least) and the last usage the provider reported. Reactor delivers one stream's signals in order,
 * one at a time; the fields are volatile for the thread that cancels.
 */
final class StreamTally {

    private final long promptTokens;
    private volatile long fragments;
    private volatile TokenUsage reported;
    private volatile ChatResponse last;

    StreamTally(long promptTokens) {
        this.promptTokens = promptTokens;
    }

    void observe(ChatClientResponse chunk) {
        ChatResponse response = chunk.chatResponse();
        if (response == null) {
            return;
        }
        last = response;
        if (response.getResult() != null && response.getResult().getOutput() != null) {
            String text = response.getResult().getOutput().getText();
            if ((text != null && !text.isEmpty()) || response.getResult().getOutput().hasToolCalls()) {
                fragments++; // written by one Reactor signal at a time
            }
        }
        TokenUsage usage = SpringAiUsage.of(response);
        if (usage != null) {
            reported = usage;
        }
    }

    /** The prompt estimate and one token per output chunk. */
    TokenUsage usedSoFar() {
        return TokenUsage.of(promptTokens, fragments);
    }

    /** What a completed stream is charged: the usage it reported, else what it used. */
    TokenUsage charged() {
        TokenUsage usage = reported;
        return usage != null ? usage : usedSoFar();
    }

    ChatResponse lastResponse() {
        return last;
    }
}

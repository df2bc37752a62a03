package dev.agentsre.integration.langchain4j;

import dev.agentsre.StreamingCall;
import dev.agentsre.cost.TokenUsage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Stands between a streaming model and the caller's handler: counts the output fragments received,
 * ends the {@link StreamingCall} when the stream completes, fails or is cancelled through a
 * partial-response context's {@link StreamingHandle}, and then completes {@code done}. An end that
 * arrives before the call is attached (a model that answers inside {@code chat}) is applied when it is.
 */
final class GuardedStreamingHandler implements StreamingChatResponseHandler {

    private static final AtomicLongFieldUpdater<GuardedStreamingHandler> FRAGMENTS =
            AtomicLongFieldUpdater.newUpdater(GuardedStreamingHandler.class, "fragments");

    private final StreamingChatResponseHandler handler;
    private final Function<ChatResponse, TokenUsage> usage;
    private final long promptTokens;
    private final CompletableFuture<Void> done;
    private volatile long fragments;
    private StreamingCall call;          // guarded by this
    private Consumer<StreamingCall> pendingEnd; // guarded by this

    GuardedStreamingHandler(StreamingChatResponseHandler handler, Function<ChatResponse, TokenUsage> usage, long promptTokens,
                            CompletableFuture<Void> done) {
        this.handler = handler;
        this.usage = usage;
        this.promptTokens = promptTokens;
        this.done = done;
    }

    void attach(StreamingCall started) {
        Consumer<StreamingCall> end;
        synchronized (this) {
            call = started;
            end = pendingEnd;
            pendingEnd = null;
        }
        if (end != null) {
            end.accept(started);
        }
    }

    private void end(Consumer<StreamingCall> action) {
        StreamingCall started;
        synchronized (this) {
            started = call;
            if (started == null) {
                if (pendingEnd == null) {
                    pendingEnd = action;
                }
                return;
            }
        }
        action.accept(started);
    }

    /** What the stream has used so far: the prompt and one token per fragment received. */
    TokenUsage usedSoFar() {
        return TokenUsage.of(promptTokens, fragments);
    }

    private void fragment() {
        FRAGMENTS.incrementAndGet(this);
    }

    @Override
    public void onPartialResponse(String partialResponse) {
        fragment();
        handler.onPartialResponse(partialResponse);
    }

    @Override
    public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
        fragment();
        handler.onPartialResponse(partialResponse, new PartialResponseContext(guard(context.streamingHandle())));
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking) {
        fragment();
        handler.onPartialThinking(partialThinking);
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
        fragment();
        handler.onPartialThinking(partialThinking, new PartialThinkingContext(guard(context.streamingHandle())));
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall) {
        fragment();
        handler.onPartialToolCall(partialToolCall);
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
        fragment();
        handler.onPartialToolCall(partialToolCall, new PartialToolCallContext(guard(context.streamingHandle())));
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall completeToolCall) {
        handler.onCompleteToolCall(completeToolCall);
    }

    @Override
    public void onUnmappedRawEvent(Object rawEvent) {
        handler.onUnmappedRawEvent(rawEvent);
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
        TokenUsage reported;
        try {
            reported = usage.apply(response);
        } catch (RuntimeException e) {
            reported = null;
        }
        TokenUsage charged = reported != null ? reported : usedSoFar();
        end(c -> c.complete(response, charged));
        done.complete(null); // accounted (and a one-call task ended) before the caller hears of it
        handler.onCompleteResponse(response);
    }

    @Override
    public void onError(Throwable error) {
        end(c -> c.fail(error));
        done.completeExceptionally(error);
        handler.onError(error);
    }

    private StreamingHandle guard(StreamingHandle handle) {
        return new StreamingHandle() {
            @Override
            public void cancel() {
                handle.cancel();
                TokenUsage used = usedSoFar();
                end(c -> c.cancel(used));
                done.complete(null);
            }

            @Override
            public boolean isCancelled() {
                return handle.isCancelled();
            }
        };
    }
}

package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where a capture's finished spans go: a trace file as they finish, or memory up to a byte bound. */
interface SpanSink {

    /** Takes a finished span; never throws. Ignored after {@link #close}. */
    void accept(Span span);

    /** Ends the trace; never throws. */
    void close(Instant end, int steps, List<String> recorderProblems);

    /** The trace so far ({@code inFlight} spans shown as unfinished), or the final one once closed. */
    Trace trace(boolean closed, Instant now, List<Span> inFlight, List<String> recorderProblems);

    /** Opens the sink of one trace. */
    @FunctionalInterface
    interface Factory {
        SpanSink open(Head head);
    }

    /** What the first line of a trace holds. */
    record Head(String traceId, String agentId, String parentTraceId, Instant start) {

        /** A trace of this head. */
        Trace trace(Instant end, List<Span> spans, List<String> problems) {
            return new Trace(traceId, agentId, parentTraceId, start, end, spans, problems.isEmpty(), problems);
        }
    }

    /** A rough size of a span in memory: its strings and JSON, two bytes a character, plus object overhead. */
    static long approximateBytes(Span span) {
        long bytes = 400;
        bytes += 2L * (span.name().length() + length(span.errorMessage()) + length(span.errorType()) + length(span.responseType()));
        return bytes + approximateBytes(span.request()) + approximateBytes(span.response());
    }

    private static long approximateBytes(JsonNode node) {
        if (node == null) {
            return 0;
        }
        if (node.isContainerNode()) {
            long bytes = 48;
            if (node.isArray()) {
                for (int i = 0, n = node.size(); i < n; i++) {
                    bytes += 8 + approximateBytes(node.get(i));
                }
            } else {
                for (var field : node.properties()) {
                    bytes += 40 + 2L * field.getKey().length() + approximateBytes(field.getValue());
                }
            }
            return bytes;
        }
        return node.isTextual() ? 56 + 2L * node.textValue().length() : 24;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** Keeps spans in memory until {@code maxBytes}; later spans are counted and left out. */
    final class Memory implements SpanSink {
        private final Head head;
        private final long maxBytes;
        private final List<Span> spans = new ArrayList<>();
        private long bytes;
        private int dropped;
        private Instant end;
        private boolean closed;

        Memory(Head head, long maxBytes) {
            this.head = head;
            this.maxBytes = maxBytes;
        }

        @Override
        public synchronized void accept(Span span) {
            if (closed) {
                return;
            }
            long size = approximateBytes(span);
            if (bytes + size > maxBytes) {
                dropped++;
                return;
            }
            bytes += size;
            spans.add(span);
        }

        @Override
        public synchronized void close(Instant end, int steps, List<String> recorderProblems) {
            this.end = end;
            this.closed = true;
        }

        @Override
        public synchronized Trace trace(boolean closedNow, Instant now, List<Span> inFlight, List<String> recorderProblems) {
            List<Span> all = new ArrayList<>(spans);
            all.addAll(inFlight);
            all.sort(Comparator.comparingInt(Span::step));
            List<String> problems = new ArrayList<>(recorderProblems);
            if (dropped > 0) {
                problems.add(dropped + " steps were left out: the trace held in memory reached its bound of " + maxBytes + " bytes");
            }
            return head.trace(closed ? end : now, all, problems);
        }
    }

    /**
     * Appends each span to the trace's file as it finishes; holds nothing in memory. A write failure
     * is logged once and the trace is left incomplete; the agent's calls are unaffected.
     */
    final class File implements SpanSink {
        private static final Logger LOG = LoggerFactory.getLogger(TraceCapture.class);

        private final TraceStore store;
        private final Head head;
        private TraceStore.TraceWriter writer;
        private String failure;
        private int failed;
        private boolean closed;

        File(TraceStore store, Head head) {
            this.store = store;
            this.head = head;
            try {
                writer = store.open(head.traceId(), head.agentId(), head.parentTraceId(), head.start());
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        @Override
        public synchronized void accept(Span span) {
            if (closed) {
                return;
            }
            if (writer == null) {
                failed++;
                return;
            }
            try {
                writer.append(TraceFormat.spanLine(span));
            } catch (IOException | RuntimeException e) {
                failed++;
                fail(e);
            }
        }

        @Override
        public synchronized void close(Instant end, int steps, List<String> recorderProblems) {
            if (closed) {
                return;
            }
            closed = true;
            if (writer == null) {
                return;
            }
            try {
                if (failure == null) {
                    writer.append(TraceFormat.endLine(end, steps));
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
            } finally {
                try {
                    writer.close();
                } catch (IOException | RuntimeException e) {
                    fail(e);
                }
            }
        }

        @Override
        public synchronized Trace trace(boolean closedNow, Instant now, List<Span> inFlight, List<String> recorderProblems) {
            List<String> problems = new ArrayList<>(recorderProblems);
            if (failure != null) {
                problems.add("the trace file could not be written (" + failure + "); " + failed + " steps were lost");
            }
            Trace stored;
            try {
                stored = store.load(head.traceId());
            } catch (RuntimeException e) {
                problems.add("the trace file cannot be read: " + e.getMessage());
                return head.trace(now, inFlight, problems);
            }
            if (closed) {
                problems.addAll(0, stored.problems());
                return problems.equals(stored.problems()) ? stored
                        : new Trace(stored.traceId(), stored.agentId(), stored.parentTraceId(), stored.startTime(), stored.endTime(),
                        stored.spans(), false, problems);
            }
            // Still running: the file has the finished steps and no end line yet, which is not damage.
            List<Span> all = new ArrayList<>(stored.spans());
            all.addAll(inFlight);
            all.sort(Comparator.comparingInt(Span::step));
            return head.trace(now, all, problems);
        }

        private void fail(Exception e) {
            if (failure == null) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.warn("trace {} could not be written to {}: {}; the run goes on, its trace will be incomplete", head.traceId(),
                        store.directory(), failure);
            }
        }
    }
}

package dev.agentsre.anomaly;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The assessment chains of every agent of a {@link RogueAgentDetector}, kept within a budget in bytes
 * for the whole detector: each agent keeps at most {@code historySize} records, and when all records
 * together exceed {@code maxHistoryBytes} the oldest records of the detector are dropped first,
 * whichever agent they belong to. A chain that lost its oldest records still verifies from its first
 * kept record on ({@link RogueAgentDetector#firstBrokenLink} checks each record and each link
 * between kept records).
 *
 * <p>The size of a record is estimated conservatively from its parts (a fixed part for the record,
 * its instant, its four signal scores and its two hashes, plus each reason's characters); the
 * estimate is checked against measured sizes in the tests. One lock for all chains: assessments are
 * infrequent (each computes a SHA-256), and a single global order is what makes "oldest first"
 * exact and O(1): records form one doubly linked list in the order they were made.
 */
final class AssessmentHistory {

    /** Estimated bytes of a record beside its reasons (measured: about 700). */
    static final int RECORD_BYTES = 800;
    /** Estimated bytes of a reason beside its characters. */
    static final int REASON_BYTES = 64;

    private final int perAgent;
    private final long maxBytes;
    // Guarded by this.
    private Node head;
    private Node tail;
    private long bytes;
    private int records;

    AssessmentHistory(int perAgent, long maxBytes) {
        this.perAgent = perAgent;
        this.maxBytes = maxBytes;
    }

    /** One kept record, in its agent's chain and in the detector's global order. */
    static final class Node {
        final RogueAssessment record;
        final ArrayDeque<Node> chain;
        final long bytes;
        Node previous;
        Node next;

        Node(RogueAssessment record, ArrayDeque<Node> chain, long bytes) {
            this.record = record;
            this.chain = chain;
            this.bytes = bytes;
        }
    }

    /** Appends {@code record} to {@code chain}, then trims that chain and the detector's total. */
    synchronized void append(ArrayDeque<Node> chain, RogueAssessment record) {
        Node node = new Node(record, chain, estimate(record));
        chain.addLast(node);
        link(node);
        if (chain.size() > perAgent) {
            unlink(chain.removeFirst());
        }
        while (bytes > maxBytes && head != null && head != node) {
            Node oldest = head;
            oldest.chain.pollFirst(); // the detector's oldest record is its agent's oldest record
            unlink(oldest);
        }
    }

    /** The records of {@code chain}, oldest first (a copy). */
    synchronized List<RogueAssessment> records(ArrayDeque<Node> chain) {
        List<RogueAssessment> copy = new ArrayList<>(chain.size());
        for (Node node : chain) {
            copy.add(node.record);
        }
        return copy;
    }

    /** Drops every record of {@code chain} (its agent was evicted). */
    synchronized void forget(ArrayDeque<Node> chain) {
        for (Node node : chain) {
            unlink(node);
        }
        chain.clear();
    }

    /** Estimated bytes of every kept record. */
    synchronized long bytes() {
        return bytes;
    }

    /** Records kept. */
    synchronized int records() {
        return records;
    }

    static long estimate(RogueAssessment record) {
        long size = RECORD_BYTES + 2L * record.agentId().length();
        for (String reason : record.reasons()) {
            size += REASON_BYTES + 2L * reason.length(); // two bytes a character: safe for any string
        }
        return size;
    }

    private void link(Node node) {
        node.previous = tail;
        if (tail == null) {
            head = node;
        } else {
            tail.next = node;
        }
        tail = node;
        bytes += node.bytes;
        records++;
    }

    private void unlink(Node node) {
        if (node.previous == null) {
            head = node.next;
        } else {
            node.previous.next = node.next;
        }
        if (node.next == null) {
            tail = node.previous;
        } else {
            node.next.previous = node.previous;
        }
        node.previous = null;
        node.next = null;
        bytes -= node.bytes;
        records--;
    }
}

package dev.agentsre.docs;

import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.FieldTolerance;
import dev.agentsre.replay.GoldenSuite;
import dev.agentsre.replay.GoldenTrace;
import dev.agentsre.replay.Overrides;
import dev.agentsre.replay.Replay;
import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.ReplayOptions;
import dev.agentsre.replay.Trace;
import dev.agentsre.replay.TraceCapture;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.replay.WhatIfResult;
import java.util.Map;
import java.util.UUID;

/** What docs/replay.md's Java fragments take as given: the support bot, its tools and its types. */
abstract class ReplayPage {

    record Order(String id, String status, double amount) {
    }

    record Plan(String steps) {
    }

    interface Model {
        String chat(String prompt);
    }

    interface Orders {
        Order lookup(Map<String, Object> args);
    }

    interface Planner {
        Plan plan(String goal);
    }

    String prompt;
    String goal;
    String question;
    String traceId;
    Map<String, Object> args;
    Model model;
    Orders orders;
    Planner planner;
    TraceStore store;
    Trace trace;
    Trace newTrace;
    GoldenTrace lookupGolden;
    Map<String, Trace> newRuns;

    /** The support bot: answers a question, making every model and tool call through {@code calls}. */
    String supportBot(AgentCalls calls, String question) {
        return "";
    }
}

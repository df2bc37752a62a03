package dev.agentsre.docs;

import dev.agentsre.chaos.AbortCondition;
import dev.agentsre.chaos.BlackoutWindow;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.chaos.ChaosScheduler;
import dev.agentsre.chaos.ChaosTemplates;
import dev.agentsre.chaos.Fault;
import dev.agentsre.chaos.InjectedFaultException;
import dev.agentsre.chaos.ResilienceScore;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.RecordingSleeper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.Executors;

/** What docs/chaos.md's Java fragments take as given: the agent under test and its collaborators. */
abstract class ChaosPage {

    interface Llm {
        String chat(String prompt);
    }

    String sessionId;
    String pr;
    String prompt;
    Llm llm;
    ChaosExperiment experiment;

    String search(String query) {
        return "";
    }
}

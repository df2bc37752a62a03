package dev.agentsre.docs;

import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.cost.CostAlert;
import dev.agentsre.cost.CostDecision;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.CostReservation;
import dev.agentsre.cost.ModelPrice;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What docs/cost-guard.md's Java fragments take as given. */
abstract class CostGuardPage {

    /** A model's reply, with what the call cost. */
    interface Reply {
        double costUsd();
    }

    interface Model {
        Reply chat(String prompt);
    }

    /** What the agent made of a task, with what it cost. */
    interface Answer {
        double costUsd();
    }

    interface Task {
    }

    interface Agent {
        Answer run(Task task);
    }

    String p;
    Model model;
    Agent agent;
    Task task;
    CircuitBreaker breaker;
    CostGuard guard;
    Logger log = LoggerFactory.getLogger("operations");
}

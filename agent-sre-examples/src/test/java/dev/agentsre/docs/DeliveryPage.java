package dev.agentsre.docs;

import dev.agentsre.AgentSre;
import dev.agentsre.delivery.AgentRollout;
import dev.agentsre.delivery.AgentRolloutSpec;
import dev.agentsre.delivery.AgentVersion;
import dev.agentsre.delivery.BlueGreen;
import dev.agentsre.slo.Comparison;
import dev.agentsre.delivery.DeploymentFreeze;
import dev.agentsre.delivery.Gate;
import dev.agentsre.delivery.OutputComparator;
import dev.agentsre.delivery.RollbackTrigger;
import dev.agentsre.delivery.RolloutMetrics;
import dev.agentsre.delivery.RolloutStep;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.replay.AgentCalls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/** What docs/delivery.md's Java fragments take as given: the agent's request and answer types and its versions. */
abstract class DeliveryPage {

    record Question(String sessionId, String text) {
    }

    record Answer(String text, String status) {
    }

    interface Judge {
        double score(Question question, Answer answer);
    }

    AgentSre sre;
    AgentVersion<Question, Answer> promptV3;
    AgentVersion<Question, Answer> promptV4;
    AgentVersion<Question, Answer> v3;
    AgentVersion<Question, Answer> v4;
    Judge judge;
    Question question;
    Clock clock;
    SreEventBus bus;
    ScheduledExecutorService scheduler;

    /** The question a blue-green health check asks. */
    Question probe;
}

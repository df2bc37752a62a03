package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

class SloTemplateTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
    private final SreEventBus bus = new SreEventBus();

    private SloTemplate.Builder reliability() {
        return SloTemplate.builder("reliability")
                .indicator(() -> Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(() -> ErrorBudget.builder().target(0.99).window("1h").projectAllowance(false)
                        .exhaustionAction(ExhaustionAction.THROTTLE).clock(clock).build())
                .eventBus(bus).clock(clock).options(slo -> slo.evaluationInterval(Duration.ZERO));
    }

    @Test
    void aTemplateAppliedToAThousandAgentsGivesEachItsOwnBudget() {
        SloTemplate template = reliability().build();
        List<SloStatusChanged> exhausted = new CopyOnWriteArrayList<>();
        bus.subscribe(SloStatusChanged.class, e -> {
            if (e.exhausted()) {
                exhausted.add(e);
            }
        });
        for (int a = 0; a < 1_000; a++) {
            Slo slo = template.forAgent("agent-" + a);
            boolean failing = a % 100 == 7; // ten agents fail every task
            for (int t = 0; t < 20; t++) {
                slo.recordServed(!failing);
            }
        }
        assertThat(template.size()).isEqualTo(1_000);
        assertThat(exhausted).extracting(SloStatusChanged::agentId).hasSize(10).allMatch(id -> id.endsWith("7"));
        Slo healthy = template.find("agent-1").orElseThrow();
        assertThat(healthy.agentId()).isEqualTo("agent-1");
        assertThat(healthy.name()).isEqualTo("reliability");
        assertThat(healthy.errorBudget().totalEvents()).isEqualTo(20);
        assertThat(healthy.status()).isEqualTo(SloStatus.HEALTHY);
        assertThat(template.find("agent-7").orElseThrow().actionInForce()).hasValue(ExhaustionAction.THROTTLE);
        assertThat(template.forAgent("agent-1")).isSameAs(healthy);
        assertThat(healthy.errorBudget()).isNotSameAs(template.find("agent-2").orElseThrow().errorBudget());
    }

    @Test
    void memoryIsBoundedByTheCapWhateverTheNumberOfAgentIds() {
        SloTemplate template = reliability().maxAgents(100).build();
        long one = GraphLayout.parseInstance(template.forAgent("first")).subtract(GraphLayout.parseInstance(clock, bus)).totalSize();
        for (int a = 0; a < 1_000; a++) {
            clock.advanceMillis(1);
            template.forAgent("agent-" + a).recordServed(true);
        }
        assertThat(template.size()).isLessThanOrEqualTo(100);
        long all = GraphLayout.parseInstance(template).subtract(GraphLayout.parseInstance(clock, bus)).totalSize();
        System.out.printf("SLO template: one agent's SLO %,d bytes; 1,000 agent ids at maxAgents=100: %,d bytes%n", one, all);
        assertThat(all).isLessThan(100 * (one + 200) + one * 2);
        // The least recently used went first; the newest are there.
        assertThat(template.find("agent-999")).isPresent();
        assertThat(template.find("agent-0")).isEmpty();
    }

    @Test
    void idleAgentsExpireButExhaustedOrAlertingOnesAreKept() {
        SloTemplate template = reliability().idleExpiry(Duration.ofHours(2)).build();
        template.forAgent("quiet").recordServed(true);
        for (int t = 0; t < 20; t++) {
            template.forAgent("broken").recordServed(false);
        }
        assertThat(template.find("broken").orElseThrow().status()).isEqualTo(SloStatus.EXHAUSTED);
        clock.advance(Duration.ofHours(1));
        template.forAgent("busy").recordServed(true);
        clock.advance(Duration.ofHours(1));
        assertThat(template.evictIdle()).isEqualTo(1); // "quiet"; "broken" is idle but its throttle is in force
        assertThat(template.find("quiet")).isEmpty();
        assertThat(template.find("broken")).isPresent();
        assertThat(template.find("busy")).isPresent();
        // find() is a read: it neither creates nor refreshes.
        assertThat(template.find("nobody")).isEmpty();
        assertThat(template.size()).isEqualTo(2);
    }

    @Test
    void atTheCapWithOnlyExhaustedAgentsANewAgentIsRefusedNamingTheCap() {
        SloTemplate template = reliability().maxAgents(3).build();
        for (String id : List.of("a", "b", "c")) {
            for (int t = 0; t < 20; t++) {
                template.forAgent(id).recordServed(false);
            }
        }
        assertThatThrownBy(() -> template.forAgent("d")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reliability").hasMessageContaining("maxAgents=3");
        assertThat(template.size()).isEqualTo(3);
        assertThat(template.find("a").orElseThrow().status()).isEqualTo(SloStatus.EXHAUSTED); // enforcement kept
    }

    @Test
    void anAgentWhoseActionIsInForceSurvivesAnyChurnOfNewAgentsUnderEightThreadsAndTheCapHolds() throws Exception {
        SloTemplate template = reliability().maxAgents(50).build();
        for (int t = 0; t < 20; t++) {
            template.forAgent("broken").recordServed(false);
        }
        Slo broken = template.find("broken").orElseThrow();
        assertThat(broken.actionInForce()).hasValue(ExhaustionAction.THROTTLE);
        java.util.concurrent.atomic.AtomicInteger over = new java.util.concurrent.atomic.AtomicInteger();
        Race.run(8, thread -> {
            for (int a = 0; a < 400; a++) {
                template.forAgent("churn-" + thread + "-" + a).recordServed(true);
                if (template.size() > 50) {
                    over.incrementAndGet();
                }
            }
        });
        assertThat(over.get()).isZero();
        assertThat(template.size()).isEqualTo(50);
        assertThat(template.find("broken")).containsSame(broken); // the same SLO, its throttle still in force
        assertThat(broken.actionInForce()).hasValue(ExhaustionAction.THROTTLE);
    }

    @Test
    void concurrentFirstUseCreatesOneSloPerAgent() throws Exception {
        SloTemplate template = reliability().build();
        List<Slo> seen = new CopyOnWriteArrayList<>();
        Race.run(8, thread -> {
            for (int a = 0; a < 200; a++) {
                Slo slo = template.forAgent("agent-" + a);
                slo.recordServed(true);
                if (a == 42) {
                    seen.add(slo);
                }
            }
        });
        assertThat(template.size()).isEqualTo(200);
        assertThat(seen).hasSize(8).allMatch(s -> s == seen.get(0));
        assertThat(template.find("agent-42").orElseThrow().errorBudget().totalEvents()).isEqualTo(8);
    }

    @Test
    void theDefinitionDescribesEveryAgentsSloAndBadTemplatesAreRejected() {
        SloTemplate template = reliability().options(slo -> slo.description("every agent: 99% over an hour")).build();
        Slo definition = template.definition();
        assertThat(definition.agentId()).isNull();
        assertThat(definition.errorBudget().target()).isEqualTo(0.99, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(template.forAgent("x").description()).isEqualTo("every agent: 99% over an hour");
        assertThat(template.instances()).extracting(Slo::agentId).containsExactly("x");

        ErrorBudget shared = ErrorBudget.builder().target(0.99).clock(clock).build();
        SloTemplate sharing = SloTemplate.builder("s").errorBudget(() -> shared).clock(clock).build();
        assertThatThrownBy(() -> sharing.forAgent("a")).isInstanceOf(IllegalStateException.class).hasMessageContaining("own budget");
        assertThatThrownBy(() -> SloTemplate.builder("s").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errorBudget");
        assertThatThrownBy(() -> reliability().maxAgents(0).build()).hasMessageContaining("maxAgents");
        assertThatThrownBy(() -> reliability().idleExpiry(Duration.ZERO).build()).hasMessageContaining("idleExpiry");
        assertThatThrownBy(() -> reliability().build().forAgent(" ")).hasMessageContaining("agentId");
    }
}

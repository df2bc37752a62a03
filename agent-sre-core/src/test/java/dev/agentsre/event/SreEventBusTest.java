package dev.agentsre.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.SloStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SreEventBusTest {

    private static SloStatusChanged statusChange(String slo) {
        return new SloStatusChanged(Instant.EPOCH, "agent", slo, SloStatus.HEALTHY, SloStatus.WARNING, ExhaustionAction.ALERT, 50);
    }

    private static BurnRateAlertFired alertFired() {
        return new BurnRateAlertFired(Instant.EPOCH, "agent", "slo", null, 20, 20);
    }

    @Test
    void deliversToEveryListenerInSubscriptionOrder() {
        SreEventBus bus = new SreEventBus();
        List<String> calls = new ArrayList<>();
        bus.subscribe(e -> calls.add("first"));
        bus.subscribe(e -> calls.add("second"));

        bus.publish(statusChange("a"));

        assertThat(calls).containsExactly("first", "second");
    }

    @Test
    void typedSubscriptionReceivesOnlyThatTypeAndItsSubtypes() {
        SreEventBus bus = new SreEventBus();
        List<SreEvent> statusOnly = new ArrayList<>();
        List<SreEvent> allSlo = new ArrayList<>();
        bus.subscribe(SloStatusChanged.class, statusOnly::add);
        bus.subscribe(SloEvent.class, allSlo::add);

        bus.publish(statusChange("a"));
        bus.publish(alertFired());

        assertThat(statusOnly).hasSize(1).allMatch(e -> e instanceof SloStatusChanged);
        assertThat(allSlo).hasSize(2);
    }

    @Test
    void closingASubscriptionOrUnsubscribingStopsDelivery() {
        SreEventBus bus = new SreEventBus();
        List<SreEvent> a = new ArrayList<>();
        List<SreEvent> b = new ArrayList<>();
        SreEventListener<SreEvent> listenerB = b::add;
        SreEventBus.Subscription subscription = bus.subscribe(a::add);
        bus.subscribe(SloStatusChanged.class, listenerB);
        bus.subscribe(SloEvent.class, listenerB);

        subscription.close();
        subscription.close(); // harmless
        assertThat(bus.unsubscribe(SloStatusChanged.class, listenerB)).isTrue();
        bus.publish(statusChange("x"));
        assertThat(a).isEmpty();
        assertThat(b).hasSize(1); // still subscribed to SloEvent

        assertThat(bus.unsubscribe(listenerB)).isTrue();
        assertThat(bus.unsubscribe(listenerB)).isFalse();
        bus.publish(statusChange("y"));
        assertThat(b).hasSize(1);
        assertThat(bus.listenerCount()).isZero();
    }

    @Test
    void throwingListenerIsIsolatedCountedAndOthersStillRun() {
        SreEventBus bus = new SreEventBus();
        List<SreEvent> received = new ArrayList<>();
        bus.subscribe(e -> {
            throw new IllegalStateException("exporter down");
        });
        bus.subscribe(received::add);

        bus.publish(statusChange("a"));
        bus.publish(statusChange("b"));

        assertThat(received).hasSize(2);
        assertThat(bus.listenerFailures()).isEqualTo(2);
    }

    @Test
    void errorsOtherThanVirtualMachineErrorsAreAlsoIsolated() {
        SreEventBus bus = new SreEventBus();
        bus.subscribe(e -> {
            throw new AssertionError("listener bug");
        });
        bus.publish(statusChange("a"));
        assertThat(bus.listenerFailures()).isEqualTo(1);

        SreEventBus fatal = new SreEventBus();
        fatal.subscribe(e -> {
            throw new OutOfMemoryError("simulated");
        });
        assertThatThrownBy(() -> fatal.publish(statusChange("a"))).isInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void hasListenersAnswersPerType() {
        SreEventBus bus = new SreEventBus();
        assertThat(bus.hasListeners(SreEvent.class)).isFalse();
        bus.subscribe(SloStatusChanged.class, e -> { });
        assertThat(bus.hasListeners(SloStatusChanged.class)).isTrue();
        assertThat(bus.hasListeners(SloEvent.class)).isTrue();
        assertThat(bus.hasListeners(BurnRateAlertFired.class)).isFalse();
    }

    @Test
    void listenerMayUnsubscribeItselfWhileBeingCalled() {
        SreEventBus bus = new SreEventBus();
        List<String> calls = new ArrayList<>();
        SreEventBus.Subscription[] self = new SreEventBus.Subscription[1];
        self[0] = bus.subscribe(e -> {
            calls.add("once");
            self[0].close();
        });
        bus.subscribe(e -> calls.add("other"));

        bus.publish(statusChange("a"));
        bus.publish(statusChange("b"));

        assertThat(calls).containsExactly("once", "other", "other");
    }

    @Test
    void rejectsNullArguments() {
        SreEventBus bus = new SreEventBus();
        assertThatThrownBy(() -> bus.subscribe(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("listener");
        assertThatThrownBy(() -> bus.subscribe(null, e -> { })).isInstanceOf(NullPointerException.class).hasMessageContaining("type");
    }
}

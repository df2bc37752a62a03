package dev.agentsre.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentsre.AgentSre;
import dev.agentsre.alert.AlertManager;
import dev.agentsre.alert.Receiver;
import dev.agentsre.alert.Route;
import dev.agentsre.alert.Secret;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.incident.ActionItem;
import dev.agentsre.incident.Controls;
import dev.agentsre.incident.DependencyTopology;
import dev.agentsre.incident.Incident;
import dev.agentsre.incident.IncidentManager;
import dev.agentsre.incident.IncidentSeverity;
import dev.agentsre.incident.Postmortem;
import dev.agentsre.incident.Responses;
import dev.agentsre.incident.RootCauseHint;
import dev.agentsre.incident.TimelineEntry;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.ManualScheduler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A provider outage, told by the alert manager and the incident manager. Seven agents call the
 * model {@code gpt-4o} through one {@link AgentSre} pipeline (dependency breaker on the model, the
 * topology's call guard, an SLO each); the model fails for fifteen minutes. The alert manager sends
 * Slack and PagerDuty notifications for real, over HTTP, to two local receivers on 127.0.0.1 that
 * print each one; the incident manager opens one incident, names the shared model as the likely
 * cause, follows the recovery and writes the postmortem. Virtual time: the hour runs in a second.
 */
public final class AlertingAndIncidentsExample {

    static final Instant START = Instant.parse("2026-11-25T09:00:00Z");
    static final Instant OUTAGE_START = START.plus(Duration.ofMinutes(10));
    static final Instant OUTAGE_END = OUTAGE_START.plus(Duration.ofMinutes(15));
    static final String MODEL = "gpt-4o";
    static final int AGENTS = 7;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private AlertingAndIncidentsExample() {
    }

    /**
     * What happened.
     *
     * @param notifications one line per notification the local receivers got
     * @param pagerDuty the PagerDuty event actions received, in order
     * @param slack the Slack messages' fallback texts, in order
     * @param incidents one summary line per incident
     * @param incident the outage's incident
     * @param postmortem its postmortem, as Markdown
     */
    public record Outcome(List<String> notifications, List<String> pagerDuty, List<String> slack, List<String> incidents, Incident incident,
                          String postmortem) {
    }

    /** Runs the hour on {@code clock}. */
    public static Outcome run(ManualClock clock) throws IOException {
        try (LocalReceivers receivers = new LocalReceivers(clock)) {
            SreEventBus bus = new SreEventBus();
            ManualScheduler scheduler = new ManualScheduler(clock);

            // What the incident manager correlates with: who calls what, learned from the pipeline's calls.
            DependencyTopology topology = DependencyTopology.builder().clock(clock).build();
            CircuitBreakerRegistry providerBreakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(5)
                    .recoveryTimeout(Duration.ofSeconds(30)).clock(clock).build(), bus);
            List<Slo> slos = new ArrayList<>();
            AgentSre.Builder pipeline = AgentSre.builder().clock(clock).eventBus(bus).dependencyBreakers(providerBreakers)
                    .costGuard(CostGuard.builder().perAgentDailyLimit(100).priceTable(PriceTable.defaults()).clock(clock).eventBus(bus).build())
                    .guard(topology.guard());
            for (int i = 0; i < AGENTS; i++) {
                Slo slo = slo("agent-" + i, clock, bus);
                slos.add(slo);
                pipeline.slo(slo);
            }
            AgentSre sre = pipeline.build();

            AlertManager alerts = AlertManager.builder()
                    .route(Route.root("slack").groupBy("alertname")
                            .child(Route.match("alertname", "AgentSreIncident").receiver("pagerduty").groupBy("incident_id")))
                    .receiver(Receiver.slack("slack", Secret.url(receivers.url("/services/T000/B000/XXXX"))))
                    .receiver(Receiver.pagerDuty("pagerduty", Secret.of("R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY12"))
                            .eventsUrl(java.net.URI.create(receivers.url("/v2/enqueue"))))
                    .clock(clock).scheduler(scheduler).eventBus(bus).build();
            IncidentManager incidents = IncidentManager.builder().topology(topology).slos(slos)
                    .controls(Controls.builder().dependencyBreakers(providerBreakers).build())
                    .respond(IncidentSeverity.SEV2, Responses.postmortemDraft())
                    .responseExecutor(Runnable::run).clock(clock).eventBus(bus).build();
            bus.subscribe(alerts);
            bus.subscribe(incidents);

            // The hour: a task per agent every 5 seconds; the model is down from 09:10 to 09:25.
            long task = 0;
            for (Instant now = START; now.isBefore(START.plus(Duration.ofMinutes(60))); now = now.plusSeconds(5)) {
                scheduler.advanceTo(now);
                boolean modelUp = now.isBefore(OUTAGE_START) || !now.isBefore(OUTAGE_END);
                for (int i = 0; i < AGENTS; i++) {
                    try {
                        sre.agent("agent-" + i).task("t-" + (++task)).call(ctx -> ctx.llm(MODEL, "triage ticket",
                                () -> answer(modelUp), answer -> TokenUsage.of(1_200, 300)));
                    } catch (Exception failed) {
                        // the task failed or was refused: the SLO, the breaker and the topology have counted it
                    }
                }
                if (now.equals(OUTAGE_START.plus(Duration.ofMinutes(4)))) {
                    incidents.open().forEach(i -> {
                        i.acknowledge("alice");
                        i.note("alice", "provider status page confirms elevated error rates for " + MODEL);
                    });
                }
            }
            scheduler.advance(Duration.ofMinutes(10));

            Incident incident = incidents.all().get(0);
            incident.summary("For 15 minutes every call to " + MODEL + " failed; seven agents failed their tasks until the provider recovered.")
                    .rootCauses("Provider-side outage of " + MODEL + " (their incident report, not ours).")
                    .authors("alice")
                    .lessons("The incident opened within seconds and the shared model was the top hint.", null, null)
                    .actionItem(new ActionItem("Fail over to a second provider when the model's breaker opens", ActionItem.Type.MITIGATE,
                            "bob", "P2", null));
            List<String> summaries = new ArrayList<>();
            for (Incident i : incidents.all()) {
                RootCauseHint top = i.hints().isEmpty() ? null : i.hints().get(0);
                summaries.add(String.format("%s %s %s: %s — %d agents, detected %s, resolved after %s, top hint %s", i.id(), i.severity(),
                        i.state(), i.title(), i.agents().size(), TIME.format(i.detectedAt()),
                        i.timeToResolve().map(d -> d.toMinutes() + " min").orElse("—"), top == null ? "none" : top.headline()));
            }
            Outcome outcome = new Outcome(receivers.lines(), receivers.pagerDuty(), receivers.slack(), summaries, incident,
                    incidents.postmortem(incident.id()).toMarkdown());
            alerts.close();
            incidents.close();
            return outcome;
        }
    }

    private static Slo slo(String agent, ManualClock clock, SreEventBus bus) {
        ErrorBudget budget = ErrorBudget.builder().target(0.999).window(Duration.ofDays(30)).burnRateAlert(0).burnRateCritical(0)
                .multiWindowAlerts(false)
                .alert(BurnRateAlert.multiWindow("fast_burn", 14.4, AlertSeverity.CRITICAL, Duration.ofHours(1), Duration.ofMinutes(5)))
                .clock(clock).build();
        Instant now = clock.instant();
        clock.set(now.minus(Duration.ofHours(2)));
        budget.recordEvents(1_000_000, 0); // a good month behind it, older than the alert's hour
        clock.set(now);
        return Slo.builder(agent + "-reliability").agentId(agent).errorBudget(budget).eventBus(bus).clock(clock).build();
    }

    private static String answer(boolean modelUp) {
        if (!modelUp) {
            throw new IllegalStateException("503 Service Unavailable from " + MODEL);
        }
        return "P3, routed to billing";
    }

    /** Two local webhook receivers (Slack and PagerDuty) on 127.0.0.1 that print what they get. */
    private static final class LocalReceivers implements AutoCloseable {
        private final HttpServer server;
        private final ManualClock clock;
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final List<String> pagerDuty = Collections.synchronizedList(new ArrayList<>());
        private final List<String> slack = Collections.synchronizedList(new ArrayList<>());
        private final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

        LocalReceivers(ManualClock clock) throws IOException {
            this.clock = clock;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/services/", exchange -> answer(exchange, 200, "ok", body -> {
                String text = body.get("text").asText();
                slack.add(text);
                return "slack      " + text;
            }));
            server.createContext("/v2/enqueue", exchange -> answer(exchange, 202, "{\"status\":\"success\"}", body -> {
                String action = body.get("event_action").asText();
                pagerDuty.add(action);
                String summary = body.has("payload") ? body.get("payload").get("summary").asText() : "";
                return "pagerduty  " + action + " " + body.get("dedup_key").asText().substring(0, 12) + "… " + summary;
            }));
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        private void answer(HttpExchange exchange, int status, String reply,
                            java.util.function.Function<com.fasterxml.jackson.databind.JsonNode, String> describe) throws IOException {
            try (InputStream in = exchange.getRequestBody()) {
                String line = TIME.format(clock.instant()) + "  " + describe.apply(json.readTree(in.readAllBytes()));
                lines.add(line);
                System.out.println(line);
            }
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        List<String> pagerDuty() {
            return List.copyOf(pagerDuty);
        }

        List<String> slack() {
            return List.copyOf(slack);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Prints the notifications as they arrive, the incidents, the outage's timeline and its postmortem. */
    public static void main(String[] args) throws IOException {
        Outcome outcome = run(ManualClock.at(START));
        System.out.println();
        outcome.incidents().forEach(System.out::println);
        System.out.println();
        for (TimelineEntry entry : outcome.incident().timeline()) {
            System.out.println(TIME.format(entry.timestamp()) + "  " + entry.actor() + "  " + entry.text());
        }
        System.out.println();
        if (args.length == 2 && args[0].equals("--docs")) {
            Path page = Path.of(args[1]);
            Files.writeString(page, ExampleDocs.replace(Files.readString(page), outcome.postmortem()));
            System.out.println("wrote the example postmortem into " + page);
        } else {
            System.out.println(outcome.postmortem());
        }
    }

    /** The generated block of {@code docs/incidents.md} that holds this example's postmortem. */
    static final class ExampleDocs {
        static final String BEGIN = "<!-- BEGIN GENERATED: AlertingAndIncidentsExample postmortem -->";
        static final String END = "<!-- END GENERATED: AlertingAndIncidentsExample postmortem -->";

        private ExampleDocs() {
        }

        /** The postmortem with its headings two levels down, so that it nests under the page's own sections. */
        static String block(String postmortem) {
            StringBuilder out = new StringBuilder(BEGIN).append("\n\n");
            for (String line : postmortem.strip().split("\n", -1)) {
                out.append(line.startsWith("#") ? "##" + line : line).append('\n');
            }
            return out.append('\n').append(END).toString();
        }

        static String replace(String page, String postmortem) {
            int begin = page.indexOf(BEGIN);
            int end = page.indexOf(END);
            if (begin < 0 || end < begin) {
                throw new IllegalArgumentException("the page has no generated postmortem section (" + BEGIN + ")");
            }
            return page.substring(0, begin) + block(postmortem) + page.substring(end + END.length());
        }
    }
}

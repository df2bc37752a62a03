package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every example document of the OpenSLO repository (see {@code src/test/resources/openslo/SOURCE.md})
 * either loads with the right window, target and indicator, or is rejected naming the document and
 * the field it cannot represent. No file of the corpus is left without an expectation.
 */
class OpenSloLoaderCorpusTest {

    private static final Path CORPUS = Path.of("src/test/resources/openslo");
    private final OpenSloLoader loader = OpenSloLoader.create();

    private final Map<String, Consumer<Path>> expectations = new LinkedHashMap<>();

    private void loads(String file, Consumer<OpenSloLoader.Result> check) {
        expectations.put(file, path -> check.accept(loader.loadAll(List.of(path))));
    }

    private void rejected(String file, String documentAndField) {
        expectations.put(file, path -> assertThatThrownBy(() -> loader.loadAll(List.of(path)))
                .as(file).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("file " + path.getFileName() + ", " + documentAndField));
    }

    private static void inert(OpenSloLoader.Result r, String kind, String... names) {
        assertThat(r.slos()).isEmpty();
        assertThat(r.inert()).containsOnlyKeys(kind);
        assertThat(r.inert().get(kind)).containsExactly(names);
    }

    private static void sli(OpenSloLoader.Result r, OpenSloLoader.Metric metric) {
        assertThat(r.slos()).isEmpty();
        assertThat(r.indicators()).containsOnlyKeys("great-sli");
        assertThat(r.indicators().get("great-sli").metric()).isEqualTo(metric);
    }

    @Test
    void everyDocumentOfTheCorpusLoadsRightOrIsRejectedNamingTheField() throws IOException {
        // --- the repository's examples directory
        loads("examples/budgeting-method/occurences-slo.yaml", r -> {
            Slo slo = r.slos().get(0);
            assertThat(slo.name()).isEqualTo("search-slo");
            assertThat(slo.agentId()).isEqualTo("web-shop");
            assertThat(slo.errorBudget().window()).isEqualTo(Duration.ofDays(14));
            assertThat(slo.errorBudget().target()).isCloseTo(0.99, within(1e-12));
            PercentileSli latency = (PercentileSli) slo.budgetIndicator().orElseThrow();
            assertThat(latency.name()).isEqualTo("search-latency");
            assertThat(latency.comparison()).isEqualTo(Comparison.BELOW); // op: lt
            assertThat(latency.target()).isEqualTo(500);
            assertThat(latency.percentile()).isEqualTo(0.99);
        });
        loads("examples/budgeting-method/ratio-timeslices.yaml", r -> {
            Slo slo = r.slos().get(0);
            assertThat(r.slos()).hasSize(1);
            assertThat(slo.name()).isEqualTo("main-page");
            assertThat(slo.agentId()).isEqualTo("web-shop");
            assertThat(slo.errorBudget().window()).isEqualTo(Duration.ofDays(14));
            assertThat(slo.errorBudget().calendarWindow()).isEmpty();
            assertThat(slo.errorBudget().target()).isCloseTo(0.99, within(1e-12));
            assertThat(slo.errorBudget().budgetingMethod()).isEqualTo(BudgetingMethod.RATIO_TIMESLICES);
            assertThat(slo.errorBudget().timeSlice()).hasValue(Duration.ofMinutes(1));
            assertThat(slo.indicators()).singleElement().isInstanceOf(EventRatioSli.class)
                    .satisfies(sli -> assertThat(sli.name()).isEqualTo("response-code"));
        });
        loads("examples/budgeting-method/timeslices-slo.yaml", r -> {
            // two objectives, two SLOs; "1m" is a minute in OpenSLO (the file's comment meant a month: that would be 1M)
            assertThat(r.slos()).extracting(Slo::name).containsExactly("service-availability/internal-objective", "service-availability/sla");
            CalendarWindow minute = new CalendarWindow(1, ChronoUnit.MINUTES, LocalDateTime.parse("2022-01-01T12:00:00"),
                    ZoneId.of("America/New_York"));
            for (Slo slo : r.slos()) {
                assertThat(slo.agentId()).isEqualTo("web-availability");
                assertThat(slo.errorBudget().calendarWindow()).hasValue(minute);
                assertThat(slo.errorBudget().budgetingMethod()).isEqualTo(BudgetingMethod.TIMESLICES);
                assertThat(slo.errorBudget().timeSlice()).hasValue(Duration.ofMinutes(1));
                assertThat(slo.errorBudget().timeSliceTarget()).isEqualTo(0.99);
                assertThat(slo.indicators()).singleElement().isInstanceOf(EventRatioSli.class);
            }
            assertThat(r.slos()).extracting(slo -> slo.errorBudget().target()).containsExactly(0.995, 0.99);
        });
        loads("examples/treat-low-traffic-as-equally-important/timeslices-slo.yaml", r -> {
            Slo slo = r.slos().get(0);
            assertThat(slo.name()).isEqualTo("service-availability");
            assertThat(slo.errorBudget().calendarWindow()).hasValue(new CalendarWindow(1, ChronoUnit.WEEKS,
                    LocalDateTime.parse("2022-01-01T12:00:00"), ZoneId.of("America/New_York")));
            assertThat(slo.errorBudget().target()).isCloseTo(0.9995, within(1e-12));
            assertThat(slo.errorBudget().budgetingMethod()).isEqualTo(BudgetingMethod.TIMESLICES);
            assertThat(slo.errorBudget().timeSlice()).hasValue(Duration.ofMinutes(1));
            assertThat(slo.errorBudget().timeSliceTarget()).isEqualTo(0.95);
        });

        // --- the README's examples
        loads("README-examples/readme-line-182-datasource.yaml", r -> inert(r, "DataSource", "string"));
        rejected("README-examples/readme-line-444-slo.yaml", "document 1: spec.budgetingMethod: is required");
        rejected("README-examples/readme-line-610-alertpolicy.yaml", "document 1: spec.conditions[0].conditionRef: no AlertCondition");
        rejected("README-examples/readme-line-628-alertpolicy.yaml", "document 1: spec.conditions[0].spec.condition.op: an alert on a burn rate below");
        rejected("README-examples/readme-line-712-alertcondition.yaml", "document 1: spec.condition.op: an alert on a burn rate below");
        loads("README-examples/readme-line-750-alertnotificationtarget.yaml", r -> inert(r, "AlertNotificationTarget", "OnCallDevopsMailNotification"));
        loads("README-examples/readme-line-762-alertnotificationtarget.yaml", r -> inert(r, "AlertNotificationTarget", "OnCallDevopsSlackNotification"));

        // --- the Go SDK's v1 examples (lists of objects)
        rejected("pkg/openslo/v1/examples/alert_conditions.yaml", "document 1: spec.condition.op: an alert on a burn rate below");
        loads("pkg/openslo/v1/examples/alert_notification_targets.yaml",
                r -> inert(r, "AlertNotificationTarget", "devs-email-notification", "pd-on-call-notification"));
        rejected("pkg/openslo/v1/examples/alert_policies.yaml", "document 1: spec.conditions[0].conditionRef: no AlertCondition");
        loads("pkg/openslo/v1/examples/data_sources.yaml", r -> inert(r, "DataSource", "prometheus", "datadog"));
        loads("pkg/openslo/v1/examples/services.yaml", r -> inert(r, "Service", "example-service", "example-service"));
        rejected("pkg/openslo/v1/examples/slis.yaml", "document 3: spec.ratioMetric.raw: a precomputed ratio");
        loads("pkg/openslo/v1/examples/slos.yaml", r -> {
            Slo slo = r.slos().get(0);
            assertThat(slo.name()).isEqualTo("web-availability");
            assertThat(slo.agentId()).isEqualTo("web");
            assertThat(slo.errorBudget().calendarWindow()).map(CalendarWindow::nominalLength).hasValue(Duration.ofDays(7));
            assertThat(slo.errorBudget().target()).isCloseTo(0.995, within(1e-12));
            assertThat(slo.errorBudget().budgetingMethod()).isEqualTo(BudgetingMethod.TIMESLICES);
            assertThat(slo.errorBudget().timeSliceTarget()).isEqualTo(0.95);
            assertThat(slo.indicators()).singleElement().satisfies(sli -> assertThat(sli.name()).isEqualTo("web-successful-requests-ratio"));
        });

        // --- the v1 schema test files, valid and invalid
        rejected("schema-test/spec-files/invalid-apiversion.yaml", "document 1: apiVersion: only openslo/v1 is supported, got \"foo\"");
        rejected("schema-test/spec-files/v1/invalid-apiversion.yaml", "document 1: apiVersion: only openslo/v1 is supported, got \"openslo/v1alpha\"");
        rejected("schema-test/spec-files/v1/alert-condition/alert-condition-no-condition.yaml", "document 1: spec.condition: is required");
        rejected("schema-test/spec-files/v1/alert-condition/alert-condition-no-description.yaml", "document 1: spec.condition.op: an alert on a burn rate below");
        rejected("schema-test/spec-files/v1/alert-condition/alert-condition-no-sev.yaml", "document 1: spec.severity: is required");
        rejected("schema-test/spec-files/v1/alert-condition/alert-condition.yaml", "document 1: spec.condition.op: an alert on a burn rate below");
        loads("schema-test/spec-files/v1/alert-notification-target/alert-notification-target-no-description.yaml",
                r -> inert(r, "AlertNotificationTarget", "on-call-devops-mail-notification"));
        rejected("schema-test/spec-files/v1/alert-notification-target/alert-notification-target-no-target.yaml", "document 1: spec.target: is required");
        loads("schema-test/spec-files/v1/alert-notification-target/alert-notification-target.yaml",
                r -> inert(r, "AlertNotificationTarget", "on-call-devops-mail-notification"));
        rejected("schema-test/spec-files/v1/alert-policy/alert-policy-inline-cond.yaml", "document 1: spec.conditions[0].spec.condition.op: is required");
        rejected("schema-test/spec-files/v1/alert-policy/alert-policy-malformed-cond.yaml", "document 1: spec.conditions[0]: must be {conditionRef");
        rejected("schema-test/spec-files/v1/alert-policy/alert-policy-malformed-targetref.yaml", "document 1: spec.notificationTargets[0]: must be {targetRef");
        rejected("schema-test/spec-files/v1/alert-policy/alert-policy-many-cond.yaml", "document 1: spec.conditions: must hold exactly one condition, got 9");
        rejected("schema-test/spec-files/v1/alert-policy/alert-policy-many-notificationref.yaml", "document 1: spec.conditions[0].conditionRef: no AlertCondition");
        rejected("schema-test/spec-files/v1/alert-policy/alert-policy-no-cond.yaml", "document 1: spec.conditions: is required");
        rejected("schema-test/spec-files/v1/alert-policy/alert-policy-no-notification.yaml", "document 1: spec.notificationTargets: is required");
        rejected("schema-test/spec-files/v1/alert-policy/alert-policy.yaml", "document 1: spec.conditions[0].conditionRef: no AlertCondition");
        loads("schema-test/spec-files/v1/data-source/data-source.yaml", r -> inert(r, "DataSource", "test-data-source"));
        for (String service : List.of("service-long-description", "service-no-displayname", "service")) {
            loads("schema-test/spec-files/v1/service/" + service + ".yaml", r -> inert(r, "Service", "my-rad-service"));
        }
        for (String prefix : List.of("sli-description-", "sli-no-description-")) {
            for (String source : List.of("inline-metricsource", "metricsourceref")) {
                loads("schema-test/spec-files/v1/sli/" + prefix + "ratio-bad-" + source + ".yaml", r -> sli(r, OpenSloLoader.Metric.RATIO_BAD_TOTAL));
                loads("schema-test/spec-files/v1/sli/" + prefix + "ratio-good-" + source + ".yaml", r -> sli(r, OpenSloLoader.Metric.RATIO_GOOD_TOTAL));
                loads("schema-test/spec-files/v1/sli/" + prefix + "threshold-" + source + ".yaml", r -> sli(r, OpenSloLoader.Metric.THRESHOLD));
            }
        }
        rejected("schema-test/spec-files/v1/sli/sli-description-ratio-inline-metricsource.yaml", "document 1: spec.ratioMetric: good and bad are exclusive");
        rejected("schema-test/spec-files/v1/sli/sli-ratio-good-and-bad.yaml", "document 1: spec.ratioMetric: good and bad are exclusive");
        for (String window : List.of("calendar", "rolling")) {
            for (String alerts : List.of("alerts", "no-alerts")) {
                rejected("schema-test/spec-files/v1/slo/slo-indicatorref-" + window + "-" + alerts + ".yaml",
                        "document 1: spec.indicatorRef: no SLI named \"indicator-ref-string\"");
            }
            rejected("schema-test/spec-files/v1/slo/slo-no-indicatorref-" + window + "-alerts.yaml",
                    "document 1: spec.alertPolicies[0]: no AlertPolicy named \"foo-alert-policy\"");
        }
        loads("schema-test/spec-files/v1/slo/slo-no-indicatorref-calendar-no-alerts.yaml", r -> {
            Slo slo = r.slos().get(0);
            assertThat(slo.errorBudget().calendarWindow()).hasValue(new CalendarWindow(1, ChronoUnit.DAYS,
                    LocalDateTime.parse("2020-01-21T12:30:00"), ZoneId.of("America/New_York")));
            assertThat(slo.errorBudget().target()).isCloseTo(0.98, within(1e-12));
            assertThat(slo.indicators()).singleElement().isInstanceOf(EventRatioSli.class)
                    .satisfies(sli -> assertThat(sli.name()).isEqualTo("foo-error"));
        });
        loads("schema-test/spec-files/v1/slo/slo-no-indicatorref-rolling-no-alerts.yaml", r -> {
            Slo slo = r.slos().get(0);
            assertThat(slo.errorBudget().window()).isEqualTo(Duration.ofDays(30)); // 1M: a month, not a minute
            assertThat(slo.errorBudget().calendarWindow()).isEmpty();
            assertThat(slo.indicators()).singleElement().isInstanceOf(EventRatioSli.class);
            assertThat(slo.agentId()).isEqualTo("the-service-name");
        });

        List<String> corpus;
        try (Stream<Path> files = Files.walk(CORPUS)) {
            corpus = files.filter(p -> p.toString().endsWith(".yaml")).map(p -> CORPUS.relativize(p).toString().replace('\\', '/'))
                    .sorted().collect(Collectors.toList());
        }
        assertThat(expectations.keySet()).as("every corpus file has an expectation").containsExactlyInAnyOrderElementsOf(corpus);
        for (Map.Entry<String, Consumer<Path>> e : expectations.entrySet()) {
            e.getValue().accept(CORPUS.resolve(e.getKey()));
        }
        long slos = corpus.stream().mapToLong(f -> count(CORPUS.resolve(f), "kind: SLO")).sum();
        System.out.printf("OpenSLO corpus: %d files, %d SLO documents%n", corpus.size(), slos);
    }

    private static long count(Path file, String line) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.trim().replace("- ", "").equals(line)).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

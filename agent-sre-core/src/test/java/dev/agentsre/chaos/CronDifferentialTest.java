package dev.agentsre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, defect 11: the cron parser against a reference implementation, cron-utils (UNIX
 * definition), over thousands of random expressions and instants in UTC, Europe/Berlin and
 * America/New_York — many of them near daylight-saving transitions. Every next-fire time must be
 * the same, or differ by one of the documented daylight-saving rules of cronie that this parser
 * follows and cron-utils does not ({@link DstRule}). A difference counts as explained only when a
 * brute-force oracle of those rules, minute by minute, agrees with this parser.
 *
 * <p>Not generated here, because they are not cron-utils syntax or not its semantics, and unit-tested
 * in {@link ChaosHardeningTest} instead: nicknames ({@code @daily}), steps larger than the field
 * ({@code *}{@code /60}), ranges ending on Sunday-as-0 ({@code 5-0}), and {@code *}{@code /n}
 * day fields with n &gt; 1 next to a restricted day field (cronie reads any {@code *}-led day field as
 * {@code *} for the either-day rule; cron-utils reads {@code *}{@code /2} as restricted).
 */
class CronDifferentialTest {

    /** The daylight-saving rules by which this parser may differ from cron-utils. */
    enum DstRule {
        /** Clocks jump forward: a fixed-time run in the skipped hour runs once, right after the jump. */
        FIXED_TIME_IN_SKIPPED_HOUR_RUNS_AFTER_THE_JUMP,
        /** Clocks jump forward: a wildcard run in the skipped hour does not run. */
        WILDCARD_IN_SKIPPED_HOUR_DOES_NOT_RUN,
        /** Clocks fall back: a fixed-time run in the repeated hour runs once, the first time. */
        FIXED_TIME_NEVER_TWICE_IN_REPEATED_HOUR,
        /** Clocks fall back: a wildcard run in the repeated hour runs both times. */
        WILDCARD_RUNS_IN_BOTH_REPEATED_HOURS
    }

    private static final CronParser REFERENCE = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final List<ZoneId> ZONES = List.of(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"));
    private static final String[] MONTH_NAMES = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    private static final String[] DAY_NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    @Test
    void nextFireTimesAgreeWithCronUtilsExceptByTheDocumentedDaylightSavingRules() {
        Random random = new Random(20260329L);
        Map<ZoneId, List<ZoneOffsetTransition>> transitions = new java.util.HashMap<>();
        for (ZoneId zone : ZONES) {
            List<ZoneOffsetTransition> list = new ArrayList<>();
            for (ZoneOffsetTransition t = zone.getRules().nextTransition(Instant.parse("2024-01-01T00:00:00Z"));
                 t != null && t.getInstant().isBefore(Instant.parse("2031-01-01T00:00:00Z")); t = zone.getRules().nextTransition(t.getInstant())) {
                list.add(t);
            }
            transitions.put(zone, list);
        }
        int compared = 0;
        int expressions = 0;
        Map<ZoneId, Integer> differences = new java.util.HashMap<>();
        Map<DstRule, Integer> byRule = new EnumMap<>(DstRule.class);
        List<String> unexplained = new ArrayList<>();
        while (expressions < 2_500) {
            String text = randomExpression(random);
            CronExpression ours;
            try {
                ours = CronExpression.parse(text);
            } catch (IllegalArgumentException neverMatches) {
                continue;
            }
            ExecutionTime theirs = ExecutionTime.forCron(REFERENCE.parse(text));
            expressions++;
            for (ZoneId zone : ZONES) {
                for (int k = 0; k < 4; k++) {
                    ZonedDateTime after = randomInstant(random, transitions.get(zone)).atZone(zone);
                    Instant mine = ours.next(after).toInstant();
                    Instant reference = theirs.nextExecution(after).orElseThrow().toInstant();
                    compared++;
                    if (mine.equals(reference)) {
                        continue;
                    }
                    differences.merge(zone, 1, Integer::sum);
                    DstRule rule = explain(ours, after, mine, reference);
                    if (rule == null) {
                        unexplained.add("'" + text + "' after " + after + ": ours " + mine.atZone(zone) + ", cron-utils "
                                + reference.atZone(zone));
                    } else {
                        byRule.merge(rule, 1, Integer::sum);
                    }
                }
            }
        }
        assertThat(unexplained).as("differences not explained by a documented DST rule, of " + compared + " next-fire times").isEmpty();
        assertThat(compared).isGreaterThanOrEqualTo(30_000);
        assertThat(differences.getOrDefault(ZoneOffset.UTC, 0)).as("UTC has no daylight saving: no difference at all").isZero();
        // The rules the issue names must show up: cron-utils runs a fixed-time job twice in a repeated hour and late (or
        // never) in a skipped one. (The wildcard rules show up only where cron-utils happens to differ.)
        assertThat(byRule).as("differences by rule: " + byRule).containsKeys(DstRule.FIXED_TIME_IN_SKIPPED_HOUR_RUNS_AFTER_THE_JUMP,
                DstRule.FIXED_TIME_NEVER_TWICE_IN_REPEATED_HOUR);
    }

    /**
     * Which DST rule explains a difference: null unless the brute-force oracle agrees with this parser
     * and the reference's time is one the rules move.
     */
    private static DstRule explain(CronExpression cron, ZonedDateTime after, Instant mine, Instant reference) {
        ZoneRules rules = after.getZone().getRules();
        if (!mine.equals(oracle(cron, after, mine.plus(1, ChronoUnit.MINUTES)))) {
            return null;
        }
        ZoneOffsetTransition atMine = transitionAt(rules, mine);
        if (cron.isFixedTime() && atMine != null && atMine.isGap()) {
            return DstRule.FIXED_TIME_IN_SKIPPED_HOUR_RUNS_AFTER_THE_JUMP;
        }
        if (cron.isFixedTime() && secondOccurrence(rules, reference)) {
            return DstRule.FIXED_TIME_NEVER_TWICE_IN_REPEATED_HOUR; // the reference ran the repeated hour's second pass
        }
        if (!cron.isFixedTime() && mine.isBefore(reference)
                && rules.getValidOffsets(LocalDateTime.ofInstant(mine, after.getZone())).size() == 2) {
            return DstRule.WILDCARD_RUNS_IN_BOTH_REPEATED_HOURS; // the reference skipped one pass of the repeated hour
        }
        if (!cron.isFixedTime() && reference.isBefore(mine)) {
            ZoneOffsetTransition gap = rules.previousTransition(reference.plusSeconds(1));
            if (gap != null && gap.isGap() && !reference.isAfter(gap.getInstant().plus(gap.getDuration()))
                    && !reference.isBefore(gap.getInstant())) {
                return DstRule.WILDCARD_IN_SKIPPED_HOUR_DOES_NOT_RUN; // the reference ran a skipped time shifted past the jump
            }
        }
        return null;
    }

    /** The first run after {@code after} by cronie's rules, minute by minute (not beyond {@code limit}). */
    private static Instant oracle(CronExpression cron, ZonedDateTime after, Instant limit) {
        ZoneId zone = after.getZone();
        ZoneRules rules = zone.getRules();
        for (Instant m = after.toInstant().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES); !m.isAfter(limit);
             m = m.plus(1, ChronoUnit.MINUTES)) {
            LocalDateTime local = LocalDateTime.ofInstant(m, zone);
            if (cron.matches(local.atZone(zone)) && !(cron.isFixedTime() && secondOccurrence(rules, m))) {
                return m;
            }
            ZoneOffsetTransition jump = transitionAt(rules, m);
            if (cron.isFixedTime() && jump != null && jump.isGap()) {
                for (LocalDateTime skipped = jump.getDateTimeBefore(); skipped.isBefore(jump.getDateTimeAfter());
                     skipped = skipped.plusMinutes(1)) {
                    if (cron.matches(skipped.atZone(ZoneOffset.UTC))) { // the fields of a local time that never came
                        return m;
                    }
                }
            }
        }
        return null;
    }

    private static ZoneOffsetTransition transitionAt(ZoneRules rules, Instant at) {
        ZoneOffsetTransition t = rules.nextTransition(at.minusSeconds(1));
        return t != null && t.getInstant().equals(at) ? t : null;
    }

    /** Whether {@code at} is in the second pass of a local hour that clocks falling back repeat. */
    private static boolean secondOccurrence(ZoneRules rules, Instant at) {
        ZoneOffsetTransition previous = rules.previousTransition(at.plusSeconds(1));
        return previous != null && previous.isOverlap() && !at.isBefore(previous.getInstant())
                && at.isBefore(previous.getInstant().plus(previous.getDuration().abs()));
    }

    private static Instant randomInstant(Random random, List<ZoneOffsetTransition> transitions) {
        if (!transitions.isEmpty() && random.nextInt(10) < 6) {
            ZoneOffsetTransition t = transitions.get(random.nextInt(transitions.size()));
            return t.getInstant().plus(Duration.ofSeconds(random.nextInt(36 * 3600 * 2) - 36 * 3600L));
        }
        return Instant.parse("2024-01-01T00:00:00Z").plus(Duration.ofSeconds((long) (random.nextDouble() * 7 * 365 * 86_400)));
    }

    private static String randomExpression(Random random) {
        String minute = field(random, 0, 59, null, 30);
        String hour = random.nextInt(10) < 5 ? nearDst(random) : field(random, 0, 23, null, 12);
        String dayOfWeek = random.nextInt(10) < 6 ? "*" : field(random, 0, 6, DAY_NAMES, 3);
        String dayOfMonth;
        int pick = random.nextInt(10);
        if (pick < 5 || starStep(dayOfWeek)) {
            dayOfMonth = "*"; // next to */n (n > 1) in the other day field: see the class javadoc
        } else if (pick < 6) {
            dayOfMonth = "*/1";
        } else if (pick < 7 && dayOfWeek.equals("*")) {
            dayOfMonth = "*/" + (2 + random.nextInt(10));
        } else {
            dayOfMonth = field(random, 1, 28, null, 10).replace("*", "1-31");
        }
        String month = random.nextInt(10) < 5 ? "*" : random.nextBoolean()
                ? List.of("3", "10", "11", "MAR", "OCT", "NOV", "3,10,11", "MAR-NOV").get(random.nextInt(8))
                : field(random, 1, 12, MONTH_NAMES, 4);
        return minute + " " + hour + " " + dayOfMonth + " " + month + " " + dayOfWeek;
    }

    private static boolean starStep(String field) {
        return field.startsWith("*/") && !field.equals("*/1");
    }

    /** An hour field around the daylight-saving hours (1, 2 and 3 o'clock). */
    private static String nearDst(Random random) {
        return List.of("2", "1", "3", "1-3", "2,3", "0-4/2", "2-5", "1,2").get(random.nextInt(8));
    }

    private static String field(Random random, int min, int max, String[] names, int maxStep) {
        int span = max - min + 1;
        switch (random.nextInt(7)) {
            case 0:
                return "*";
            case 1:
                return "*/" + (1 + random.nextInt(maxStep));
            case 2:
                return value(random, min + random.nextInt(span), min, names);
            case 3: {
                int a = min + random.nextInt(span);
                int b = a + random.nextInt(max - a + 1);
                return value(random, a, min, names) + "-" + value(random, b, min, names);
            }
            case 4: {
                int a = min + random.nextInt(span);
                int b = a + random.nextInt(max - a + 1);
                return a + "-" + b + "/" + (1 + random.nextInt(maxStep));
            }
            case 5: {
                StringBuilder list = new StringBuilder();
                int n = 2 + random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    list.append(i == 0 ? "" : ",").append(min + random.nextInt(span));
                }
                return list.toString();
            }
            default:
                return (min + random.nextInt(span)) + "/" + (1 + random.nextInt(maxStep));
        }
    }

    private static String value(Random random, int v, int min, String[] names) {
        // cron-utils reads SUN as 7, so SUN-THU is a backwards range there; Sunday stays 0 here
        boolean sunday = names != null && names.length == 7 && v == 0;
        return names != null && !sunday && random.nextInt(3) == 0 ? names[v - (names.length == 12 ? 1 : 0)] : String.valueOf(v);
    }
}

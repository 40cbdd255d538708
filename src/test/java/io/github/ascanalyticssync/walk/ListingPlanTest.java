package io.github.ascanalyticssync.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The listing rule: when a report's instances are listed, and what a listing teaches. */
class ListingPlanTest {

    static final List<String> DAILY = List.of("DAILY");
    static final int[] UNKNOWN = { 12 };
    static final LocalDate SAT = LocalDate.parse("2026-03-07");

    static Instant at(String time) {
        return Instant.parse(time);
    }

    /** A plan that listed at {@code listed} and saw the DAILY dates given. */
    static ListingPlan seen(String listed, String... dates) {
        return ListingPlan.never().after(at(listed), Map.of("DAILY", Set.of(dates).stream().map(LocalDate::parse).collect(java.util.stream.Collectors.toSet())), false, 7);
    }

    @Test
    void aReportNeverListedOrWithSomethingPendingIsListed() {
        assertTrue(ListingPlan.never().due(DAILY, at("2026-03-07T03:00:00Z"), 7, UNKNOWN, null));
        ListingPlan pending = ListingPlan.never().after(at("2026-03-07T02:00:00Z"), Map.of(), true, 7);
        assertTrue(pending.due(DAILY, at("2026-03-07T03:00:00Z"), 7, UNKNOWN, null));
    }

    @Test
    void todaysInstanceIsProbedAtTheProbeHoursOnlyAndNotOnceSeen() {
        ListingPlan p = seen("2026-03-07T00:30:00Z", "2026-03-05", "2026-03-06");
        assertFalse(p.due(DAILY, at("2026-03-07T11:30:00Z"), 7, UNKNOWN, null), "before the first probe hour");
        assertTrue(p.due(DAILY, at("2026-03-07T12:30:00Z"), 7, UNKNOWN, null), "at 12");
        ListingPlan missed = seen("2026-03-07T12:30:00Z", "2026-03-05", "2026-03-06");
        assertFalse(missed.due(DAILY, at("2026-03-07T13:30:00Z"), 7, UNKNOWN, null), "the 12 o'clock probe counts once");
        assertTrue(missed.due(DAILY, at("2026-03-07T23:30:00Z"), 7, UNKNOWN, null), "the last hour");
        ListingPlan found = seen("2026-03-07T12:30:00Z", "2026-03-05", "2026-03-06", "2026-03-07");
        assertFalse(found.due(DAILY, at("2026-03-07T23:30:00Z"), 7, UNKNOWN, null), "nothing new can come today");
        assertFalse(found.due(DAILY, at("2026-03-08T11:30:00Z"), 7, UNKNOWN, null));
        assertTrue(found.due(DAILY, at("2026-03-08T12:00:00Z"), 7, UNKNOWN, null), "the next day's instance");
    }

    @Test
    void aLateInstanceIsLookedForTheNextDayAndASkippedOneOnceADayWhenNotListedAnyway() {
        // 2026-03-06 came a day late: yesterday's date is probed like today's
        ListingPlan late = seen("2026-03-07T23:30:00Z", "2026-03-05");
        assertFalse(late.due(DAILY, at("2026-03-08T11:00:00Z"), 7, UNKNOWN, null));
        assertTrue(late.due(DAILY, at("2026-03-08T12:00:00Z"), 7, UNKNOWN, null));
        // WEEKLY only, Friday 2026-03-06 missing on Sunday: older than yesterday, re-checked once at the last hour
        ListingPlan weekly = ListingPlan.never().after(at("2026-03-07T23:30:00Z"),
                Map.of("WEEKLY", Set.of(LocalDate.parse("2026-02-27"))), false, 7);
        assertFalse(weekly.due(List.of("WEEKLY"), at("2026-03-08T22:30:00Z"), 7, UNKNOWN, null));
        assertTrue(weekly.due(List.of("WEEKLY"), at("2026-03-08T23:30:00Z"), 7, UNKNOWN, null));
        ListingPlan rechecked = weekly.after(at("2026-03-08T23:30:00Z"), Map.of(), false, 7);
        assertFalse(rechecked.due(List.of("WEEKLY"), at("2026-03-09T12:30:00Z"), 7, UNKNOWN, null), "once a day");
        assertTrue(rechecked.due(List.of("WEEKLY"), at("2026-03-09T23:30:00Z"), 7, UNKNOWN, null), "the next day again");
        assertTrue(rechecked.due(List.of("WEEKLY"), at("2026-03-13T12:30:00Z"), 7, UNKNOWN, null), "the next Friday");
    }

    @Test
    void theHourIsLearnedFromAProbeThatFoundWhatAnEarlierOneMissed() {
        ListingPlan morning = seen("2026-03-07T06:30:00Z", "2026-03-06");
        ListingPlan found = morning.after(at("2026-03-07T12:30:00Z"), Map.of("DAILY", Set.of(SAT)), false, 7);
        assertEquals(List.of(12), found.hours());
        assertEquals(List.of(12, 23), java.util.Arrays.stream(ListingPlan.probeHours(12, UNKNOWN)).boxed().toList());
        assertFalse(found.due(DAILY, at("2026-03-08T11:59:00Z"), 7, UNKNOWN, null));
        assertTrue(found.due(DAILY, at("2026-03-08T12:00:00Z"), 7, UNKNOWN, null));
        assertEquals(found, ListingPlan.parse(found.format()), "kept in the state store as text");
        assertEquals(ListingPlan.never(), ListingPlan.parse("not a plan"));
    }

    static final Duration EVERY_SYNC = Duration.ZERO;

    @Test
    void withCallsToSpareADueReportIsListedAtEverySyncUntilSeen() {
        ListingPlan p = seen("2026-03-07T00:30:00Z", "2026-03-05", "2026-03-06");
        assertTrue(p.due(DAILY, at("2026-03-07T01:30:00Z"), 7, UNKNOWN, EVERY_SYNC), "the hour unknown: from midnight, at every sync");
        ListingPlan missed = seen("2026-03-07T01:30:00Z", "2026-03-05", "2026-03-06");
        assertTrue(missed.due(DAILY, at("2026-03-07T02:30:00Z"), 7, UNKNOWN, EVERY_SYNC));
        ListingPlan found = missed.after(at("2026-03-07T02:30:00Z"), Map.of("DAILY", Set.of(SAT)), false, 7);
        assertFalse(found.due(DAILY, at("2026-03-07T03:30:00Z"), 7, UNKNOWN, EVERY_SYNC), "nothing new can come today");
        assertEquals(List.of(2), found.hours(), "the hour learned: an earlier listing today missed it");
    }

    @Test
    void theGapThinsTheListingsOutAndTheLearnedHoursBoundThem() {
        Duration sixHours = Duration.ofHours(6);
        ListingPlan p = seen("2026-03-07T00:30:00Z", "2026-03-05", "2026-03-06");
        assertFalse(p.due(DAILY, at("2026-03-07T05:30:00Z"), 7, UNKNOWN, sixHours));
        assertTrue(p.due(DAILY, at("2026-03-07T06:30:00Z"), 7, UNKNOWN, sixHours), "six hours into the day");
        ListingPlan six = seen("2026-03-07T06:30:00Z", "2026-03-05", "2026-03-06");
        assertFalse(six.due(DAILY, at("2026-03-07T11:30:00Z"), 7, UNKNOWN, sixHours));
        assertTrue(six.due(DAILY, at("2026-03-07T12:30:00Z"), 7, UNKNOWN, sixHours), "six hours after the last listing");
        // instances seen at 14 to 16 on recent days: not listed before 13, from then at every sync
        ListingPlan learned = seen("2026-03-06T23:30:00Z", "2026-03-05", "2026-03-06").withHours(14, 15, 16);
        assertFalse(learned.due(DAILY, at("2026-03-07T12:30:00Z"), 7, UNKNOWN, EVERY_SYNC), "before the earliest hour");
        assertTrue(learned.due(DAILY, at("2026-03-07T13:30:00Z"), 7, UNKNOWN, EVERY_SYNC));
        assertTrue(seen("2026-03-06T23:30:00Z", "2026-03-05", "2026-03-06").withHours(14, 16).due(DAILY, at("2026-03-07T00:30:00Z"), 7,
                UNKNOWN, EVERY_SYNC), "two days' hours are not enough: from midnight");
        assertFalse(learned.due(DAILY, at("2026-03-07T15:30:00Z"), 7, UNKNOWN, null), "no calls to spare: not before the latest hour");
        assertTrue(learned.due(DAILY, at("2026-03-07T16:30:00Z"), 7, UNKNOWN, null), "the latest hour is a floor probe");
        // found at the day's first listing: it came earlier than on recent days, the window opens an hour earlier
        ListingPlan early = learned.after(at("2026-03-07T13:30:00Z"), Map.of("DAILY", Set.of(SAT)), false, 7);
        assertEquals(List.of(14, 15, 16, 12), early.hours());
        assertEquals(early, ListingPlan.parse(early.format()));
        assertEquals(List.of(12), ListingPlan.parse("2026-03-07T12:30:00Z|12|false|DAILY=2026-03-06").hours(), "a plan kept with one hour");
    }

    @Test
    void aFloorProbeThatFindsTodaysInstanceLeavesTheLearnedHoursAlone() {
        // no calls to spare: the day's first listing is the floor probe at the latest hour (16), long after the window
        // opened (13); that it found the instance says nothing about an earlier hour, day after day
        ListingPlan learned = seen("2026-03-06T23:30:00Z", "2026-03-05", "2026-03-06").withHours(14, 15, 16);
        assertTrue(learned.due(DAILY, at("2026-03-07T16:30:00Z"), 7, UNKNOWN, null), "the floor probe");
        ListingPlan probed = learned.after(at("2026-03-07T16:30:00Z"), Map.of("DAILY", Set.of(SAT)), false, 7);
        assertEquals(List.of(14, 15, 16), probed.hours(), "nothing learned");
        ListingPlan nextDay = probed.after(at("2026-03-08T16:30:00Z"), Map.of("DAILY", Set.of(SAT.plusDays(1))), false, 7);
        assertEquals(List.of(14, 15, 16), nextDay.hours(), "nor the next day: the window stays where the hours put it");
        assertFalse(nextDay.due(DAILY, at("2026-03-09T12:30:00Z"), 7, UNKNOWN, EVERY_SYNC), "the window still opens at 13");
    }

    @Test
    void instancesGoOldestFirstAcrossAppsAndReports() {
        List<DeliveryQueue.Item> queued = new java.util.ArrayList<>(List.of(item("c", "app1", "DAILY", "2026-03-07"),
                item("d", "app2", "DAILY", "2026-03-01"), item("a", "app1", "DAILY", "2026-02-01"), item("b", "app2", "MONTHLY", "2026-03-01")));
        queued.sort(DeliveryQueue.OLDEST_FIRST);
        assertEquals(List.of("a", "b", "d", "c"), queued.stream().map(DeliveryQueue.Item::instanceId).toList());
    }

    static DeliveryQueue.Item item(String id, String app, String granularity, String date) {
        return new DeliveryQueue.Item(app, "r", "ONGOING", false, "rep", "App Crashes", "APP_USAGE", id, granularity, date);
    }
}

package io.github.ascanalyticssync.walk;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.api.RateBudget;
import io.github.ascanalyticssync.config.KeySettings;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.ledger.StateStore;

/**
 * How often a key's reports whose new instance is due and not seen are listed ({@link ListingPlan}'s gap): the calls
 * the key has to spare in an hour, spent on freshness. The spare is the key's calls per hour (its rate budget, or
 * Apple's announced hourly limit when smaller) less the reserve and less the routine cost of its apps (per app and
 * day a requests and a reports listing, per report one instances listing and one segments listing per new instance);
 * divided over the reports awaiting a new instance, it gives how often each can be listed: with plenty to spare at
 * every sync (or every {@code asc.sync.listing.max-delay}), stretching as the key's apps grow, and with nothing to
 * spare only at the floor probe hours. The counts are the previous sync's (kept in the state store as
 * {@code listing-budget/<key>}, in clustered mode per shard as {@code listing-budget/<key>/<shard>} and summed over the
 * shards), so a one-shot run knows them from its first listing. A sync whose walk was cut short (the quota, a listing
 * that failed, a refused key) saw only part of the reports: it keeps the larger of the stored and its own counts, so
 * that a short walk never makes the routine look cheaper and the spare larger just when the quota is tight.
 */
@ApplicationScoped
public class ListingBudget {

    private static final String KEY = "listing-budget/";

    @Inject
    StateStore store;

    @Inject
    SyncConfig config;

    @Inject
    ApiKeys keys;

    /** This sync's counts per key, for the next sync. */
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    /** Per key, the gap worked out once per sync (at its first report). */
    private final Map<String, Headroom> headroom = new ConcurrentHashMap<>();

    /** The key's headroom: what it can spend on freshness, and the resulting listing gap (null: floor probes only). */
    record Headroom(double callsPerHour, double routinePerHour, double sparePerHour, int reports, int awaiting, int apps, Duration gap) {

        Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("callsPerHour", Math.round(callsPerHour));
            m.put("routinePerHour", Math.round(routinePerHour * 10) / 10.0);
            m.put("sparePerHour", Math.round(sparePerHour * 10) / 10.0);
            m.put("reports", reports);
            m.put("reportsAwaiting", awaiting);
            m.put("apps", apps);
            m.put("listingGap", gap == null ? null : gap.toString());
            m.put("delay", words(gap));
            return m;
        }

        /** The longest wait of a new instance before a sync lists it, in words. */
        static String words(Duration gap) {
            if (gap == null) {
                return "no calls to spare: listed at the probe hours only (up to the day's last hour)";
            }
            if (gap.isZero()) {
                return "listed at every sync";
            }
            return "listed about every " + gap.toString().substring(2).toLowerCase();
        }
    }

    private static final class Tally {
        final AtomicInteger reports = new AtomicInteger();
        final AtomicInteger awaiting = new AtomicInteger();
        final Set<String> apps = ConcurrentHashMap.newKeySet();
    }

    /** Whether this sync is one shard's (clustered mode): then the counts are kept per shard. */
    private volatile boolean sharded;

    /** A sync starts, of the shard (null: not clustered). */
    public void syncStarted(Integer shard) {
        tallies.clear();
        headroom.clear();
        sharded = shard != null;
    }

    /** A report of the key's app was weighed in this sync; {@code awaiting}: its new instance is due and not seen. */
    void weighed(String key, String appId, boolean awaiting) {
        Tally t = tallies.computeIfAbsent(key, k -> new Tally());
        t.reports.incrementAndGet();
        t.apps.add(appId);
        if (awaiting) {
            t.awaiting.incrementAndGet();
        }
    }

    /** The key's listing gap in this sync: zero for every sync, null for the floor probes only. */
    Duration gap(String key) {
        return headroom(key).gap();
    }

    Headroom headroom(String key) {
        return headroom.computeIfAbsent(key, k -> compute(k, stored(k)));
    }

    /** The headroom with the counts of a sync: reports, awaiting, apps. */
    private Headroom compute(String key, int[] last) {
        RateBudget budget = keys.budget(key);
        double windowHours = budget.window().toMillis() / 3_600_000.0;
        double perHour = budget.budget() / windowHours;
        Integer announced = budget.announcedLimit();
        if (announced != null) {
            perHour = Math.min(perHour, announced); // Apple announces a limit per hour
        }
        int reports = last[0];
        int awaiting = last[1];
        int apps = last[2];
        double routine = (2.0 * apps + reports * (1 + newInstancesPerDay())) / 24;
        double spare = perHour - budget.reserve() - routine;
        Duration maxDelay = config.sync().listing().maxDelay();
        Duration gap;
        // nothing awaited at the last sync: any report may await one at this one (a new day)
        int waiting = awaiting > 0 ? awaiting : reports;
        if (reports == 0) {
            gap = maxDelay; // nothing known yet: the first sync lists every report anyway
        } else if (spare <= 0) {
            gap = null;
        } else {
            gap = Duration.ofSeconds(Math.round(waiting / spare * 3600));
            gap = gap.compareTo(maxDelay) < 0 ? maxDelay : gap;
        }
        return new Headroom(perHour, routine, spare, reports, awaiting, apps, gap);
    }

    /** New instances per report and day of the selected granularities (DAILY 1, WEEKLY 1/7, MONTHLY about 1/30). */
    private double newInstancesPerDay() {
        double n = 0;
        for (String g : AscWalk.granularities(config)) {
            n += switch (g) {
                case "WEEKLY" -> 1.0 / 7;
                case "MONTHLY" -> 1.0 / 30;
                default -> 1;
            };
        }
        return n;
    }

    /** The previous syncs' counts of the key, summed over the shards: reports, awaiting, apps. */
    private int[] stored(String key) {
        return stored(key, sharded ? config.cluster().shards() : null);
    }

    /** The kept counts of the key: of its only entry ({@code shards} null), or summed over the shards. */
    int[] stored(String key, Integer shards) {
        if (shards == null) {
            return read(entry(key, null));
        }
        int[] sum = new int[3];
        for (int shard = 0; shard < shards; shard++) {
            int[] one = read(entry(key, shard));
            for (int i = 0; i < sum.length; i++) {
                sum[i] += one[i];
            }
        }
        return sum;
    }

    private static String entry(String key, Integer shard) {
        return KEY + key + (shard == null ? "" : "/" + shard);
    }

    private int[] read(String entry) {
        return store.get(entry).map(v -> {
            try {
                String[] p = v.split("\\|");
                return new int[] { Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]) };
            } catch (RuntimeException e) {
                return new int[3];
            }
        }).orElse(new int[3]);
    }

    /**
     * Keeps a sync's counts of the key for its shard (null: not clustered); after a walk cut short, the larger of the
     * kept and the new ones, each count on its own.
     */
    void keep(String key, Integer shard, int[] counts, boolean cutShort) {
        String entry = entry(key, shard);
        int[] kept = counts.clone();
        if (cutShort) {
            int[] before = read(entry);
            for (int i = 0; i < kept.length; i++) {
                kept[i] = Math.max(kept[i], before[i]);
            }
        }
        store.put(entry, kept[0] + "|" + kept[1] + "|" + kept[2]);
    }

    /**
     * After the sync of the shard (null: not clustered): its counts kept for the next one, per configured key (none
     * weighed: nothing of the key in this shard), and the headroom of each configured key, as the status shows it.
     */
    public Map<String, Object> syncFinished(Integer shard, boolean walkComplete) {
        Map<String, Object> out = new TreeMap<>();
        for (KeySettings.Key k : keys.all()) {
            String key = k.name();
            Tally t = tallies.get(key);
            int[] counts = t == null ? new int[3] : new int[] { t.reports.get(), t.awaiting.get(), t.apps.size() };
            keep(key, shard, counts, !walkComplete);
            out.put(key, compute(key, stored(key)).view());
        }
        return out;
    }
}

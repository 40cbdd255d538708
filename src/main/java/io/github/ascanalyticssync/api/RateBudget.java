package io.github.ascanalyticssync.api;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import io.github.ascanalyticssync.ledger.StateStore;

/**
 * One key's share of Apple's quota, shared by every route and worker, and by every process that shares the state
 * store. Two limits hold: the sync's own budget ({@code asc.sync.rate-limit.calls-per-window}, at most {@code budget}
 * calls of its own in any rolling window; Apple counts a rolling hour per key) and Apple's quota for the key (no more
 * calls than Apple's last {@code X-Rate-Limit} remainder allows, one call at a time and paced to one per
 * {@code window / limit} once that remainder falls to the reserve, no call while the quota is gone, none before a
 * {@code Retry-After}). The quota is gone after a 429 that announces no calls left (until {@code Retry-After}, or until
 * enough of the window has passed), or when the remainder is spent; the first call after such a pause goes alone, and
 * if it meets a 429 too, the run starts no further call.
 *
 * <p>
 * The own budget, unless configured ({@code strict}), yields to Apple's figure: while Apple announces more calls left
 * than the reserve, the own count does not hold a call back; without a recent figure from Apple, or near the reserve,
 * it holds. A configured budget always holds.
 *
 * <p>
 * Every wait is bounded and said: a call that would wait for a limit returning later than {@code maxWait} from now ends
 * the run's calls at once, with one line naming whose limit it is and until when; a shorter wait is said once per
 * episode (one line, not one per call: the episode ends when a call goes without waiting), naming whose limit it is and
 * until when. What Apple announced, the end of the pause and the own calls of the window are kept in the state store
 * ({@link QuotaRecord}), so the next process takes them into account from its first call. Every wait ends at once when
 * the application stops ({@link #stop()}). The retry itself is Camel's redelivery; this only decides whether and when
 * the next call may go.
 *
 * <p>
 * Written here rather than taken from a token-bucket library: a bucket refilled per hour admits up to twice its size
 * in some rolling hour, the budget must hold for every rolling hour, and it combines its own count with Apple's.
 */
public class RateBudget {

    /** Whose limit a call waits for. */
    public enum Limit {
        /** The sync's own budget, {@code asc.sync.rate-limit.calls-per-window}. */
        OWN_BUDGET,
        /** Apple's quota for the key is used up (its {@code X-Rate-Limit} remainder spent, or a 429 with none left). */
        APPLE_QUOTA,
        /** Apple answered 429 with a {@code Retry-After} while its quota still had calls left. */
        RETRY_AFTER
    }

    private static final Logger LOG = Logger.getLogger(RateBudget.class);
    private static final long POLL_MS = 50;
    /** A wait shorter than this is not worth a line (pacing, calls in flight). */
    private static final long SAY_MS = 1000;
    private static final long PERSIST_EVERY_MS = 5_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final String NO_FURTHER_CALL = "this run starts no further API call and leaves the rest for the next run";

    /** A limit that holds calls back until a moment; kind null: none holds now. */
    private record Hold(Limit kind, long until) {
    }

    private final String key;
    private final int budget;
    private final boolean strict;
    private final String setting;
    private final long window;
    private final int reserve;
    private final long maxWait;
    private final StateStore store;
    /** Per call: {when it ended (Long.MAX_VALUE while in flight), when it started}, in epoch ms. */
    private final Deque<long[]> calls = new ArrayDeque<>();
    private Integer limit;
    private Integer remaining;
    private long observed;
    private int startedSince;
    private int inFlight;
    private long pausedUntil;
    private Long retryAfter;
    private long goneUntil;
    private boolean probing;
    private long paceMs;
    private long pacedSaid;
    private long lastCall;
    private long lastPersist;
    // the waits in flight
    private int waiters;
    private Limit waitingFor;
    private long waitingUntil;
    private Limit announced;
    // the run in flight
    private long goneInRun;
    /** Whose limit ended the run's calls, or null while they go on. */
    private Limit exhaustedBy;
    private long exhaustedUntil;
    /** What the wait ended by {@link #stop()} waited for (until {@link #waitingUntil}), or null. */
    private Limit stoppedWaitingFor;
    private volatile boolean stopping;

    /**
     * @param strict whether the budget was configured: it then holds even while Apple announces more calls left
     * @param setting the property the budget comes from, for the lines that name it
     * @param store where the quota is shared with the next process; null: this process only
     */
    public RateBudget(String key, int budget, boolean strict, String setting, Duration window, int reserve, Duration maxWait, StateStore store) {
        if (budget < 1) {
            throw new IllegalStateException(setting + " must be at least 1, not " + budget);
        }
        this.key = key;
        this.budget = budget;
        this.strict = strict;
        this.setting = setting;
        this.window = window.toMillis();
        this.reserve = reserve;
        this.maxWait = maxWait.toMillis();
        this.store = store;
        load(true);
    }

    /**
     * Waits until one more call may go, then counts it; the caller passes the returned ticket to {@link #done(long[])}
     * when the call has ended, and to {@link #answered} with its response. A call counts until a full window after it
     * ended, so that the server, which sees it arrive earlier, never counts more than the budget in any window.
     *
     * @throws AppStoreConnectException.QuotaExhausted when the run starts no further call (a limit holds the call back
     *         longer than the maximum wait, a 429 came again after the pause, or the application is stopping)
     */
    public synchronized long[] acquire() {
        boolean waited = false;
        while (true) {
            long now = System.currentTimeMillis();
            calls.removeIf(c -> c[0] <= now - window);
            Long apple = appleLeft(now);
            long left = apple == null ? Long.MAX_VALUE : apple;
            if (left <= 0 && inFlight == 0 && goneUntil <= now && !stopping && exhaustedBy == null) {
                gone(now, null);
                continue;
            }
            AppStoreConnectException.QuotaExhausted refused = refusal(now);
            if (refused != null) {
                throw refused;
            }
            // whose limit holds the call back, and until when
            Hold hold = holding(now);
            Limit kind = hold.kind();
            long until = hold.until();
            long wait = 0;
            if (calls.size() >= budget && ownHolds(apple)) {
                long earliest = calls.stream().mapToLong(c -> c[0]).min().orElse(now);
                if (earliest == Long.MAX_VALUE) {
                    wait = POLL_MS; // every counted call still in flight: it frees a window after it ends
                } else if (earliest + window > until) {
                    kind = Limit.OWN_BUDGET;
                    until = earliest + window;
                }
            }
            // no call waits for a limit that returns later than the maximum wait from now
            if (kind != null && until - now > maxWait) {
                exhaust(kind, until, beyondMaxWait(kind, until, apple));
                throw refusal(now);
            }
            long paced = lastCall + paceMs;
            if (paceMs > 0 && paced - now > maxWait) {
                // calls spaced for Apple's quota near its end (said once when the spacing began): bounded too
                exhaust(Limit.APPLE_QUOTA, paced, sentence(quota() + " is near its end" + apple(apple) + ": calls go " + paceMs + " ms apart, the next at "
                        + TIME.format(Instant.ofEpochMilli(paced)) + ", later than asc.sync.rate-limit.max-wait (" + human(Duration.ofMillis(maxWait))
                        + ") allows: " + NO_FURTHER_CALL));
                throw refusal(now);
            }
            if ((left <= 0 || left <= reserve || probing) && inFlight > 0) {
                wait = Math.max(wait, POLL_MS);
            }
            wait = Math.max(wait, Math.max(until - now, paced - now));
            if (wait <= 0) {
                long[] ticket = { Long.MAX_VALUE, now };
                calls.addLast(ticket);
                inFlight++;
                startedSince++;
                lastCall = now;
                if (!waited) {
                    announced = null; // a call went without waiting: the next wait is a new episode
                }
                return ticket;
            }
            if (kind != null) {
                waited = true;
                if (until - now > SAY_MS) {
                    say(kind, until, now, apple);
                }
            }
            waiters++;
            waitingFor = kind;
            waitingUntil = until;
            try {
                wait(Math.max(1, wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            } finally {
                waiters--;
            }
        }
    }

    /** Whether the own count holds a call back: when configured, and otherwise unless Apple announces more than the reserve left. */
    private boolean ownHolds(Long apple) {
        return strict || apple == null || apple <= reserve;
    }

    /** Calls left by Apple's last figure (minus those started since), or null without a figure of this window. */
    private Long appleLeft(long now) {
        return remaining == null || now - observed >= window ? null : (long) remaining - startedSince;
    }

    /** Apple's quota or Retry-After pause, whichever holds calls back longer, and until when; kind null when neither does. */
    private Hold holding(long now) {
        long until = Math.max(pausedUntil, goneUntil);
        return until <= now ? new Hold(null, now) : new Hold(goneUntil >= pausedUntil ? Limit.APPLE_QUOTA : Limit.RETRY_AFTER, until);
    }

    /** The one line of a wait episode: whose limit, until when. */
    private void say(Limit kind, long until, long now, Long apple) {
        if (kind == announced) {
            return;
        }
        announced = kind;
        String line = sentence(whose(kind) + ": API calls resume at " + TIME.format(Instant.ofEpochMilli(until)) + " (in " + (until - now + 999) / 1000
                + " s) by themselves" + figure(kind, apple));
        if (kind == Limit.OWN_BUDGET) {
            LOG.info(line);
        } else {
            LOG.warn(line);
        }
    }

    private String beyondMaxWait(Limit kind, long until, Long apple) {
        return sentence(whose(kind) + " until " + TIME.format(Instant.ofEpochMilli(until)) + ", longer than asc.sync.rate-limit.max-wait ("
                + human(Duration.ofMillis(maxWait)) + "): " + NO_FURTHER_CALL + figure(kind, apple) + hint(kind, apple));
    }

    /** Whose limit and what it did, as the subject of a sentence: "the sync's own budget for key X is spent (...)". */
    private String whose(Limit kind) {
        return switch (kind) {
            case OWN_BUDGET -> ownBudget() + " is spent (" + setting + "=" + budget + " calls per " + human(Duration.ofMillis(window)) + ")";
            case APPLE_QUOTA -> quota() + " is used up";
            case RETRY_AFTER -> quota() + " holds calls back (Apple answered 429 with Retry-After: " + (retryAfter == null ? "?" : retryAfter) + " s)";
        };
    }

    /** Whose limit: "the sync's own budget for key X" or "App Store Connect's quota for key X". */
    private String subject(Limit kind) {
        return kind == Limit.OWN_BUDGET ? ownBudget() : quota();
    }

    private String ownBudget() {
        return "the sync's own budget for key " + key;
    }

    private String quota() {
        return "App Store Connect's quota for key " + key;
    }

    /** Apple's last figure, after any limit but its used-up quota (whose figure is gone): "; App Store Connect announces ...". */
    private String figure(Limit kind, Long apple) {
        return kind == Limit.APPLE_QUOTA ? "" : apple(apple);
    }

    private String apple(Long apple) {
        return apple == null || limit == null ? "" : "; App Store Connect announces " + Math.max(0, apple) + " of " + limit + " calls left";
    }

    /** For a configured own budget that ended the calls while Apple announces plenty: what the user can do. */
    private String hint(Limit kind, Long apple) {
        return kind == Limit.OWN_BUDGET && strict && apple != null && apple > reserve
                ? " (raise " + setting + ", or leave it unset to let App Store Connect's figure decide)" : "";
    }

    private static String sentence(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String human(Duration d) {
        return d.toString().substring(2).toLowerCase();
    }

    /** The call of the ticket has ended (answered or not). */
    public synchronized void done(long[] ticket) {
        if (ticket != null && ticket[0] == Long.MAX_VALUE) {
            ticket[0] = System.currentTimeMillis();
            inFlight--;
        }
        notifyAll();
        if (ticket != null && ticket[0] - lastPersist >= PERSIST_EVERY_MS) {
            persist();
        }
    }

    /**
     * Apple's answer to the call of the ticket: its {@code X-Rate-Limit} figures (when sent), and for a 429 its
     * {@code Retry-After}. A 429 that still announces calls left is a burst: a pause of {@code Retry-After}; one that
     * announces none (or no figure) means the quota is gone.
     */
    public synchronized void answered(long[] ticket, int status, Integer announcedLimit, Integer announcedRemaining, Long retryAfterSeconds) {
        long now = System.currentTimeMillis();
        if (announcedLimit != null && announcedRemaining != null && announcedLimit > 0) {
            limit = announcedLimit;
            if (status != 429) {
                remaining = announcedRemaining;
                observed = now;
                startedSince = Math.max(0, inFlight - 1);
                long pace = announcedRemaining <= reserve ? window / announcedLimit : 0;
                // once per stretch near the end: answers that arrive out of order make the figure flap around the reserve
                if (paceMs == 0 && pace > 0 && now - pacedSaid >= Math.min(window, 60_000)) {
                    pacedSaid = now;
                    LOG.warnf("App Store Connect's quota for key %s is near its end (%d of %d calls left, asc.sync.rate-limit.reserve=%d): calls go"
                            + " one at a time, %d ms apart, from %s, until Apple announces more than the reserve left", key, announcedRemaining,
                            announcedLimit, reserve, pace, TIME.format(Instant.ofEpochMilli(now)));
                }
                paceMs = pace;
            }
        }
        if (status >= 200 && status < 300) {
            probing = false;
        } else if (status == 429) {
            if (announcedRemaining != null && announcedRemaining > 0) {
                if (retryAfterSeconds != null && retryAfterSeconds > 0) {
                    retryAfter = retryAfterSeconds;
                    pausedUntil = Math.max(pausedUntil, now + retryAfterSeconds * 1000);
                }
            } else {
                if (goneInRun > 0 && ticket != null && ticket[1] >= goneInRun) {
                    exhaust(Limit.APPLE_QUOTA, now, sentence(whose(Limit.APPLE_QUOTA) + ": Apple answered 429 again after the pause; " + NO_FURTHER_CALL));
                }
                goneInRun = goneInRun > 0 ? goneInRun : now;
                gone(now, retryAfterSeconds);
            }
        }
        notifyAll();
    }

    /** A new sync: what other processes stored meanwhile, and a fresh start for the run's own limits. */
    public synchronized void syncStarted() {
        load(false);
        goneInRun = 0;
        exhaustedBy = null;
        announced = null;
        stoppedWaitingFor = null;
    }

    /** The application is stopping: every wait ends now, and no further call starts. */
    public synchronized void stop() {
        if (!stopping && waiters > 0 && waitingFor != null) {
            stoppedWaitingFor = waitingFor; // until waitingUntil: no wait starts once stopping
        }
        stopping = true;
        notifyAll();
        persist();
    }

    /** Stores what the next process needs to know (at the end of a sync; otherwise every few seconds while calling). */
    public synchronized void flush() {
        persist();
    }

    /**
     * After a 429: the refusal the next call of this run would meet (the quota gone for longer than the maximum wait,
     * or a 429 again after the pause), or null when a retry may wait for it. Thrown in place of the 429 itself, so that
     * the call's first failure already says that no retry follows.
     */
    public synchronized AppStoreConnectException.QuotaExhausted refusal() {
        return refusal(System.currentTimeMillis());
    }

    /** The refusal of the run's next call (acquire's check, and {@link #refusal()}), or null when it may wait. */
    private AppStoreConnectException.QuotaExhausted refusal(long now) {
        Hold hold = holding(now);
        if (exhaustedBy == null && !stopping && hold.kind() != null && hold.until() - now > maxWait) {
            exhaust(hold.kind(), hold.until(), beyondMaxWait(hold.kind(), hold.until(), appleLeft(now)));
        }
        return exhaustedBy == null && !stopping ? null
                : new AppStoreConnectException.QuotaExhausted(key, stopping ? "the application is stopping"
                        : "no further API call in this run (" + (exhaustedBy == Limit.OWN_BUDGET ? "the sync's own budget" : "App Store Connect's quota")
                                + "; said once above)", resumeAt(), stopping);
    }

    /** Whether this run starts no further call because a limit (the own budget or Apple's quota) holds it back. */
    public synchronized boolean exhausted() {
        return exhaustedBy != null;
    }

    /**
     * What ended the run's calls, as the start of the sync's closing sentence: "App Store Connect's quota for key X is
     * used up" or "the sync's own budget for key X is spent (...)"; null when nothing did.
     */
    public synchronized String spent() {
        if (exhaustedBy == null) {
            return null;
        }
        Long apple = appleLeft(System.currentTimeMillis());
        return whose(exhaustedBy) + figure(exhaustedBy, apple) + hint(exhaustedBy, apple);
    }

    /** What a wait ended by {@link #stop()} waited for ("the sync's own budget for key X until T"), or null. */
    public synchronized String stoppedWaiting() {
        return stoppedWaitingFor == null ? null : subject(stoppedWaitingFor) + " until " + TIME.format(Instant.ofEpochMilli(waitingUntil));
    }

    /** What a call waits for now ("the sync's own budget for key X until T"), or null when none waits for a limit. */
    public synchronized String waiting() {
        if (waiters == 0 || waitingFor == null || waitingUntil <= System.currentTimeMillis()) {
            return null;
        }
        return subject(waitingFor) + " until " + TIME.format(Instant.ofEpochMilli(waitingUntil));
    }

    /** When calls can go again, or null when they can now. */
    public synchronized Instant resumeAt() {
        long until = Math.max(pausedUntil, goneUntil);
        if (exhaustedBy == Limit.OWN_BUDGET) {
            until = Math.max(until, exhaustedUntil);
        }
        return until > System.currentTimeMillis() ? Instant.ofEpochMilli(until) : null;
    }

    /** Calls counted in the current window (in flight included). */
    public synchronized int used() {
        long now = System.currentTimeMillis();
        calls.removeIf(c -> c[0] <= now - window);
        return calls.size();
    }

    public int budget() {
        return budget;
    }

    /**
     * Calls one window allows: a configured budget, or Apple's announced limit when smaller; an unconfigured budget
     * yields to Apple's announced limit.
     */
    public synchronized int callsPerWindow() {
        return limit == null ? budget : strict ? Math.min(budget, limit) : limit;
    }

    /** Apple's last announced limit ({@code X-Rate-Limit}, calls per hour), or null before any was announced. */
    public synchronized Integer announcedLimit() {
        return limit;
    }

    public int reserve() {
        return reserve;
    }

    public Duration window() {
        return Duration.ofMillis(window);
    }

    public String key() {
        return key;
    }

    /** The run starts no further call: said once, with whose limit it was. */
    private void exhaust(Limit kind, long until, String why) {
        if (exhaustedBy == null) {
            exhaustedBy = kind;
            exhaustedUntil = until;
            LOG.warn(why);
        }
    }

    /**
     * The quota is gone: no call before {@code Retry-After}, or before the oldest tenth of this key's own calls in the
     * window has left it (when they were most of Apple's count), or else a whole window from now.
     */
    private void gone(long now, Long retryAfterSeconds) {
        long until = now + window;
        if (retryAfterSeconds != null && retryAfterSeconds > 0) {
            until = now + retryAfterSeconds * 1000;
        } else {
            int quota = limit == null ? budget : limit;
            long[] ends = calls.stream().mapToLong(c -> c[0] == Long.MAX_VALUE ? now : c[0]).sorted().toArray();
            if (ends.length >= quota / 2 && ends.length > 0) {
                until = Math.max(now + 1000, ends[Math.min(ends.length, Math.max(1, quota / 10)) - 1] + window);
            }
        }
        goneUntil = Math.max(goneUntil, until);
        remaining = null;
        probing = true;
        persist();
    }

    private void load(boolean withCalls) {
        if (store == null) {
            return;
        }
        QuotaRecord r;
        try {
            r = QuotaRecord.parse(store.get(QuotaRecord.key(key)).orElse(null));
        } catch (RuntimeException e) {
            LOG.debugf("The stored quota of key %s cannot be read: %s", key, e.getMessage());
            return;
        }
        long now = System.currentTimeMillis();
        if (r.remaining() != null && r.observed() > observed && now - r.observed() < window) {
            limit = r.limit();
            remaining = r.remaining();
            observed = r.observed();
            startedSince = 0;
        }
        if (r.resume() > goneUntil && r.resume() > now) {
            goneUntil = r.resume();
            probing = true;
        }
        if (withCalls) {
            r.calls().forEach((end, n) -> {
                for (int i = 0; i < n && end > now - window; i++) {
                    calls.addLast(new long[] { end, end });
                }
            });
        }
    }

    /** The quota is a hint for the next process: a state store that cannot take it does not stop a call. */
    private void persist() {
        if (store == null) {
            return;
        }
        long now = System.currentTimeMillis();
        lastPersist = now;
        long bucket = Math.max(1000, window / 60);
        Map<Long, Integer> buckets = new TreeMap<>();
        calls.forEach(c -> buckets.merge(((c[0] == Long.MAX_VALUE ? now : c[0]) / bucket + 1) * bucket, 1, Integer::sum));
        try {
            store.put(QuotaRecord.key(key), new QuotaRecord(limit, remaining, observed, goneUntil, buckets).format());
        } catch (RuntimeException e) {
            LOG.debugf("The quota of key %s cannot be stored: %s", key, e.getMessage());
        }
    }
}

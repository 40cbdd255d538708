package io.github.ascanalyticssync.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a key's rate budget keeps in the state store (entry {@code rate-budget/<key>}), so that the next process (a
 * CronJob run, another replica) starts from it: the quota Apple announced last ({@code X-Rate-Limit}) and when,
 * until when the quota is gone, and the budget's own calls of the last window counted per bucket of about a minute
 * ({@code calls=<epoch ms>:<count>,...}). Times are epoch milliseconds. One line, e.g.
 * {@code limit=3600;remaining=0;observed=1764514800000;resume=1764518400000;calls=1764514800000:12}. Parts it does not
 * know are ignored (a line stored by an older version may still have {@code last-429=}).
 */
record QuotaRecord(Integer limit, Integer remaining, long observed, long resume, Map<Long, Integer> calls) {

    static String key(String keyName) {
        return "rate-budget/" + keyName;
    }

    /** The stored line, or an empty record when it is missing or unreadable (the budget then starts from nothing). */
    static QuotaRecord parse(String line) {
        Map<String, String> v = new LinkedHashMap<>();
        for (String part : line == null ? new String[0] : line.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                v.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        Map<Long, Integer> calls = new TreeMap<>();
        try {
            for (String c : v.getOrDefault("calls", "").split(",")) {
                int colon = c.indexOf(':');
                if (colon > 0) {
                    calls.merge(Long.parseLong(c.substring(0, colon)), Integer.parseInt(c.substring(colon + 1)), Integer::sum);
                }
            }
            return new QuotaRecord(integer(v.get("limit")), integer(v.get("remaining")), number(v.get("observed")), number(v.get("resume")),
                    calls);
        } catch (NumberFormatException e) {
            return new QuotaRecord(null, null, 0, 0, Map.of());
        }
    }

    String format() {
        StringBuilder b = new StringBuilder();
        if (limit != null && remaining != null) {
            b.append("limit=").append(limit).append(";remaining=").append(remaining).append(";observed=").append(observed).append(';');
        }
        if (resume > 0) {
            b.append("resume=").append(resume).append(';');
        }
        StringBuilder c = new StringBuilder();
        calls.forEach((t, n) -> c.append(c.length() == 0 ? "" : ",").append(t).append(':').append(n));
        return b.append("calls=").append(c).toString();
    }

    private static Integer integer(String s) {
        return s == null || s.isEmpty() ? null : Integer.valueOf(s);
    }

    private static long number(String s) {
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }
}

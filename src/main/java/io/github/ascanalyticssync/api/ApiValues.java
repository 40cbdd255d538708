package io.github.ascanalyticssync.api;

import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Every value App Store Connect sends that becomes a path, a ledger key or a state key, checked where it enters the
 * walk (routes/sync.yaml): ids, processing dates, granularity, access type, report names and categories, and a
 * segment's size, checksum and URL. A value that does not pass refuses its item with one sentence ({@link Refused});
 * the rest of the walk goes on, and the sync counts the item as not delivered.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("apiValues")
public class ApiValues {

    /** Apple's ids: letters, digits and dashes (numeric app ids, UUID-like request, report, instance and segment ids). */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,99}");
    /** Apple's enumerations: ONGOING, ONE_TIME_SNAPSHOT, DAILY, APP_USAGE, ... */
    static final Pattern ENUM = Pattern.compile("[A-Z][A-Z_]{0,39}");
    static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");
    /** A report name: printable, no control characters, at least one letter or digit (it becomes the layout's slug). */
    static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{1,200}");

    /** An item of an App Store Connect answer that the sync does not use, with the sentence that says why. */
    @RegisterForReflection
    public static class Refused extends RuntimeException {
        private final String kind;

        public Refused(String message) {
            this(message, null);
        }

        Refused(String message, String kind) {
            super(message);
            this.kind = kind;
        }

        /** What was refused: segment, instance, report, report request, app; null for a listing or a URL. */
        public String kind() {
            return kind;
        }
    }

    public void app(Exchange exchange, JsonApi.Resource app) {
        id("app", app, exchange);
    }

    /** A listed report request: a bad one stops the app's walk (the lifecycle must not act on a list it cannot trust). */
    public void request(Exchange exchange, JsonApi.Resource request) {
        try {
            id("report request", request, exchange);
            check("report request", "accessType", request.attributes().accessType(), ENUM, "an access type", exchange);
        } catch (Refused e) {
            throw new Refused(e.getMessage().replace("; the report request is skipped", "; the app is skipped in this sync"));
        }
    }

    public void report(Exchange exchange, JsonApi.Resource report) {
        id("report", report, exchange);
        JsonApi.Attributes a = report.attributes();
        check("report", "name", a.name(), NAME, "a report name", exchange);
        if (!a.name().matches(".*[A-Za-z0-9].*")) {
            throw refused("report", "name", a.name(), "a report name", exchange);
        }
        if (a.category() != null) {
            check("report", "category", a.category(), ENUM, "a category", exchange);
        }
    }

    public void instance(Exchange exchange, JsonApi.Resource instance) {
        id("instance", instance, exchange);
        JsonApi.Attributes a = instance.attributes();
        check("instance", "granularity", a.granularity(), ENUM, "a granularity", exchange);
        if (!isDate(a.processingDate())) {
            throw refused("instance", "processingDate", a.processingDate(), "a date (yyyy-MM-dd)", exchange);
        }
    }

    public void segment(Exchange exchange, JsonApi.Resource segment) {
        id("segment", segment, exchange);
        segmentAttributes(exchange, segment.attributes());
    }

    /** A segment's size, checksum and URL: from its listing, or from the fresh URL of an expired one. */
    public void segmentAttributes(Exchange exchange, JsonApi.Attributes a) {
        if (a.sizeInBytes() == null || a.sizeInBytes() < 0) {
            throw refused("segment", "sizeInBytes", a.sizeInBytes(), "a size in bytes", exchange);
        }
        check("segment", "checksum", a.checksum(), MD5, "an MD5 checksum (32 hexadecimal digits)", exchange);
        URI url = url(a.url());
        if (url == null) {
            throw refused("segment", "url", a.url(), "an http(s) URL", exchange);
        }
    }

    /** An id as Apple writes them: letters, digits and dashes. */
    public static boolean isId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /** An enumeration value as Apple writes them (DAILY, ONGOING, APP_USAGE). */
    public static boolean isEnum(String value) {
        return value != null && ENUM.matcher(value).matches();
    }

    /** A date yyyy-MM-dd that exists. */
    public static boolean isDate(String value) {
        if (value == null || !DATE.matcher(value).matches()) {
            return false;
        }
        try {
            LocalDate.parse(value);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static URI url(String value) {
        try {
            URI uri = value == null ? null : new URI(value);
            boolean web = uri != null && ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()));
            return web && uri.getHost() != null ? uri : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static void id(String kind, JsonApi.Resource item, Exchange exchange) {
        if (item == null) {
            throw new Refused("App Store Connect sent an empty " + kind + " entry (" + context(exchange) + "); it is skipped", kind);
        }
        check(kind, "id", item.id(), ID, "an id", exchange);
    }

    private static void check(String kind, String field, String value, Pattern pattern, String what, Exchange exchange) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw refused(kind, field, value, what, exchange);
        }
    }

    private static Refused refused(String kind, String field, Object value, String what, Exchange exchange) {
        String sent = value == null ? "a " + kind + " without " + field
                : article(kind) + " " + field + " that is not " + what + ": '" + quote(String.valueOf(value)) + "'";
        return new Refused("App Store Connect sent " + sent + " (" + context(exchange) + "); the " + kind + " is skipped", kind);
    }

    private static String article(String kind) {
        return ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
    }

    /** Where in the walk: app, report, instance (those already checked). */
    static String context(Exchange exchange) {
        StringJoiner where = new StringJoiner(", ");
        Object app = exchange.getVariable("appId");
        Object report = exchange.getVariable("reportName");
        Object instance = exchange.getVariable("instanceId");
        if (instance != null) {
            where.add("instance " + instance);
        }
        if (report != null) {
            where.add("report '" + report + "'");
        }
        if (app != null) {
            where.add("app " + app);
        }
        return where.length() == 0 ? "the list of apps" : where.toString();
    }

    /** A value as the log shows it: at most 80 characters, control characters escaped. */
    public static String quote(String value) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (; i < value.length() && b.length() < 80; i++) {
            char c = value.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return i < value.length() ? b + "..." : b.toString();
    }
}

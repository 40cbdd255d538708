package io.github.ascanalyticssync.simulator;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.ascanalyticssync.simulator.Authenticator.Caller;
import io.github.ascanalyticssync.simulator.SimulatorConfig.Role;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/** One API call: its caller, path and query, read and validated the way App Store Connect does. */
final class Call {

    final RoutingContext ctx;
    final Caller caller;
    final String base;
    final long seed;
    private final MultiMap query;

    Call(RoutingContext ctx, Caller caller, String base, long seed) {
        this.ctx = ctx;
        this.caller = caller;
        this.base = base;
        this.seed = seed;
        this.query = ctx.queryParams();
    }

    String id() {
        return ctx.pathParam("id");
    }

    String path() {
        return ctx.request().path();
    }

    /** Analytics resources are closed to Developer keys. */
    void requireAnalyticsAccess() {
        if (caller.role() == Role.DEVELOPER) {
            throw ApiError.forbiddenForKey();
        }
    }

    /** Creating and deleting requests needs an Admin key. */
    void requireAdmin() {
        if (caller.role() != Role.ADMIN) {
            throw ApiError.forbiddenForKey();
        }
    }

    /** Rejects every query parameter the operation does not define. */
    void allow(String... names) {
        Set<String> allowed = Set.of(names);
        for (String name : query.names()) {
            if (allowed.contains(name)) {
                continue;
            }
            if (name.startsWith("filter[") && name.endsWith("]")) {
                throw ApiError.parameterInvalid(name, "'" + name.substring(7, name.length() - 1) + "' is not a valid filter type");
            }
            throw ApiError.parameterIllegal(name);
        }
    }

    /** A comma-separated array parameter ({@code style: form, explode: false}); empty when absent. */
    List<String> array(String name) {
        String raw = query.get(name);
        if (raw == null) {
            return List.of();
        }
        List<String> out = Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (out.isEmpty()) {
            throw ApiError.parameterInvalid(name, "The parameter '" + name + "' requires a value");
        }
        return out;
    }

    <E extends Enum<E>> Set<E> enums(String name, Class<E> type) {
        Set<E> out = new LinkedHashSet<>();
        for (String v : array(name)) {
            try {
                out.add(Enum.valueOf(type, v));
            } catch (IllegalArgumentException e) {
                throw ApiError.parameterInvalid(name, "'" + v + "' is not a valid value for the parameter '" + name
                        + "'. Allowed values: " + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")));
            }
        }
        return out;
    }

    Set<LocalDate> dates(String name) {
        Set<LocalDate> out = new LinkedHashSet<>();
        for (String v : array(name)) {
            try {
                out.add(LocalDate.parse(v));
            } catch (DateTimeParseException e) {
                throw ApiError.parameterInvalid(name, "'" + v + "' is not a valid date for the parameter '" + name + "'. Use YYYY-MM-DD");
            }
        }
        return out;
    }

    /** The sparse fieldset for {@code type}, or null when the parameter is absent (all fields). */
    Set<String> fields(String type, Set<String> known) {
        String name = "fields[" + type + "]";
        if (query.get(name) == null) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String f : array(name)) {
            if (!known.contains(f)) {
                throw ApiError.parameterInvalid(name, "'" + f + "' is not a valid field name for the parameter '" + name + "'");
            }
            out.add(f);
        }
        return out;
    }

    int limit(String name, int defaultLimit, int max) {
        String raw = query.get(name);
        if (raw == null) {
            return defaultLimit;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiError.parameterInvalid(name, "'" + raw + "' is not a valid integer for the parameter '" + name + "'");
        }
        if (value < 1) {
            throw ApiError.parameterInvalid(name, "The parameter '" + name + "' must be at least 1");
        }
        if (value > max) {
            throw ApiError.parameterInvalid(name, "The parameter '" + name + "' exceeds the maximum allowed value of " + max);
        }
        return value;
    }

    boolean has(String name) {
        return query.contains(name);
    }

    /** The offset a {@code cursor} points at; 0 without one. */
    int offset() {
        String cursor = query.get("cursor");
        if (cursor == null) {
            return 0;
        }
        int dot = cursor.indexOf('.');
        try {
            byte[] b = Base64.getUrlDecoder().decode(dot < 0 ? cursor : cursor.substring(0, dot));
            if (dot < 0 || b.length == 0 || b.length > 4 || !cursor.equals(cursor(path(), new java.math.BigInteger(1, b).intValueExact(), seed))) {
                throw new IllegalArgumentException();
            }
            return new java.math.BigInteger(1, b).intValueExact();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ApiError.parameterInvalid("cursor", "The cursor '" + cursor + "' is not valid for this request");
        }
    }

    /** Opaque cursor: base64url of the offset, a dot, a tag bound to the path (Apple's look: {@code Aw.VGkW1w}). */
    static String cursor(String path, int offset, long seed) {
        byte[] full = ByteBuffer.allocate(4).putInt(offset).array();
        int skip = 0;
        while (skip < 3 && full[skip] == 0) {
            skip++;
        }
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        return enc.encodeToString(Arrays.copyOfRange(full, skip, 4)) + "." + enc.encodeToString(Arrays.copyOf(Ids.hash(seed, "cursor", path, offset), 5));
    }

    String self() {
        List<String> parts = query(false);
        return base + path() + (parts.isEmpty() ? "" : "?" + String.join("&", parts));
    }

    /** {@code links.next}: the same request with a cursor, the cursor first as in Apple's examples. */
    String next(int offset) {
        List<String> parts = new ArrayList<>();
        parts.add("cursor=" + cursor(path(), offset, seed));
        parts.addAll(query(true));
        return base + path() + "?" + String.join("&", parts);
    }

    /**
     * The request's query as Apple writes it into links: each name and value percent-encoded (brackets too:
     * {@code filter%5Bgranularity%5D=DAILY}), in the order the client sent them.
     */
    private List<String> query(boolean withoutCursor) {
        String q = ctx.request().query();
        List<String> parts = new ArrayList<>();
        if (q == null || q.isEmpty()) {
            return parts;
        }
        for (String p : q.split("&")) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = decode(eq < 0 ? p : p.substring(0, eq));
            if (withoutCursor && name.equals("cursor")) {
                continue;
            }
            parts.add(encode(name) + (eq < 0 ? "" : "=" + encode(decode(p.substring(eq + 1)))));
        }
        return parts;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a stray '%': kept as sent
        }
    }

    /** RFC 3986 percent-encoding: everything but the unreserved characters, a space as {@code %20}. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return out.toString();
    }
}

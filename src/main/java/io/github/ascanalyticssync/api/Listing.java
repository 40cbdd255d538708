package io.github.ascanalyticssync.api;

import java.net.URI;
import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The step after each page of a listing (routes/sync.yaml): checks the page and sets the variable {@code next} to its
 * {@code links.next}, or null on the last page. A listing whose answers cannot be trusted ends as a failure with one sentence naming the
 * endpoint ({@link ApiValues.Refused}): a body without {@code data}, more items than the page size asked for, a
 * {@code next} to another host, to a page already seen, or beyond the pages {@code meta.paging.total} allows. It
 * also clears Camel's redelivery headers, so that the retries of this page are not counted against the next call or
 * the stages below.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("listing")
public class Listing {

    /** Pages a listing may take beyond what {@code meta.paging.total} announces (a total that grew meanwhile). */
    static final int SLACK = 2;
    /** Pages of a listing whose total is not announced. */
    static final int MAX_PAGES = 1000;
    static final String STATE = "ascListing";

    /** The listing under way: the link it expects next, the pages it has seen. */
    static final class State {
        final Set<String> seen = new HashSet<>();
        String expected;
    }

    @Inject
    ApiCall api;

    @Inject
    ApiValues values;

    /** Checks the page (variable {@code page}) and sets the variable {@code next}: its {@code links.next}, or null. */
    public void next(Exchange exchange) {
        exchange.setVariable("next", link(exchange));
    }

    /*
     * A bean step, not a bean expression: an expression works on a copy of the exchange, and the listing's state and
     * the cleared headers must stay on the exchange itself.
     */
    private String link(Exchange exchange) {
        clearRedeliveries(exchange);
        String path = exchange.getVariable(ApiCall.PATH, String.class);
        URI here = api.resolveLink(path);
        String endpoint = ApiCall.endpoint("GET", here);
        Object body = exchange.getVariable("page");
        if (!(body instanceof JsonApi.Document page) || page.missingData()) {
            throw failed(endpoint, exchange, "its answer is not a JSON:API list (no data member)");
        }
        State state = exchange.getVariable(STATE, State.class);
        if (state == null || !path.equals(state.expected)) {
            state = new State();
            state.seen.add(here.toString());
            exchange.setVariable(STATE, state);
        }
        Integer asked = limit(here);
        if (asked != null && page.data().size() > asked) {
            throw failed(endpoint, exchange, "a page holds " + page.data().size() + " items, more than the " + asked + " asked for");
        }
        if ("GET /v1/apps/{id}/analyticsReportRequests".equals(endpoint)) {
            page.data().forEach(r -> values.request(exchange, r));
        }
        String next = page.next();
        if (next == null) {
            exchange.removeVariable(STATE);
            return null;
        }
        URI link;
        try {
            link = URI.create(next);
        } catch (IllegalArgumentException e) {
            throw failed(endpoint, exchange, "links.next is not a URL: '" + ApiValues.quote(next) + "'");
        }
        if (!link.isAbsolute() && !next.startsWith("/")) {
            throw failed(endpoint, exchange, "links.next is not a URL: '" + ApiValues.quote(next) + "'");
        }
        if (link.isAbsolute() && !api.sameOrigin(link)) {
            throw failed(endpoint, exchange, "links.next points at another host (" + ApiValues.quote(String.valueOf(link.getHost()))
                    + "); the API token is never sent there");
        }
        URI resolved = api.resolveLink(next);
        if (!state.seen.add(resolved.toString())) {
            throw failed(endpoint, exchange, "links.next points at a page already seen (" + ApiValues.quote(resolved.getRawPath()
                    + (resolved.getRawQuery() == null ? "" : "?" + resolved.getRawQuery())) + ")");
        }
        int most = mostPages(page, asked);
        if (state.seen.size() > most) {
            throw failed(endpoint, exchange, "links.next leads beyond the " + most + " page(s) "
                    + (page.total() == null ? "a listing may take" : "its meta.paging.total of " + page.total() + " allows"));
        }
        state.expected = next;
        return next;
    }

    /** Camel's redelivery headers of a call that succeeded after retries: the next call starts with its full budget. */
    public static void clearRedeliveries(Exchange exchange) {
        exchange.getMessage().removeHeaders("CamelRedeliver*");
    }

    static int mostPages(JsonApi.Document page, Integer asked) {
        Integer total = page.total();
        Integer size = page.pageLimit() != null && page.pageLimit() > 0 ? page.pageLimit() : asked;
        if (total == null || total < 0 || size == null || size <= 0) {
            return MAX_PAGES;
        }
        return (int) Math.min(MAX_PAGES, (total + (long) size - 1) / size + SLACK);
    }

    private static Integer limit(URI uri) {
        String query = uri.getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("limit=")) {
                try {
                    return Integer.valueOf(pair.substring("limit=".length()));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static ApiValues.Refused failed(String endpoint, Exchange exchange, String why) {
        return new ApiValues.Refused("The listing " + endpoint + " (" + ApiValues.context(exchange) + ") stopped: " + why
                + "; the rest of it is left for the next sync");
    }
}

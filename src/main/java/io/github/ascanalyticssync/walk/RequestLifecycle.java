package io.github.ascanalyticssync.walk;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.api.ApiStats;
import io.github.ascanalyticssync.api.ApiValues;
import io.github.ascanalyticssync.api.AppStoreConnectException;
import io.github.ascanalyticssync.api.AscApi;
import io.github.ascanalyticssync.api.JsonApi;
import io.github.ascanalyticssync.config.KeySettings;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.ledger.StateStore;
import io.github.ascanalyticssync.observe.RunTally;
import io.github.ascanalyticssync.observe.SyncStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The policy of the requests stage (routes/sync.yaml, {@code asc-requests}): which of an app's report requests to
 * walk, creating the ONGOING one when it is missing, replacing it when Apple stopped it for inactivity, and, with
 * {@code asc.sync.snapshot=true}, reusing or creating its ONE_TIME_SNAPSHOT within Apple's once-per-31-days rule.
 * A request the app cannot have now is reported, and the others go on.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("requestLifecycle")
public class RequestLifecycle {

    private static final Logger LOG = Logger.getLogger(RequestLifecycle.class);
    static final String ONGOING = "ONGOING";
    static final String SNAPSHOT = "ONE_TIME_SNAPSHOT";
    private static final String LISTED = "requests";
    static final String WALKED = "requestsWalked";

    /** A request to walk; {@code stopped}: Apple stopped it for inactivity, and it is walked to deliver what it still serves. */
    @RegisterForReflection
    public record Walked(String id, String accessType, boolean stopped) {
    }

    @Inject
    SyncConfig config;

    @Inject
    AscApi api;

    @Inject
    ApiKeys keys;

    @Inject
    RunTally run;

    @Inject
    StateStore state;

    @Inject
    ApiStats apiStats;

    @Inject
    SyncStatus status;

    /** Collects one page of the app's requests (variable {@code page}) for {@link #walk}. */
    public void listed(Exchange exchange, @Variable("page") JsonApi.Document page) {
        @SuppressWarnings("unchecked")
        List<JsonApi.Resource> requests = exchange.getVariable(LISTED, List.class);
        if (requests == null) {
            requests = new ArrayList<>();
            exchange.setVariable(LISTED, requests);
        }
        requests.addAll(page.data());
    }

    /** The requests to walk for the app, from all its live requests (both access types, listed once). */
    public List<Walked> walk(Exchange exchange, @Variable("appId") String appId) {
        @SuppressWarnings("unchecked")
        List<JsonApi.Resource> requests = exchange.getVariable(LISTED, List.class);
        exchange.removeVariable(LISTED);
        List<JsonApi.Resource> all = requests == null ? List.of() : requests;
        KeySettings.Key key = keys.of(exchange);
        List<Walked> walk = new ArrayList<>();
        List<JsonApi.Resource> ongoing = ofType(all, ONGOING);
        JsonApi.Resource active = firstActive(ongoing);
        if (active != null) {
            walk.add(new Walked(active.id(), ONGOING, false));
            status.request(appId, "active " + active.id());
        } else if (!ongoing.isEmpty()) {
            status.request(appId, "stopped for inactivity " + ongoing.get(0).id() + ", draining (replaced once drained)");
            // stopped for inactivity: first deliver everything it still serves (replaceDrained replaces it afterwards)
            ongoing.forEach(r -> walk.add(new Walked(r.id(), ONGOING, true)));
            LOG.infof("App %s: report request %s was stopped for inactivity; delivering everything it still serves before it is replaced",
                    appId, ongoing.get(0).id());
        } else {
            String created = ongoingRequest(key, appId);
            if (created != null) {
                walk.add(new Walked(created, ONGOING, false));
                status.request(appId, "active " + created + " (created " + apiStats.serverToday() + ")");
            } else {
                status.request(appId, "none: an Admin key must create it");
            }
        }
        if (config.sync().snapshot()) {
            String snapshot = snapshotRequest(key, appId, all);
            if (snapshot != null) {
                walk.add(new Walked(snapshot, SNAPSHOT, false));
            }
        }
        exchange.setVariable(WALKED, walk);
        return walk;
    }

    /**
     * After the walk of the app's requests: a stopped request whose instances all reached every destination is
     * deleted and replaced by a new ONGOING request (Admin key); one that could not be drained fully stays for the
     * next sync; with a read-only key it is never deleted, and the user is told.
     */
    public void replaceDrained(Exchange exchange, @Variable("appId") String appId) {
        @SuppressWarnings("unchecked")
        List<Walked> walked = exchange.getVariable(WALKED, List.class);
        exchange.removeVariable(WALKED);
        List<Walked> stopped = walked == null ? List.of() : walked.stream().filter(Walked::stopped).toList();
        if (stopped.isEmpty()) {
            return;
        }
        for (Walked request : stopped) {
            if (!run.complete(request.id())) {
                LOG.warnf("App %s: report request %s, stopped for inactivity, still serves data that did not reach every destination; it is"
                        + " not replaced in this sync, so that nothing it holds is lost (the next sync tries again)", appId, request.id());
                return;
            }
        }
        String drained = stopped.get(0).id();
        KeySettings.Key key = keys.of(exchange);
        long delivered = stopped.stream().mapToLong(r -> run.deliveredFrom(r.id())).sum();
        if (key.readOnly() || !config.sync().replaceStopped()) {
            status.request(appId, "stopped for inactivity " + drained + ", drained; waiting for an Admin key to replace it");
            run.appWithoutRequest(appId, "its ONGOING report request " + drained + " was stopped for inactivity and is drained ("
                    + delivered + " segment(s) delivered from it in this sync); no new data comes until an Admin key replaces it"
                    + (key.readOnly() ? " (this key is read-only, " + key.setting("read-only") + "=true)" : " (asc.sync.replace-stopped=false)"));
            return;
        }
        try {
            for (Walked request : stopped) {
                api.delete(key.name(), "/v1/analyticsReportRequests/" + request.id());
            }
            String id = create(key, appId, ONGOING);
            status.request(appId, "active " + id + " (replaced the drained " + drained + " on " + apiStats.serverToday() + ")");
            LOG.infof("App %s: report request %s, stopped for inactivity, is drained (%d segment(s) delivered from it in this sync) and"
                    + " replaced by %s. Data after its last processing date comes only from the new request, whose first reports Apple"
                    + " publishes one to two days from now; to fill the gap, run once with asc.sync.snapshot=true (a ONE_TIME_SNAPSHOT, %s)",
                    appId, drained, delivered, id, snapshotChance(appId));
        } catch (AppStoreConnectException e) {
            if (e.status() == 409 && firstActive(ofType(listAgain(key, appId), ONGOING)) != null) {
                LOG.infof("App %s: another sync replaced the stopped request meanwhile", appId);
                return;
            }
            forbidden(appId, ONGOING, e);
        }
    }

    /** When the app's next ONE_TIME_SNAPSHOT can be asked for, as far as this installation knows. */
    private String snapshotChance(String appId) {
        LocalDate asked = state.get("snapshot-requested/" + appId).map(LocalDate::parse).orElse(null);
        LocalDate next = asked == null ? null : asked.plusDays(config.sync().snapshotCooldownDays());
        return next == null || !next.isAfter(apiStats.serverToday()) ? "possible now" : "possible from " + next;
    }

    /** No ONGOING request at all: create it (Admin key), or say why not. */
    private String ongoingRequest(KeySettings.Key key, String appId) {
        if (key.readOnly()) {
            run.appWithoutRequest(appId, "it has no ONGOING report request, and " + key.setting("read-only")
                    + "=true; an Admin key must create it once");
            return null;
        }
        try {
            String id = create(key, appId, ONGOING);
            LOG.infof("App %s: created ONGOING report request %s; Apple publishes its first reports one to two days later", appId, id);
            return id;
        } catch (AppStoreConnectException e) {
            if (e.status() == 409) {
                // another replica or sync created it meanwhile: use that one
                JsonApi.Resource raced = firstActive(ofType(listAgain(key, appId), ONGOING));
                if (raced != null) {
                    LOG.infof("App %s: another sync created the ONGOING request %s meanwhile; using it", appId, raced.id());
                    return raced.id();
                }
                run.appWithoutRequest(appId, "App Store Connect refused to create an ONGOING request (409 " + e.code()
                        + "): another request of that type is in the way");
                return null;
            }
            return forbidden(appId, ONGOING, e);
        }
    }

    /**
     * The app's ONE_TIME_SNAPSHOT request: the existing one, else a new one when the key may create it and Apple's
     * once-per-31-days rule allows (the date of this installation's last request is kept in the state store, so a
     * refused POST is not repeated every sync).
     */
    private String snapshotRequest(KeySettings.Key key, String appId, List<JsonApi.Resource> all) {
        List<JsonApi.Resource> snapshots = ofType(all, SNAPSHOT);
        if (!snapshots.isEmpty()) {
            return snapshots.get(0).id();
        }
        if (key.readOnly()) {
            run.appWithoutRequest(appId, "it has no ONE_TIME_SNAPSHOT request, and " + key.setting("read-only") + "=true: an Admin key must create it");
            return null;
        }
        LocalDate today = apiStats.serverToday();
        String askedKey = "snapshot-requested/" + appId;
        LocalDate asked = state.get(askedKey).map(LocalDate::parse).orElse(null);
        int cooldown = config.sync().snapshotCooldownDays();
        if (asked != null && asked.plusDays(cooldown).isAfter(today)) {
            run.appWithoutRequest(appId, "no ONE_TIME_SNAPSHOT request exists, and this installation asked for one on " + asked
                    + "; Apple allows one per app every " + cooldown + " days (deleted ones count), so the next can be asked for on "
                    + asked.plusDays(cooldown));
            return null;
        }
        try {
            String id = create(key, appId, SNAPSHOT);
            state.put(askedKey, today.toString());
            LOG.infof("App %s: created ONE_TIME_SNAPSHOT report request %s; Apple publishes its history within a day or two, "
                    + "delivered by the syncs that run with asc.sync.snapshot=true from then on", appId, id);
            return id;
        } catch (AppStoreConnectException e) {
            if (e.status() == 409) {
                List<JsonApi.Resource> raced = ofType(listAgain(key, appId), SNAPSHOT);
                if (!raced.isEmpty()) {
                    return raced.get(0).id();
                }
                state.put(askedKey, today.toString());
                run.appWithoutRequest(appId, "App Store Connect refused a ONE_TIME_SNAPSHOT (409 " + e.code() + "): Apple allows one per app"
                        + " about every " + cooldown + " days, counting deleted ones, so one was asked for recently (here or elsewhere);"
                        + " this installation tries again on " + today.plusDays(cooldown) + " at the earliest");
                return null;
            }
            return forbidden(appId, SNAPSHOT, e);
        }
    }

    /** A create refused with 403 (the key's role may not create requests) is explained; anything else is rethrown. */
    private String forbidden(String appId, String accessType, AppStoreConnectException e) {
        if (e.status() != 403) {
            throw e;
        }
        run.appWithoutRequest(appId, "the API key may not create report requests (403): an Admin key must create the app's " + accessType
                + " request" + (ONGOING.equals(accessType)
                        ? " once; keys with the Sales and Reports or Finance role can read it afterwards (asc.sync.read-only=true)" : ""));
        return null;
    }

    private String create(KeySettings.Key key, String appId, String accessType) {
        JsonApi.Document created = api.post(key.name(), "/v1/analyticsReportRequests", Map.of("data", Map.of("type", "analyticsReportRequests",
                "attributes", Map.of("accessType", accessType),
                "relationships", Map.of("app", Map.of("data", Map.of("type", "apps", "id", appId))))));
        String id = created == null || created.data().isEmpty() ? null : created.data().get(0).id();
        if (!ApiValues.isId(id)) {
            throw new ApiValues.Refused("App Store Connect answered the creation of a report request for app " + appId + " with "
                    + (id == null ? "no id" : "an id that is not an id: '" + ApiValues.quote(id) + "'") + "; the app is skipped in this sync");
        }
        return id;
    }

    /** After a 409: the app's requests once more (one page holds them all: an app has at most a few). */
    private List<JsonApi.Resource> listAgain(KeySettings.Key key, String appId) {
        return api.get(key.name(), "/v1/apps/" + appId + "/analyticsReportRequests?limit=200&fields%5BanalyticsReportRequests%5D=accessType,stoppedDueToInactivity")
                .data();
    }

    private static List<JsonApi.Resource> ofType(List<JsonApi.Resource> requests, String accessType) {
        return requests.stream().filter(r -> accessType.equals(r.attributes().accessType())).toList();
    }

    private static JsonApi.Resource firstActive(List<JsonApi.Resource> requests) {
        return requests.stream().filter(r -> !r.attributes().stopped()).findFirst().orElse(null);
    }
}

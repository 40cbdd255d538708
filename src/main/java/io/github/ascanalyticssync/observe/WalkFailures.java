package io.github.ascanalyticssync.observe;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.api.AppStoreConnectException;
import io.github.ascanalyticssync.config.KeySettings;
import io.github.ascanalyticssync.config.LocalDisk;
import io.github.ascanalyticssync.config.SyncConfig;

/**
 * What a listing call that failed every attempt means, for {@link RunTally#walkFailed}: this host's full disk (said
 * once per folder and sync), a key App Store Connect refuses (its other apps are then reported without calling in
 * vain), a configured app id that does not exist, or else the failure as it came.
 */
@ApplicationScoped
public class WalkFailures {

    // its lines are the tally's
    private static final Logger LOG = Logger.getLogger(RunTally.class);

    /** The first call for an app: its report requests. */
    private static final String APP_REQUESTS = "GET /v1/apps/{id}/analyticsReportRequests";

    @Inject
    ApiKeys keys;

    @Inject
    SyncConfig config;

    /** Logs the failure of the exchange's listing call; returns the problem the sync reports, or null when it was said before. */
    String failed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Object where = exchange.getProperty(Exchange.FAILURE_ROUTE_ID);
        Object appId = exchange.getVariable("appId");
        String key = exchange.getVariable(ApiKeys.VARIABLE, String.class);
        String whose = (appId == null ? "" : " for app " + appId) + (key == null ? "" : keys.key(key).label());
        if (e instanceof LocalDisk.WriteFailed || LocalDisk.isFull(e)) {
            // this host's disk, not App Store Connect: said once per folder and sync, then only counted
            String sentence = e instanceof LocalDisk.WriteFailed ? e.getMessage() : LocalDisk.full(config.state().dir(), "asc.state.dir");
            if (LocalDisk.firstTime("asc.state.dir", sentence)) {
                LOG.error(sentence);
                return sentence;
            }
            LOG.debugf("%s%s: %s", where, whose, sentence);
            return null;
        }
        if (key != null && e instanceof AppStoreConnectException refusal && (refusal instanceof AppStoreConnectException.NotAuthorized
                || refusal.status() == 403 && refusal.endpoint() != null && refusal.endpoint().startsWith("GET "))) {
            // the key itself is refused (revoked, or without access): its other apps are reported without calling in vain
            keys.refuse(key, refusal.getMessage());
        }
        KeySettings.Key k = appId != null && e instanceof AppStoreConnectException missing && missing.status() == 404
                && APP_REQUESTS.equals(missing.endpoint()) ? keys.of(exchange) : null;
        if (k != null && k.appIds().contains(String.valueOf(appId))) {
            // a configured app's first call: the app id itself is wrong, a mistake of the configuration that no retry mends
            String sentence = "app " + appId + k.label() + " does not exist or this key cannot see it (App Store Connect answered 404 to"
                    + " its report requests): check " + k.setting("app-ids") + (k.isDefault() ? " (ASC_APP_IDS)" : "")
                    + "; an app id is the app's numeric Apple ID (App Store Connect, App Information), not its bundle id";
            LOG.error(sentence);
            return sentence;
        }
        LOG.errorf("%s failed after its retries%s, left for the next sync: %s", where, whose, e == null ? "" : e.getMessage());
        return where + whose + ": " + (e == null ? "failed" : e.getMessage());
    }
}

package io.github.ascanalyticssync.walk;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Variable;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.config.KeySettings;
import io.github.ascanalyticssync.observe.RunTally;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One key's part of a sync (route {@code asc-key}): whether its credentials can sign a token, and which apps it walks.
 * A key that cannot is reported, with its configured apps, and the other keys go on.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("keyRun")
public class KeyRun {

    private static final Logger LOG = Logger.getLogger(KeyRun.class);

    @Inject
    ApiKeys keys;

    @Inject
    RunTally tally;

    /** False when no token can be made with the key (a missing or unreadable .p8): its apps are reported not synced. */
    public boolean usable(@Variable(ApiKeys.VARIABLE) String name) {
        Optional<String> problem = keys.credentialsProblem(name);
        if (problem.isEmpty()) {
            return true;
        }
        KeySettings.Key key = keys.key(name);
        notSynced(key, "no token can be made with it: " + problem.get());
        return false;
    }

    /** The key's configured apps; none when it syncs every app it can see. */
    public List<String> configuredApps(@Variable(ApiKeys.VARIABLE) String name) {
        return keys.key(name).appIds();
    }

    public boolean discoversApps(@Variable(ApiKeys.VARIABLE) String name) {
        return keys.key(name).appIds().isEmpty();
    }

    /** The key's apps are not synced in this sync: each configured one is named, or the key when it discovers its apps. */
    private void notSynced(KeySettings.Key key, String why) {
        if (key.appIds().isEmpty()) {
            tally.keyProblem(null, "key " + key.name() + ": none of its apps was synced, " + why);
        } else {
            key.appIds().forEach(app -> tally.keyProblem(app, "app " + app + key.label() + ": not synced, " + why));
        }
        LOG.errorf("Key %s: %s; its apps wait for the next sync, the other keys go on", key.name(), why);
    }
}

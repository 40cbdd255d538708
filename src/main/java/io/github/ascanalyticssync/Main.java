package io.github.ascanalyticssync;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.PreventFurtherStepsException;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigValidationException;

/**
 * Quarkus' own main, with one difference: a configuration error (a value of the wrong type, an unknown enum value, a
 * failed start-up check) is one ERROR line per problem and exit code 2, instead of a multi-line message on stderr and
 * exit code 1. Any other failure to start is logged by Quarkus' rules (with its stack trace, as a bug).
 */
@QuarkusMain
public final class Main {

    private static final Logger LOG = Logger.getLogger("io.github.ascanalyticssync.Startup");

    private Main() {
    }

    public static void main(String... args) {
        Quarkus.run(null, Main::exit, args);
    }

    private static void exit(Integer code, Throwable failure) {
        int exitCode = code == null ? 1 : code;
        if (failure != null) {
            Throwable root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root instanceof PreventFurtherStepsException stop) {
                // a start-up check logged its one line already
                exitCode = stop.getExitCode();
            } else if (root instanceof ConfigValidationException invalid) {
                for (int i = 0; i < invalid.getProblemCount(); i++) {
                    LOG.error(invalid.getProblem(i).getMessage().replaceFirst("^SRCFG\\d+: ", "").lines().findFirst().orElse(""));
                }
                exitCode = 2;
            } else if (root instanceof ConfigurationException invalid) {
                LOG.error(String.valueOf(invalid.getMessage()).lines().findFirst().orElse(""));
                exitCode = 2;
            } else {
                LOG.error("Failed to start application", failure);
            }
        }
        ApplicationLifecycleManager.getDefaultExitCodeHandler().accept(exitCode, failure);
    }
}

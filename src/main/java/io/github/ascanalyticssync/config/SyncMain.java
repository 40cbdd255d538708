package io.github.ascanalyticssync.config;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.quarkus.runtime.PreventFurtherStepsException;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigValidationException;

/**
 * The application's main: Quarkus' own, except how a start that failed ends. A value of the wrong type
 * ({@code asc.sync.mode=oneshot}, {@code asc.sync.interval=abc}) fails Quarkus' configuration check before any of the
 * application's code runs; Quarkus would print its multi-line report and exit 1, the code of a sync that did not
 * deliver everything. Here it is one ERROR line per wrong value, naming the setting, its variable and what it expects,
 * and exit 2 like every other configuration error.
 */
// the jar's entry point through quarkus.package.main-class, not @QuarkusMain: with a @QuarkusMain, Camel Quarkus would
// not start Camel by itself, in the tests either
public final class SyncMain {

    private static final Logger LOG = Logger.getLogger(SyncMain.class);

    /** SmallRye's sentence for a value that cannot be converted. */
    private static final Pattern CONVERSION = Pattern.compile("The config property (\\S+) with the config value \"(.*?)\" threw an Exception whilst"
            + " being converted (.*)", Pattern.DOTALL);
    private static final Pattern ENUM = Pattern.compile("allowed values: (.*)");

    private SyncMain() {
    }

    /** Quarkus' run, with no application class (Camel Quarkus starts Camel Main), and this exit. */
    public static void main(String... args) {
        Quarkus.run((Class<? extends QuarkusApplication>) null, SyncMain::exit, args);
    }

    /** Quarkus' default exit, except for a start that failed: its sentence, then exit 2 for a configuration error. */
    static void exit(Integer code, Throwable failure) {
        int exit = code == null ? 1 : code;
        if (failure != null) {
            exit = failed(failure, exit);
        }
        System.exit(exit);
    }

    private static int failed(Throwable failure, int code) {
        ConfigValidationException invalid = find(failure, ConfigValidationException.class);
        if (invalid != null) {
            // before the logging is configured: the line in the log's format, written here
            for (int i = 0; i < invalid.getProblemCount(); i++) {
                System.err.println(java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS"))
                        + " ERROR [io.git.asc.syn.SyncMain] (main) " + sentence(invalid.getProblem(i).getMessage()));
            }
            LOG.debug("The configuration check failed", failure);
            return 2;
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof PreventFurtherStepsException) {
            return code; // the application's own checks logged their line already; Quarkus passes their exit code
        }
        if (root instanceof io.quarkus.runtime.QuarkusBindException bind) {
            line(portInUse(bind.getHost(), bind.getPort()));
            return 2;
        }
        ConfigurationException configuration = find(failure, ConfigurationException.class);
        if (configuration != null) {
            line(configuration.getMessage());
            LOG.debug("The configuration check failed", failure);
            return 2;
        }
        LOG.error("Failed to start application", failure);
        return code;
    }

    /** The sentence for an HTTP port another process holds (found by the start-up check, or by Quarkus opening it). */
    public static String portInUse(String host, int port) {
        return "The HTTP port " + host + ":" + port + " is in use by another process; stop it, or set quarkus.http.port (0: any free port)";
    }

    /** One ERROR line (the first line of the text). */
    private static void line(String text) {
        String first = text == null ? "" : text.lines().findFirst().orElse(text);
        LOG.error(first);
    }

    /** {@code asc.sync.mode is 'oneshot' (ASC_SYNC_MODE); expected one of service, one-shot, status, seed}. */
    public static String sentence(String problem) {
        Matcher m = CONVERSION.matcher(problem == null ? "" : problem);
        if (!m.find()) {
            return problem;
        }
        String setting = m.group(1);
        String value = m.group(2);
        String why = m.group(3);
        String alias = alias(setting);
        String head = setting + " is '" + value + "'" + (alias == null ? "" : " (" + alias + ")") + "; expected ";
        Matcher e = ENUM.matcher(why);
        if (e.find()) {
            List<String> allowed = new ArrayList<>(List.of(e.group(1).trim().split("\\s*,\\s*")));
            return head + "one of " + String.join(", ", allowed);
        }
        if (why.contains("Duration")) {
            return head + "a duration such as 30s, 15m, 1h or 2d (or ISO-8601: PT1H)";
        }
        if (why.contains("integer") || why.contains("NumberFormatException") || why.contains("long value")) {
            return head + "a whole number";
        }
        if (why.contains(StrictBooleanConverter.EXPECTED)) {
            return head + "true or false";
        }
        if (why.contains("Path")) {
            return head + "a file or folder path";
        }
        return head + "another value (" + why.replaceAll("SRCFG\\d+: ", "").trim() + ")";
    }

    /** The variable application.properties reads the setting from, if any ({@code ASC_SYNC_MODE} for asc.sync.mode). */
    private static String alias(String setting) {
        Properties properties = new Properties();
        try (InputStream in = SyncMain.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (Exception e) {
            return null;
        }
        String value = properties.getProperty(setting);
        Matcher m = UnknownSettings.ALIAS.matcher(value == null ? "" : value);
        return m.find() ? m.group(1) : null;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}

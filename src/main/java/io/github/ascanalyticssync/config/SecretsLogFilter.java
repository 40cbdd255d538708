package io.github.ascanalyticssync.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.lang3.exception.ExceptionUtils;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;
import io.quarkus.runtime.PreventFurtherStepsException;

/**
 * Keeps secrets out of every log line at every level, on the console (text or JSON) and in the log file
 * ({@code quarkus.log.console.filter} / {@code quarkus.log.file.filter}): the values of the configured secrets
 * (destination passwords and keys, the .p8, the database password) and what looks like one in any text (sensitive URI
 * parameters such as {@code secretKey=}, {@code password=} or a presigned URL's {@code X-Amz-Signature=}, a JWT,
 * PEM key material) are replaced by {@code xxxxxx}, in the message and in the messages of an exception. Camel masks
 * the endpoints it logs, but not every DEBUG line that prints a resolved property; this covers them all. It also drops
 * the records of a failed start-up check: the check has already logged its one line.
 */
@LoggingFilter(name = "asc-secrets")
public final class SecretsLogFilter implements Filter {

    static final String MASK = "xxxxxx";

    /** Keys whose values are secrets (but not the paths of files that hold one). */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(secret|password|passphrase|jaas|private-?key|access-?key|token|signing-?key|credential|api-?key).*");
    private static final Pattern PATH_KEY = Pattern.compile("(?i).*(path|file|location|lifetime|provider|refresh-margin)\"?$");

    /** Secrets in any text: URI and header parameters, JWTs, PEM blocks. */
    private static final Pattern SECRET_TEXT = Pattern.compile("(?i)((?:secret-?key|access-?key|password|passphrase|private-?key-?passphrase"
            + "|sasl[.-]?jaas[.-]?config|token|x-amz-signature|x-amz-credential|x-amz-security-token|signature|authorization)"
            + "\\s*[=:]\\s*)(RAW\\([^)]*\\)|Bearer\\s+\\S+|\"[^\"]*\"|[^&\\s,;\"')\\]}]+)");
    private static final Pattern JWT = Pattern.compile("eyJ[\\w-]{5,}\\.[\\w-]{5,}\\.[\\w-]{5,}");
    /** A PEM private key: its BEGIN line followed by key material (a sentence that names the BEGIN line is not one). */
    private static final Pattern PEM = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----(?=(?:\\s|\\\\n)*(?:[A-Za-z-]+:[^\\n]*(?:\\n|\\\\n))*"
            + "(?:\\s|\\\\n)*[A-Za-z0-9+/=]{16}).*?(-----END [A-Z ]*PRIVATE KEY-----|$)", Pattern.DOTALL);

    /**
     * The configured secrets, read once per configuration and shared by every use in the process: the log filter of
     * each handler, and the text shown elsewhere than in a log line (a destination's last error in the health checks
     * and /status).
     */
    private static volatile List<String> secrets;
    private static volatile Config secretsOf;
    private static final ThreadLocal<Boolean> INSIDE = new ThreadLocal<>();

    @Override
    public boolean isLoggable(LogRecord record) {
        if (Boolean.TRUE.equals(INSIDE.get())) {
            return true; // a line logged while the secrets are read (by the configuration itself)
        }
        Throwable thrown = record.getThrown();
        if (thrown != null && ExceptionUtils.getRootCause(thrown) instanceof PreventFurtherStepsException) {
            return false;
        }
        if (record instanceof ExtLogRecord ext) {
            String text = ext.getFormattedMessage();
            String masked = mask(text);
            if (masked != null && !masked.equals(text)) {
                ext.setMessage(masked, ExtLogRecord.FormatStyle.NO_FORMAT);
                ext.setParameters(null);
            }
        }
        if (thrown != null) {
            record.setThrown(masked(thrown));
        }
        return true;
    }

    /** The text with every secret replaced: a log line, or an error shown by the health checks and /status. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets()) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        // each pattern only where its literal part occurs: most lines hold none, and every log line passes here
        if (out.indexOf('=') >= 0 || out.indexOf(':') >= 0) {
            out = SECRET_TEXT.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        }
        if (out.contains("eyJ")) {
            out = JWT.matcher(out).replaceAll(MASK);
        }
        return out.contains("-----BEGIN ") ? PEM.matcher(out).replaceAll(MASK) : out;
    }

    /** The exception as it is when no message in its chain holds a secret; otherwise a copy with the messages masked. */
    private Throwable masked(Throwable thrown) {
        boolean secret = false;
        for (Throwable t = thrown; t != null && !secret; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            secret = message != null && !message.equals(mask(message));
        }
        return secret ? copy(thrown, 0) : thrown;
    }

    private Throwable copy(Throwable t, int depth) {
        Throwable cause = t.getCause() == null || t.getCause() == t || depth > 20 ? null : copy(t.getCause(), depth + 1);
        Throwable copy = new MaskedException(t.getClass().getName() + ": " + mask(String.valueOf(t.getMessage())), cause);
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    /** An exception whose message held a secret, as logged. */
    static final class MaskedException extends RuntimeException {
        MaskedException(String message, Throwable cause) {
            super(message, cause, false, true);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    /** The configured secret values, longest first (read again whenever the configuration is another one: a restart in tests). */
    private static List<String> secrets() {
        INSIDE.set(true);
        Config config;
        try {
            config = ConfigProvider.getConfig();
        } catch (RuntimeException e) {
            return List.of(); // the configuration is not ready yet: the patterns still apply
        } finally {
            INSIDE.remove();
        }
        List<String> s = secrets;
        if (s != null && config == secretsOf) {
            return s;
        }
        INSIDE.set(true);
        try {
            List<String> found = new ArrayList<>();
            for (String name : config.getPropertyNames()) {
                if (name.endsWith("private-key-path")) {
                    // a .p8 named by a path (asc.api.*, asc.keys.<name>.*): each line of its key material
                    config.getOptionalValue(name, String.class).filter(p -> !p.startsWith("classpath:")).ifPresent(p -> addKeyFile(found, p));
                } else if (SECRET_KEY.matcher(name).matches() && !PATH_KEY.matcher(name).matches()) {
                    config.getOptionalValue(name, String.class).ifPresent(v -> addSecret(found, v));
                }
            }
            found.sort(Comparator.comparingInt(String::length).reversed());
            s = List.copyOf(found);
        } catch (RuntimeException e) {
            return List.of(); // the configuration is not ready yet: the patterns still apply, the values on the next line
        } finally {
            INSIDE.remove();
        }
        secrets = s;
        secretsOf = config;
        return s;
    }

    private static void addKeyFile(List<String> found, String path) {
        try {
            Path file = Path.of(path);
            if (Files.isRegularFile(file) && Files.size(file) < 64 * 1024) {
                addSecret(found, Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (Exception e) {
            // unreadable: the start-up check names it
        }
    }

    private static void addSecret(List<String> found, String value) {
        for (String line : value.replace("\\n", "\n").split("\n")) {
            String v = line.trim();
            if (v.length() >= 6 && !v.startsWith("-----") && !v.startsWith("classpath:") && !v.startsWith("file:") && !v.equalsIgnoreCase("false") && !v.equalsIgnoreCase("true")) {
                found.add(v);
            }
        }
    }
}

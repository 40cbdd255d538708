package io.github.ascanalyticssync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged application (target/quarkus-app) started as its own process, the way the README runs it. */
public final class AppProcess {

    /** Exit code and everything the process printed. */
    public record Result(int exitCode, String output) {

        /**
         * The start stopped with the sentence: exit code 2, exactly one ERROR line and it holds the sentence, no stack
         * trace, no route, timer or sync started. Returns that ERROR line.
         */
        public String assertStoppedAtStartWith(String sentence) {
            assertEquals(2, exitCode, output);
            List<String> errors = output.lines().filter(l -> l.contains(" ERROR ")).toList();
            assertEquals(1, errors.size(), "exactly one ERROR line:\n" + output);
            assertTrue(errors.get(0).contains(sentence), "expected \"" + sentence + "\" in:\n" + output);
            assertFalse(output.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), "no stack trace:\n" + output);
            assertFalse(output.contains("Started asc-sync") || output.contains("Sync started") || output.contains("Sync finished"),
                    "no route, timer or sync started:\n" + output);
            return errors.get(0);
        }
    }

    /** The simulator's start line: {@code App Store Connect simulator: API at <url>, segment storage at <url>, ...}. */
    private static final Pattern SIMULATOR_STARTED = Pattern.compile("App Store Connect simulator: API at (\\S+), segment storage at (\\S+),");

    private AppProcess() {
    }

    /** A process started in the background, and the file it prints to. */
    public record Running(Process process, Path log) {
        public String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Where a simulator answers: its API (and control API) and its object storage. */
    public record SimulatorUrls(String api, String storage) {
    }

    /**
     * Waits until the process logged the simulator's start line and returns the URLs it bound (port 0 picks free
     * ports, so this is the only way to know them).
     */
    public static SimulatorUrls awaitSimulator(Running running, long timeoutSeconds) throws InterruptedException {
        return await(running, out -> {
            Matcher m = SIMULATOR_STARTED.matcher(out);
            return m.find() ? new SimulatorUrls(m.group(1), m.group(2)) : null;
        }, "the simulator's start line", timeoutSeconds);
    }

    /** Waits until the process printed the text and returns its output so far; fails if it ends or times out first. */
    public static String awaitOutput(Running running, String text, long timeoutSeconds) throws InterruptedException {
        return await(running, out -> out.contains(text) ? out : null, "\"" + text + "\"", timeoutSeconds);
    }

    /** Waits until {@code found} makes something of the process's output; fails if it ends or times out first. */
    public static <T> T await(Running running, Function<String, T> found, String what, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            boolean alive = running.process().isAlive(); // before reading: what an ended process printed is all there
            String output = running.output();
            T result = found.apply(output);
            if (result != null) {
                return result;
            }
            if (!alive) {
                throw new AssertionError("The process ended before it printed " + what + "; its output:\n" + output);
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("The process did not print " + what + " within " + timeoutSeconds + " s; its output:\n" + output);
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the condition holds (polled every 100 ms); fails naming it when the time runs out. */
    public static void await(String what, long timeoutSeconds, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("Not within " + timeoutSeconds + " s: " + what);
            }
            Thread.sleep(100);
        }
    }

    /**
     * The demo key's account against a simulator (its API and storage URLs), as properties: what a user points at
     * App Store Connect, pointed at the simulator the documented way.
     */
    public static Map<String, String> demoAccount(String api, String storage) {
        return new HashMap<>(Map.of("asc.api.base-url", api, "asc.sync.download.simulator-storage-url", storage,
                "asc.api.issuer-id", DEMO_ISSUER, "asc.api.key-id", "DEMOKEY001",
                "asc.api.private-key-path", "classpath:simulator/demo/AuthKey_DEMOKEY001.p8"));
    }

    /** The issuer id of the simulator's demo key. */
    public static final String DEMO_ISSUER = "69a6de70-03db-47e3-e053-5b8c7c11a4d1";

    /** The settings of a run in workDir: its state and local folder there, any free HTTP port; the given settings on top. */
    public static Map<String, String> settingsIn(Path workDir, Map<String, String> settings) {
        Map<String, String> properties = new HashMap<>(Map.of("asc.state.dir", workDir.resolve("state").toString(),
                "asc.destinations.local.path", workDir.resolve("reports").toString(), "quarkus.http.port", "0"));
        properties.putAll(settings);
        return properties;
    }

    /** Runs the application in workDir ({@link #settingsIn}) with 256 MiB of heap until it exits. */
    public static Result runIn(Path workDir, Map<String, String> settings, long timeoutSeconds) throws IOException, InterruptedException {
        return run(List.of("-Xmx256m"), settingsIn(workDir, settings), workDir, timeoutSeconds);
    }

    public static Result run(List<String> jvmArgs, Map<String, String> properties, Path workDir, long timeoutSeconds)
            throws IOException, InterruptedException {
        return run(jvmArgs, properties, Map.of(), workDir, timeoutSeconds);
    }

    /** Runs it until it exits, with these environment variables (the test's own ASC_ variables are not passed on). */
    public static Result run(List<String> jvmArgs, Map<String, String> properties, Map<String, String> env, Path workDir, long timeoutSeconds)
            throws IOException, InterruptedException {
        Running running = start(jvmArgs, properties, env, workDir);
        if (!running.process().waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            running.process().destroyForcibly().waitFor();
            throw new AssertionError("The application did not exit within " + timeoutSeconds + " s; its output:\n" + running.output());
        }
        return new Result(running.process().exitValue(), running.output());
    }

    /** Exit code, standard output and standard error, apart. */
    public record Streams(int exitCode, String stdout, String stderr) {
    }

    /** Runs the application in workDir until it exits, its standard output and standard error kept apart. */
    public static Streams runApart(List<String> jvmArgs, Map<String, String> properties, Path workDir, long timeoutSeconds)
            throws IOException, InterruptedException {
        return runApart(jvmArgs, properties, Map.of(), workDir, timeoutSeconds);
    }

    /** Run as {@link #runApart(List, Map, Path, long)}, with these environment variables. */
    public static Streams runApart(List<String> jvmArgs, Map<String, String> properties, Map<String, String> environment, Path workDir,
            long timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder builder = command(jvmArgs, properties, environment, workDir);
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("The application did not exit within " + timeoutSeconds + " s; its output:\n" + Files.readString(out)
                    + Files.readString(err));
        }
        return new Streams(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    public static Running start(List<String> jvmArgs, Map<String, String> properties, Path workDir) throws IOException {
        return start(jvmArgs, properties, Map.of(), workDir);
    }

    /**
     * Started as {@link #start(List, Map, Path)}, with these environment variables (how a user configures it). The ASC_
     * variables of the test's own environment are never passed on, whichever way a test starts the application.
     */
    public static Running start(List<String> jvmArgs, Map<String, String> properties, Map<String, String> environment, Path workDir)
            throws IOException {
        Path log = workDir.resolve("process.log");
        Process process = command(jvmArgs, properties, environment, workDir).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Running(process, log);
    }

    private static ProcessBuilder command(List<String> jvmArgs, Map<String, String> properties, Map<String, String> environment, Path workDir)
            throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException("Package the application first (mvn verify builds it before the *IT tests): " + jar);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        // the routes are the application's own (packaged from routes/), found whatever the working directory
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        Files.createDirectories(workDir);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("ASC_"));
        builder.environment().putAll(environment);
        return builder;
    }
}

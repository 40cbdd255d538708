package io.github.ascanalyticssync;

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
    }

    /**
     * A property key that, when present, leaves the routes to the work directory's own configuration
     * (config/application.properties) instead of pointing them (and the Kamelets) at the project's routes/.
     */
    public static final String OWN_ROUTES = "app-process.own-routes";

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

    private static <T> T await(Running running, Function<String, T> found, String what, long timeoutSeconds) throws InterruptedException {
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
        Running running = start(jvmArgs, properties, workDir);
        if (!running.process().waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            running.process().destroyForcibly().waitFor();
            throw new AssertionError("The application did not exit within " + timeoutSeconds + " s; its output:\n" + running.output());
        }
        return new Result(running.process().exitValue(), running.output());
    }

    /** Runs the application with the environment variables {@code env} on top of this JVM's, as a user configures it. */
    public static Result run(List<String> jvmArgs, Map<String, String> properties, Map<String, String> env, Path workDir, long timeoutSeconds)
            throws IOException, InterruptedException {
        Running running = start(jvmArgs, properties, env, workDir);
        if (!running.process().waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            running.process().destroyForcibly().waitFor();
            throw new AssertionError("The application did not exit within " + timeoutSeconds + " s; its output:\n" + running.output());
        }
        return new Result(running.process().exitValue(), running.output());
    }

    public static Running start(List<String> jvmArgs, Map<String, String> properties, Path workDir) throws IOException {
        return start(jvmArgs, properties, Map.of(), workDir);
    }

    public static Running start(List<String> jvmArgs, Map<String, String> properties, Map<String, String> env, Path workDir) throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException("Package the application first (mvn verify builds it before the *IT tests): " + jar);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        if (!properties.containsKey(OWN_ROUTES)) {
            command.add("-Dcamel.main.routes-include-pattern=file:" + Path.of("routes").toAbsolutePath() + "/*.yaml");
            command.add("-Dcamel.component.kamelet.location=file:" + Path.of("routes/kamelets").toAbsolutePath() + ",classpath:kamelets");
        }
        properties.forEach((k, v) -> {
            if (!k.equals(OWN_ROUTES)) {
                command.add("-D" + k + "=" + v);
            }
        });
        command.add("-jar");
        command.add(jar.toString());
        Files.createDirectories(workDir);
        Path log = workDir.resolve("process.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        return new Running(process, log);
    }
}

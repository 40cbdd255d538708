package io.github.ascanalyticssync.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.docs.Pages.Block;
import io.github.ascanalyticssync.sync.TestFiles;

/**
 * The documentation is executable: every fenced shell block ({@code bash}, {@code sh}, {@code shell}) of README.md,
 * docs/*.md and k8s/README.md is either run here as written, with what the text around it promises checked, or listed
 * in {@link #NOT_RUN} with the reason. A new block that is in neither list fails the test, and so does a listed block
 * that no page has any more.
 * <p>
 * How a block runs: in a scratch copy of the project laid out as a user has it after {@code mvn package} (the packaged
 * application in {@code target/quarkus-app}, hard-linked, and {@code routes/}), with {@code bash -e} (a command that
 * fails stops the block, as it would stop a user), in its own process, its output in {@code block-<n>.log}. What the
 * test adds is declared here, beside the block's promise, never written into the block:
 * <ul>
 * <li>Apple is replaced by one simulator in its own process (the packaged application with {@code asc.sync.enabled=false}),
 * shared by all blocks, through the documented settings {@code ASC_API_BASE_URL} and
 * {@code ASC_SYNC_DOWNLOAD_SIMULATOR_STORAGE_URL} in the block's environment. The simulator knows the documentation's
 * example keys ({@code 2X9R4HXF34}, {@code 7Q2M9KD3LP}, both with the demo key's public key) and apps
 * ({@code 1234567890}, {@code 2345678901}, {@code 3456789012}), so the blocks run unchanged; the key files are the demo
 * {@code .p8} at the paths the blocks name, under a scratch {@code HOME}.</li>
 * <li>Placeholders and fixed ports are replaced by {@link Run#substitutions} (placeholder text to test value): the
 * example issuer id by the simulator's, the documented ports (8091, 9000, 2222, ...) by free ones. Blocks of the dev
 * profile, which start a simulator of their own, get free ports through {@code ASC_SIMULATOR_API_PORT} and
 * {@code ASC_SIMULATOR_STORAGE_PORT} (free ones found beforehand: the dev profile's sync goes to the port configured,
 * so it cannot be 0); every block gets {@code QUARKUS_HTTP_PORT=0}, any free port, since none reads it.</li>
 * <li>{@code mvn ... package} does nothing: a {@code mvn} first on the block's PATH answers it, since the scratch copy
 * already holds the packaged application (this test runs after {@code package}); any other {@code mvn} command (the
 * S3Proxy download) goes to the real Maven.</li>
 * </ul>
 * A block that runs until stopped (a service, a server) is run until it printed the line its text promises, then
 * stopped ({@link Mode#UNTIL}), or, for a server the next block uses, kept running until the blocks of its
 * {@link Run#group} are done ({@link Mode#BACKGROUND}). A block that runs to its end must exit 0, and so must the
 * commands it assumes ran {@link Run#before} it.
 * <p>
 * What a group's blocks need beyond the JDK and Maven ({@link #NEEDS}: OpenSSH's {@code sshd}) is installed by a
 * script of {@code .ci/}: {@code .ci/run} calls it first, and the test calls it when what it installs is missing.
 */
class DocumentationBlocksIT {

    private static final String DEMO_ISSUER = AppProcess.DEMO_ISSUER;
    private static final Path DEMO_KEY = Path.of("src/main/resources/simulator/demo/AuthKey_DEMOKEY001.p8");
    private static final String DEMO_PUBLIC_KEY = "classpath:simulator/demo/AuthKey_DEMOKEY001.pub.pem";
    /** The documentation's example key ids, whose .p8 files the blocks name under $HOME/keys. */
    private static final List<String> EXAMPLE_KEYS = List.of("2X9R4HXF34", "7Q2M9KD3LP");

    enum Mode {
        /** runs to its end: exit code, lines, files */
        EXIT,
        /** runs until it printed the first promised line, then is stopped */
        UNTIL,
        /** runs until it printed the first promised line, and keeps running for the next blocks of its group */
        BACKGROUND
    }

    /** The environment a block runs in, beyond HOME, PATH and a free HTTP port. */
    enum Env {
        /** nothing more: the block's own settings (the dev profile's simulator gets free ports) */
        OWN,
        /** Apple replaced by the shared simulator: ASC_API_BASE_URL, ASC_SYNC_DOWNLOAD_SIMULATOR_STORAGE_URL */
        SIMULATOR,
        /** the simulator, and the account the README's "With your App Store Connect account" exports */
        ACCOUNT
    }

    /**
     * What a run block promises. {@code before}: shell commands the test runs first in the same scratch copy (a state
     * the text assumes); {@code check}: a further assertion on the scratch copy and the output.
     */
    record Run(Mode mode, Env env, List<String> lines, List<String> files, Map<String, String> substitutions, String group, String before,
            BiConsumer<Path, String> check) {

        Run files(String... globs) {
            return new Run(mode, env, lines, List.of(globs), substitutions, group, before, check);
        }

        Run substitute(String... pairs) {
            Map<String, String> map = new LinkedHashMap<>(substitutions);
            for (int i = 0; i < pairs.length; i += 2) {
                map.put(pairs[i], pairs[i + 1]);
            }
            return new Run(mode, env, lines, files, map, group, before, check);
        }

        Run group(String name) {
            return new Run(mode, env, lines, files, substitutions, name, before, check);
        }

        Run before(String commands) {
            return new Run(mode, env, lines, files, substitutions, group, commands, check);
        }

        Run check(BiConsumer<Path, String> assertion) {
            return new Run(mode, env, lines, files, substitutions, group, before, assertion);
        }
    }

    static Run run(Mode mode, Env env, String... lines) {
        return new Run(mode, env, List.of(lines), List.of(), Map.of(), null, null, null);
    }

    /** The one-shot sync a block's text assumes has run before it (state and data/reports filled). */
    private static final String EARLIER_SYNC = "java -Dasc.sync.mode=one-shot -jar target/quarkus-app/quarkus-run.jar > earlier-sync.log 2>&1\n";

    /**
     * A second folder destination named archive (docs/operations.md, step 1 of adding a destination): a route file in
     * the folder asc.routes.dir names, set in config/application.properties as the user's earlier step left it.
     */
    private static final String ARCHIVE_DESTINATION = "mkdir -p config && echo 'asc.routes.dir=routes' >> config/application.properties\n"
            + "cat > routes/archive.yaml <<'EOF'\n" + TestFiles.destinationRoute("archive", "kamelet:asc-folder-sink/archive?path=archive") + "EOF\n";

    /** Every block that runs here, by name (page#heading[n]), in the order they run, with its promise. */
    static final Map<String, Run> RUN = new LinkedHashMap<>();
    static {
        RUN.put("README.md#quick-start[1]", run(Mode.UNTIL, Env.OWN, "Sync finished in", "App Store Connect simulator: API at")
                .files("data/reports/app_id=*/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/_manifest.json",
                        "data/reports/app_id=*/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/*.tsv.gz"));
        RUN.put("README.md#with-your-app-store-connect-account[1]", run(Mode.UNTIL, Env.SIMULATOR, "Sync finished in")
                .substitute("69a6de70-0000-0000-0000-000000000000", DEMO_ISSUER)
                .files("data/reports/app_id=1234567890/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/_manifest.json",
                        "data/reports/app_id=2345678901/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/_manifest.json")
                .check((dir, out) -> assertTrue(Files.notExists(dir.resolve("data/reports/app_id=3456789012")),
                        "ASC_APP_IDS limits the sync to the two apps it names")));
        RUN.put("README.md#with-your-app-store-connect-account[2]", run(Mode.EXIT, Env.SIMULATOR, "Sync finished in")
                .substitute("69a6de70-0000-0000-0000-000000000000", DEMO_ISSUER)
                .files("config/application.properties",
                        "data/reports/app_id=1234567890/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/_manifest.json"));
        RUN.put("README.md#add-a-destination[1]", run(Mode.EXIT, Env.OWN).files("routes/s3.yaml"));
        RUN.put("docs/configuration.md#several-keys[1]", run(Mode.EXIT, Env.SIMULATOR, "Sync finished in")
                .substitute("69a6de70-0000-0000-0000-000000000000", DEMO_ISSUER)
                .files("data/reports/app_id=1234567890/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/_manifest.json",
                        "data/reports/app_id=3456789012/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/_manifest.json"));
        RUN.put("docs/how-it-works.md#backfill-one_time_snapshot[1]", run(Mode.EXIT, Env.ACCOUNT, "Sync finished in"));
        RUN.put("docs/operations.md#status-at-a-glance[1]", run(Mode.EXIT, Env.ACCOUNT, "ONGOING REQUEST", "1234567890       active", "LACKS SEGMENTS").before(EARLIER_SYNC));
        RUN.put("docs/operations.md#add-a-destination-to-a-running-installation[1]",
                run(Mode.EXIT, Env.ACCOUNT, "Seeded destination archive from ", " 0 failed").before(EARLIER_SYNC + ARCHIVE_DESTINATION)
                        .files("archive/app_id=1234567890/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/_manifest.json"));
        RUN.put("docs/destinations.md#a-local-s3-s3proxy[1]", run(Mode.BACKGROUND, Env.OWN, "Started ServerConnector").group("s3")
                .substitute("127.0.0.1:9000", "127.0.0.1:${port.s3}"));
        RUN.put("docs/destinations.md#a-local-s3-s3proxy[2]", run(Mode.EXIT, Env.OWN, "Sync finished in", "_manifest.json").group("s3")
                .substitute("127.0.0.1:9000", "127.0.0.1:${port.s3}")
                .files("s3proxy/data/asc-analytics/app_id=*/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/_manifest.json",
                        "s3proxy/data/asc-analytics/app_id=*/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/*.tsv.gz"));
        RUN.put("docs/destinations.md#a-local-sftp-server-openssh[1]", run(Mode.BACKGROUND, Env.OWN, "Server listening on 127.0.0.1 port").group("sftp")
                .substitute("2222", "${port.sftp}"));
        RUN.put("docs/destinations.md#a-local-sftp-server-openssh[2]", run(Mode.EXIT, Env.OWN, "Sync finished in", "_manifest.json").group("sftp")
                .substitute("2222", "${port.sftp}")
                .files("sftp/files/reports/app_id=*/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/_manifest.json",
                        "sftp/files/reports/app_id=*/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/*.tsv.gz"));
        RUN.put("docs/simulator.md#run-the-simulator-alone[1]", run(Mode.UNTIL, Env.OWN, "App Store Connect simulator: API at http://127.0.0.1:"));
        RUN.put("docs/simulator.md#point-the-sync-at-a-simulator[1]", run(Mode.UNTIL, Env.OWN, "Sync finished in")
                .substitute("http://127.0.0.1:8091", "${simulator.api}", "http://127.0.0.1:8092", "${simulator.storage}", "8088", "${port.http}")
                .files("data/reports/app_id=1234567890/access_type=ONGOING/report=*/granularity=DAILY/processing_date=*/_manifest.json"));
        RUN.put("docs/simulator.md#from-token-to-downloaded-segment-with-curl[1]", run(Mode.EXIT, Env.OWN, "\"checksum\"", "Date\tApp Name")
                .substitute("http://127.0.0.1:8091", "${simulator.api}").files("segments.json", "segment.tsv.gz")
                .check((dir, out) -> {
                    Matcher checksum = Pattern.compile("\"checksum\": \"([0-9a-f]{32})\"").matcher(out);
                    assertTrue(checksum.find(), "jq shows the segment's checksum");
                    assertTrue(out.contains(checksum.group(1) + "  segment.tsv.gz"), "md5sum of the download equals the listed checksum");
                }));
    }

    /** Every block that does not run here, by name, with the reason. */
    static final Map<String, String> NOT_RUN = Map.ofEntries(
            Map.entry("docs/layout.md#build-and-test[1]", "the whole test suite (mvn -B verify, 15+ minutes), which contains this test"),
            Map.entry("README.md#quick-start[2]", "the whole test suite (mvn -B verify, 15+ minutes), which contains this test"),
            Map.entry("docs/destinations.md#s3-or-minio-ceph-any-s3-compatible-store[1]",
                    "needs a real bucket and credentials; the S3Proxy blocks below run the same variables against a local store"),
            Map.entry("docs/destinations.md#sftp[1]",
                    "needs a real SFTP server (sftp.example.org); the OpenSSH blocks below run the same variables against a local one"),
            Map.entry("docs/destinations.md#kafka[1]", "needs a Kafka broker; DestinationsTest runs routes/examples/kafka.yaml against a KRaft broker"),
            Map.entry("docs/benchmark.md#benchmark[1]", "a measurement of minutes, not a check; bench/benchmark.sh runs the packaged application the same way"),
            Map.entry("docs/benchmark.md#benchmark[2]", "a simulated day of hourly syncs: about 10 minutes"),
            Map.entry("docs/benchmark.md#benchmark[3]", "downloads 500 MiB segments, several minutes"),
            Map.entry("docs/benchmark.md#crash-trial[1]", "a trial of about 15 minutes (16 rounds of two processes and a kill each); FillFromCopiesIT and OneWriterIT kill at chosen moments in the suite"),
            Map.entry("docs/benchmark.md#start-up[1]", "a measurement of several minutes (5 runs per variant, Temurin 25 for two of them)"),
            Map.entry("docs/kubernetes.md#kubernetes[1]", "needs kubectl and a cluster; KubernetesManifestsTest validates the manifests"),
            Map.entry("docs/kubernetes.md#camel-k[1]", "needs kubectl and a cluster with the Camel K operator"),
            Map.entry("docs/kubernetes.md#container-images[1]", "needs a container engine (docker build)"));

    /** What a group's blocks need on the machine beyond the JDK and Maven, and the script of .ci/ that provides it. */
    record Needs(List<Path> paths, String script) {
    }

    /** By group: the local SFTP server's sshd (docs/destinations.md). */
    static final Map<String, Needs> NEEDS = Map.of("sftp", new Needs(List.of(Path.of("/usr/sbin/sshd")), ".ci/sshd.sh"));

    private static Path work;
    private static Path bin;
    private static AppProcess.Running simulator;
    private static final Map<String, String> VALUES = new HashMap<>();

    @BeforeAll
    static void startSimulator() throws Exception {
        work = Path.of("target/docs-blocks").toAbsolutePath();
        TestFiles.deleteTree(work);
        Files.createDirectories(work);
        Map<String, String> settings = new HashMap<>(Map.of("asc.simulator.enabled", "true", "asc.sync.enabled", "false",
                "asc.simulator.api-port", "0", "asc.simulator.storage-port", "0", "quarkus.http.port", "0",
                "asc.simulator.issuer-id", DEMO_ISSUER, "asc.simulator.data.app-ids", "1234567890,2345678901,3456789012",
                "asc.simulator.data.apps", "3", "asc.simulator.data.seed-ongoing-age-days", "3"));
        // a small dataset (App Crashes, which the curl block asks for, is the 19th report), an unlimited quota
        settings.putAll(Map.of("asc.simulator.data.reports", "19", "asc.simulator.data.rows-per-segment", "5",
                "asc.simulator.data.max-segments-per-instance", "1", "asc.simulator.rate-limit.per-hour", "1000000"));
        for (String key : EXAMPLE_KEYS) {
            settings.put("asc.simulator.keys." + key + ".role", "ADMIN");
            settings.put("asc.simulator.keys." + key + ".public-key", DEMO_PUBLIC_KEY);
        }
        simulator = AppProcess.start(List.of("-Xmx256m"), settings, work.resolve("simulator"));
        AppProcess.SimulatorUrls urls = AppProcess.awaitSimulator(simulator, 120);
        VALUES.put("simulator.api", urls.api());
        VALUES.put("simulator.storage", urls.storage());

        bin = work.resolve("bin");
        Files.createDirectories(bin);
        String realMvn = Path.of(System.getProperty("maven.home", "/usr/share/maven"), "bin", "mvn").toString();
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, """
                #!/bin/sh
                # DocumentationBlocksIT: the scratch copy already holds the packaged application, so `mvn ... package`
                # has nothing to do; every other Maven command goes to the real Maven.
                case " $* " in
                  *" package "*) if [ -f target/quarkus-app/quarkus-run.jar ]; then
                      echo "[DocumentationBlocksIT] mvn $*: the packaged application is already in place"; exit 0; fi ;;
                esac
                exec %s "$@"
                """.formatted(realMvn));
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        if ("root".equals(System.getProperty("user.name"))) {
            // sshd's privilege-separation folder, as the docs say (mkdir -p /run/sshd); /run may have been emptied
            // since .ci/sshd.sh made it
            Files.createDirectories(Path.of("/run/sshd"));
        }
    }

    @AfterAll
    static void stopSimulator() throws InterruptedException {
        if (simulator != null) {
            stop(simulator.process());
        }
    }

    @Test
    void everyShellBlockIsRunOrListed() {
        List<Block> blocks = Pages.blocks();
        TreeSet<String> unknown = new TreeSet<>();
        for (Block block : blocks) {
            if (!RUN.containsKey(block.name()) && !NOT_RUN.containsKey(block.name())) {
                unknown.add(block.name());
            }
        }
        assertTrue(unknown.isEmpty(), "Shell blocks neither run nor listed in DocumentationBlocksIT (declare what each promises, "
                + "or list it in NOT_RUN with the reason): " + unknown);
        TreeSet<String> gone = new TreeSet<>(RUN.keySet());
        gone.addAll(NOT_RUN.keySet());
        blocks.forEach(b -> gone.remove(b.name()));
        assertTrue(gone.isEmpty(), "DocumentationBlocksIT names blocks that no page has: " + gone);
    }

    @Test
    void everyRunBlockKeepsItsPromise() throws Exception {
        Map<String, Block> byName = new LinkedHashMap<>();
        Pages.blocks().forEach(b -> byName.put(b.name(), b));
        List<String> failures = new ArrayList<>();
        Map<String, Path> groups = new HashMap<>();
        List<Process> background = new ArrayList<>();
        String currentGroup = null;
        int n = 0;
        for (Map.Entry<String, Run> entry : RUN.entrySet()) {
            Block block = byName.get(entry.getKey());
            if (block == null) {
                continue; // everyShellBlockIsRunOrListed names it
            }
            Run run = entry.getValue();
            if (currentGroup != null && !currentGroup.equals(run.group())) {
                stopAll(background);
            }
            currentGroup = run.group();
            n++;
            long started = System.nanoTime();
            try {
                Path dir = run.group() == null ? scratch(n) : groups.computeIfAbsent(run.group(), g -> scratch(0, g));
                Process process = runBlock(n, block, run, dir);
                if (process != null) {
                    background.add(process);
                }
            } catch (AssertionError | Exception e) {
                failures.add(block.name() + ": " + e.getMessage());
            }
            System.out.printf(Locale.ROOT, "[DocumentationBlocksIT] %s: %.1f s%n", block.name(), (System.nanoTime() - started) / 1e9);
        }
        stopAll(background);
        if (!failures.isEmpty()) {
            fail(failures.size() + " block(s) did not keep their promise:\n\n" + String.join("\n\n", failures));
        }
    }

    /** Runs one block; returns its process when it is to keep running in the background. */
    private static Process runBlock(int n, Block block, Run run, Path dir) throws Exception {
        Needs needs = run.group() == null ? null : NEEDS.get(run.group());
        if (needs != null && needs.paths().stream().anyMatch(Files::notExists)) {
            // as the PostgreSQL tests run .ci/postgres.sh: the README's test command alone sets up what it needs
            Process script = new ProcessBuilder("bash", needs.script()).inheritIO().start();
            assertTrue(script.waitFor(600, java.util.concurrent.TimeUnit.SECONDS) && script.exitValue() == 0, needs.script() + " failed");
            List<Path> missing = needs.paths().stream().filter(Files::notExists).toList();
            assertTrue(missing.isEmpty(), "the blocks of group " + run.group() + " need " + missing + ", still missing after " + needs.script());
        }
        Map<String, String> values = new HashMap<>(VALUES);
        values.put("port.s3", String.valueOf(VALUES.computeIfAbsent("port.s3", k -> String.valueOf(freePort()))));
        values.put("port.sftp", String.valueOf(VALUES.computeIfAbsent("port.sftp", k -> String.valueOf(freePort()))));
        values.put("port.http", String.valueOf(freePort()));
        String text = block.text();
        for (Map.Entry<String, String> s : run.substitutions().entrySet()) {
            assertTrue(text.contains(s.getKey()), "the block no longer contains the placeholder " + s.getKey());
            text = text.replace(s.getKey(), resolve(s.getValue(), values));
        }
        Path script = dir.resolve("block-" + n + ".sh");
        Files.writeString(script, text);
        Map<String, String> env = environment(run.env(), dir);
        if (run.before() != null) {
            Path before = dir.resolve("before-" + n + ".sh");
            Files.writeString(before, run.before());
            Path beforeLog = dir.resolve("before-" + n + ".log");
            Process p = start(before, dir, env, beforeLog);
            String beforeContext = "\n--- before the block (in " + dir + ") ---\n" + run.before() + "--- its output ---\n";
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                stop(p);
                throw new AssertionError("what runs before the block did not end within 180 s" + beforeContext + tail(beforeLog));
            }
            assertEquals(0, p.exitValue(), "exit code of what runs before the block" + beforeContext + tail(beforeLog));
        }
        Path log = dir.resolve("block-" + n + ".log");
        Process process = start(script, dir, env, log);
        String context = "\n--- block (as run, in " + dir + ") ---\n" + text + "--- its output ---\n";
        if (run.mode() == Mode.EXIT) {
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                stop(process);
                throw new AssertionError("did not end within 300 s" + context + tail(log));
            }
            String out = Files.readString(log);
            assertEquals(0, process.exitValue(), "exit code" + context + tail(log));
            assertPromise(run, dir, out, context + tail(log));
            return null;
        }
        String awaited = run.lines().get(0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (true) {
            boolean alive = process.isAlive();
            String out = Files.readString(log);
            if (out.contains(awaited)) {
                break;
            }
            if (!alive) {
                throw new AssertionError("ended (exit " + process.exitValue() + ") before it printed \"" + awaited + "\"" + context + tail(log));
            }
            if (System.nanoTime() > deadline) {
                stop(process);
                throw new AssertionError("did not print \"" + awaited + "\" within 240 s" + context + tail(log));
            }
            Thread.sleep(200);
        }
        if (run.mode() == Mode.UNTIL) {
            stop(process);
            assertPromise(run, dir, Files.readString(log), context + tail(log));
            return null;
        }
        assertPromise(run, dir, Files.readString(log), context + tail(log));
        return process;
    }

    private static void assertPromise(Run run, Path dir, String out, String context) throws IOException {
        for (String line : run.lines()) {
            assertTrue(out.contains(line), "the output lacks \"" + line + "\"" + context);
        }
        for (String glob : run.files()) {
            assertTrue(exists(dir, glob), "no file " + glob + context);
        }
        if (run.check() != null) {
            run.check().accept(dir, out);
        }
    }

    private static Map<String, String> environment(Env kind, Path dir) throws IOException {
        Map<String, String> env = new HashMap<>();
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("keys"));
        for (String key : EXAMPLE_KEYS) {
            Path p8 = home.resolve("keys/AuthKey_" + key + ".p8");
            if (Files.notExists(p8)) {
                Files.copy(DEMO_KEY, p8);
            }
        }
        env.put("HOME", home.toString());
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("QUARKUS_HTTP_PORT", "0"); // no block reads it; a block that names the HTTP port gets it by substitution
        // the dev profile's own simulator, off the documented fixed ports: free ones found now, not 0, since the dev
        // profile's sync goes to the port configured (%dev.asc.api.base-url=http://127.0.0.1:${asc.simulator.api-port})
        env.put("ASC_SIMULATOR_API_PORT", String.valueOf(freePort()));
        env.put("ASC_SIMULATOR_STORAGE_PORT", String.valueOf(freePort()));
        if (kind != Env.OWN) {
            env.put("ASC_API_BASE_URL", VALUES.get("simulator.api"));
            env.put("ASC_SYNC_DOWNLOAD_SIMULATOR_STORAGE_URL", VALUES.get("simulator.storage"));
        }
        if (kind == Env.ACCOUNT) {
            env.put("ASC_ISSUER_ID", DEMO_ISSUER);
            env.put("ASC_KEY_ID", "2X9R4HXF34");
            env.put("ASC_PRIVATE_KEY_PATH", home.resolve("keys/AuthKey_2X9R4HXF34.p8").toString());
            env.put("ASC_APP_IDS", "1234567890,2345678901");
        }
        return env;
    }

    private static Process start(Path script, Path dir, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-e", script.getFileName().toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("ASC_") || k.startsWith("QUARKUS_") || k.startsWith("AWS_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** A scratch copy of the project as a user has it after packaging: target/quarkus-app (hard links) and routes/. */
    private static Path scratch(int n, String... group) {
        try {
            Path dir = work.resolve(group.length > 0 ? "group-" + group[0] : "block-" + n);
            Path app = Path.of("target/quarkus-app").toAbsolutePath();
            try (Stream<Path> files = Files.walk(app)) {
                for (Path source : (Iterable<Path>) files::iterator) {
                    Path target = dir.resolve("target/quarkus-app").resolve(app.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.createLink(target, source);
                    }
                }
            }
            TestFiles.copyTree(Path.of("routes").toAbsolutePath(), dir.resolve("routes"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path scratch(int n) {
        return scratch(n, new String[0]);
    }

    private static boolean exists(Path dir, String glob) throws IOException {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(p -> matcher.matches(dir.relativize(p)));
        }
    }

    private static String resolve(String value, Map<String, String> values) {
        Matcher m = Pattern.compile("\\$\\{([a-z.0-9]+)}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Stops a block and everything it started (a server in the background, the JVM it ran). */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.forEach(ProcessHandle::destroy);
        process.destroy();
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static void stopAll(List<Process> processes) throws InterruptedException {
        for (Process p : processes) {
            stop(p);
        }
        processes.clear();
    }
}

package io.github.ascanalyticssync;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes a test started (the packaged application, a container's process): a failure shows what each printed
 * last and how it was started, and each is ended, and waited for, after the test.
 */
public final class ProcessGroup {

    /** Lines of each process's output a failure shows. */
    private static final int TAIL = 80;

    private final List<AppProcess.Running> processes = new ArrayList<>();

    public interface Check {
        void run() throws Exception;
    }

    /** The process, now one of the group. */
    public AppProcess.Running add(AppProcess.Running process) {
        processes.add(process);
        return process;
    }

    /**
     * Runs the check; when it fails, prints the last lines of each process's output (with a thread dump of each that still
     * runs when ASC_IT_JSTACK is set) and the command it was started with, if one was written beside its log
     * ({@code <name>.command}, secrets masked), then fails the same way.
     */
    public void withLogsOnFailure(Check check) throws Exception {
        try {
            check.run();
        } catch (AssertionError | Exception e) {
            for (AppProcess.Running p : processes) {
                if (p.process().isAlive() && System.getenv("ASC_IT_JSTACK") != null) {
                    Process j = new ProcessBuilder("jstack", Long.toString(p.process().pid())).redirectErrorStream(true).start();
                    System.out.println("---- jstack " + p.log() + "\n" + new String(j.getInputStream().readAllBytes()));
                }
                List<String> lines = p.output().lines().toList();
                System.out.println("---- " + p.log() + " (last lines)");
                lines.subList(Math.max(0, lines.size() - TAIL), lines.size()).forEach(System.out::println);
                Path command = p.log().resolveSibling(p.log().getFileName().toString().replace(".log", ".command"));
                if (!command.equals(p.log()) && Files.exists(command)) {
                    System.out.println("---- started as: " + Files.readString(command).replaceAll("(SECRET|PASSWORD)[^,}]*", "$1=***"));
                }
            }
            throw e;
        }
    }

    /** Kills every process of the group and waits for each to exit: nothing of one test runs on into the next. */
    public void destroyAll() throws InterruptedException {
        for (AppProcess.Running p : processes) {
            p.process().destroyForcibly().waitFor();
        }
        processes.clear();
    }
}

package io.github.ascanalyticssync.sync;

import java.util.concurrent.ExecutorService;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;

/**
 * The pool routes/sync.yaml walks reports with ({@code executorService: reportWorkers}): {@code asc.sync.parallel-reports}
 * threads from Camel's executor manager, so Camel names, tracks and shuts them down.
 */
@ApplicationScoped
public class ReportWorkers {

    @Produces
    @Singleton
    @Named("reportWorkers")
    ExecutorService reportWorkers(CamelContext camel, SyncConfig config) {
        int threads = config.sync().parallelReports();
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("asc.sync.parallel-reports must be between 1 and 64, not " + threads);
        }
        return camel.getExecutorServiceManager().newFixedThreadPool(this, "asc-reports", threads);
    }
}

package io.github.ascanalyticssync.sync;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.quarkus.main.events.AfterStart;
import org.jboss.logging.Logger;

/**
 * Clustered mode ({@code asc.cluster.enabled=true}): apps are hashed into {@code asc.cluster.shards} shards; for each
 * shard one route from the template {@code asc-shard} (routes/sync.yaml) consumes from
 * {@code master:asc-shard-<n>:timer:...}, so it runs only on the replica that leads that shard. Leadership comes from
 * Camel's cluster service: Kubernetes Leases ({@code asc.cluster.service=kubernetes}) or file locks in a shared folder
 * ({@code file}, one host and tests). Each shard is elected on its own, so shards spread over the replicas, and a
 * replica that dies or stops loses its shards to the others.
 */
@ApplicationScoped
public class Cluster {

    private static final Logger LOG = Logger.getLogger(Cluster.class);

    @Inject
    SyncConfig config;

    /** The shard an app belongs to: CRC-32 of its id, modulo the shard count (stable across replicas and restarts). */
    static int shardOf(String appId, int shards) {
        CRC32 crc = new CRC32();
        crc.update(appId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }

    void onCamelStarted(@Observes AfterStart event) throws Exception {
        SyncConfig.Cluster cluster = config.cluster();
        if (!cluster.enabled() || !config.sync().enabled()) {
            return;
        }
        CamelContext camel = event.getCamelContext();
        String member = cluster.memberId().orElseGet(() -> System.getenv().getOrDefault("HOSTNAME", "asc-" + ProcessHandle.current().pid()));
        CamelClusterService service = service(cluster, member);
        camel.addService(service, true, true);
        // Shards spread over the replicas: each replica competes at once for the shards it prefers (by a hash of its
        // member id) and only later for the others, which by then the replicas preferring them have taken.
        List<Integer> later = new ArrayList<>();
        for (int shard = 0; shard < cluster.shards(); shard++) {
            if (prefers(member, shard, cluster.shards())) {
                addShard(camel, service, member, shard);
            } else {
                later.add(shard);
            }
        }
        LOG.infof("Clustered mode: member %s, %d shard(s), leadership through %s; competing for shards %s now, for %s in %s", member,
                cluster.shards(), cluster.service() == SyncConfig.ClusterService.FILE ? "file locks in " + cluster.lockDir().toAbsolutePath()
                        : "Kubernetes Leases", preferred(member, cluster.shards()), later, cluster.deferOthers());
        var scheduler = camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "asc-cluster");
        scheduler.schedule(() -> {
            try {
                for (int shard : later) {
                    addShard(camel, service, member, shard);
                }
            } catch (Exception e) {
                LOG.errorf("The shard routes %s could not be added: %s", later, e.getMessage());
            }
        }, cluster.deferOthers().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Competes for the shard: its view (created here) elects a leader, whose master: route then runs. */
    private static void addShard(CamelContext camel, CamelClusterService service, String member, int shard) throws Exception {
        if (camel.isStopping() || camel.isStopped()) {
            return;
        }
        service.getView("asc-shard-" + shard).addEventListener((CamelClusterEventListener.Leadership) (view, leader) -> LOG.infof(
                "Shard %d: %s", shard, leader == null ? "no leader yet" : leader.isLocal() ? "this replica (" + member + ") leads it" : "led by " + leader.getId()));
        TemplatedRouteBuilder.builder(camel, "asc-shard").routeId("asc-shard-" + shard).parameter("shard", Integer.toString(shard)).add();
    }

    /** A replica prefers half of the shards, a window that starts at a hash of its member id. */
    static boolean prefers(String member, int shard, int shards) {
        return Math.floorMod(shard - shardOf(member, shards), shards) < (shards + 1) / 2;
    }

    static List<Integer> preferred(String member, int shards) {
        List<Integer> out = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            if (prefers(member, shard, shards)) {
                out.add(shard);
            }
        }
        return out;
    }

    private CamelClusterService service(SyncConfig.Cluster cluster, String member) throws Exception {
        if (cluster.service() == SyncConfig.ClusterService.FILE) {
            Files.createDirectories(cluster.lockDir());
            FileLockClusterService files = new FileLockClusterService();
            files.setId(member);
            files.setRoot(cluster.lockDir().toAbsolutePath().toString());
            files.setAcquireLockDelay(0, java.util.concurrent.TimeUnit.MILLISECONDS);
            files.setAcquireLockInterval(cluster.acquireLockInterval().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return files;
        }
        KubernetesClusterService leases = new KubernetesClusterService();
        leases.setId(member);
        leases.setPodName(member);
        cluster.kubernetesNamespace().ifPresent(leases::setKubernetesNamespace);
        leases.setLeaseDurationMillis(cluster.leaseDuration().toMillis());
        leases.setRenewDeadlineMillis(cluster.renewDeadline().toMillis());
        leases.setRetryPeriodMillis(cluster.retryPeriod().toMillis());
        leases.setClusterLabels(Map.of("app.kubernetes.io/name", "asc-analytics-sync"));
        return leases;
    }
}

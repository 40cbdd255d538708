package io.github.ascanalyticssync.run;

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
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.master.MasterComponent;
import org.apache.camel.quarkus.main.events.AfterStart;
import org.apache.camel.quarkus.main.events.AfterStop;
import org.apache.camel.support.service.ServiceHelper;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.config.KeySettings;
import io.github.ascanalyticssync.config.SyncConfig;

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
    public static int shardOf(String appId, int shards) {
        CRC32 crc = new CRC32();
        crc.update(appId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }

    /**
     * What an app is hashed by: {@code <key>/<app id>}, so that the apps of several keys spread over the shards by key
     * and app; the app id alone for the single key {@code default}, so that a single-key cluster keeps its shards.
     */
    public static String shardKey(String key, String appId) {
        return KeySettings.DEFAULT.equals(key) ? appId : key + "/" + appId;
    }

    /** The two cluster services (shards competed for at once, and later), stopped with Camel. */
    private final List<CamelClusterService> services = new ArrayList<>();

    void onCamelStarted(@Observes AfterStart event) throws Exception {
        SyncConfig.Cluster cluster = config.cluster();
        if (!cluster.enabled() || !config.sync().enabled()) {
            return;
        }
        CamelContext camel = event.getCamelContext();
        String member = cluster.memberId().orElseGet(() -> System.getenv().getOrDefault("HOSTNAME", "asc-" + ProcessHandle.current().pid()));
        // Shards spread over the replicas: each replica competes at once for the shards it prefers (by a hash of its
        // member id) and only later for the others, which by then the replicas preferring them have taken. Each group
        // has its own cluster service behind its own master component ("asc-master-now", "asc-master-later"). Every
        // shard route starts, and so registers its leadership listener, while its service is not yet running: camel-file
        // 4.14's lock view can deadlock when a listener is added while it is taking a lock.
        CamelClusterService now = service(camel, cluster, member, "now");
        CamelClusterService later = service(camel, cluster, member, "later");
        List<Integer> deferred = new ArrayList<>();
        for (int shard = 0; shard < cluster.shards(); shard++) {
            boolean preferred = prefers(member, shard, cluster.shards());
            if (!preferred) {
                deferred.add(shard);
            }
            addShard(camel, shard, preferred ? master(camel, "asc-master-now", now) : master(camel, "asc-master-later", later));
        }
        start(now);
        LOG.infof("Clustered mode: member %s, %d shard(s), leadership through %s; competing for shards %s now, for %s in %s", member,
                cluster.shards(), cluster.service() == SyncConfig.ClusterService.FILE ? "file locks in " + cluster.lockDir().toAbsolutePath()
                        : "Kubernetes Leases", preferred(member, cluster.shards()), deferred, cluster.deferOthers());
        var scheduler = camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "asc-cluster");
        scheduler.schedule(() -> start(later), cluster.deferOthers().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void start(CamelClusterService service) {
        synchronized (services) {
            if (!services.contains(service)) {
                ServiceHelper.startService(service);
                services.add(service);
            }
        }
    }

    /** Leadership is given up as Camel stops (after its routes): the other replicas take the shards over at once. */
    void onCamelStopped(@Observes AfterStop event) {
        synchronized (services) {
            services.forEach(ServiceHelper::stopService);
            services.clear();
        }
    }

    private static String master(CamelContext camel, String name, CamelClusterService service) {
        if (camel.hasComponent(name) == null) {
            MasterComponent master = new MasterComponent(camel);
            master.setService(service);
            camel.addComponent(name, master);
        }
        return name;
    }

    /** The shard's route; it runs once the master component's view elects this replica. */
    private static void addShard(CamelContext camel, int shard, String master) throws Exception {
        TemplatedRouteBuilder.builder(camel, "asc-shard").routeId("asc-shard-" + shard).parameter("shard", Integer.toString(shard))
                .parameter("master", master).add();
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

    private static CamelClusterService service(CamelContext camel, SyncConfig.Cluster cluster, String member, String group) throws Exception {
        if (cluster.service() == SyncConfig.ClusterService.FILE) {
            Files.createDirectories(cluster.lockDir());
            FileLockClusterService files = new FileLockClusterService();
            files.setCamelContext(camel);
            files.setId(member + "-" + group);
            files.setRoot(cluster.lockDir().toAbsolutePath().toString());
            // the first attempt waits a moment: the master consumer registers its listener on the new view first
            files.setAcquireLockDelay(1, java.util.concurrent.TimeUnit.SECONDS);
            files.setAcquireLockInterval(cluster.acquireLockInterval().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return files;
        }
        KubernetesClusterService leases = new KubernetesClusterService();
        leases.setCamelContext(camel);
        leases.setId(member + "-" + group);
        // the Lease holder is the pod itself, whichever group its shard is in
        leases.setPodName(member);
        cluster.kubernetesNamespace().ifPresent(leases::setKubernetesNamespace);
        leases.setLeaseDurationMillis(cluster.leaseDuration().toMillis());
        leases.setRenewDeadlineMillis(cluster.renewDeadline().toMillis());
        leases.setRetryPeriodMillis(cluster.retryPeriod().toMillis());
        leases.setClusterLabels(Map.of("app.kubernetes.io/name", "asc-analytics-sync"));
        return leases;
    }
}

package io.github.ascanalyticssync.destination;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A real Kafka broker in the test JVM: KRaft, one combined broker and controller. */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    static KafkaClusterTestKit cluster;

    @Override
    public Map<String, String> start() {
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("num.partitions", "1")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException("The Kafka broker did not start", e);
        }
        return Map.of("camel.kamelet.asc-kafka-sink.kafka.bootstrapServers", cluster.bootstrapServers());
    }

    /**
     * Creates the topics that do not exist yet and waits until each partition has a leader: a topic created by the
     * broker on the first record moves its leader right away, and the idempotent producer's retry over that move can
     * end in OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery times out. Installations create their topics up front
     * (README, Kafka).
     */
    static void createTopics(java.util.Collection<String> names) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            java.util.Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = names.stream().distinct().filter(n -> !existing.contains(n))
                    .map(n -> new NewTopic(n, 1, (short) 1)).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline && admin.describeTopics(names).allTopicNames().get().values().stream()
                    .anyMatch(d -> d.partitions().stream().anyMatch(part -> part.leader() == null))) {
                Thread.sleep(100);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not create the test topics", e);
        }
    }

    /**
     * The end offset of every partition of the topics whose name starts with the prefix: what a test reads from, so
     * that topics are never deleted and recreated under a producer that still knows their old sequence numbers.
     */
    static Map<TopicPartition, Long> endOffsets(String prefix) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix)).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().values().forEach(d -> d.partitions()
                    .forEach(part -> latest.put(new TopicPartition(d.name(), part.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("Could not read the offsets of the test topics", e);
        }
    }

    @Override
    public void stop() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

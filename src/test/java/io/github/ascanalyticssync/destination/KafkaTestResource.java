package io.github.ascanalyticssync.destination;

import java.util.Map;

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

    /** Deletes every topic whose name starts with the prefix, and waits until they are gone. */
    static void deleteTopics(String prefix) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            java.util.Set<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix))
                    .collect(java.util.stream.Collectors.toSet());
            if (!topics.isEmpty()) {
                admin.deleteTopics(topics).all().get();
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline
                    && admin.listTopics().names().get().stream().anyMatch(t -> t.startsWith(prefix))) {
                Thread.sleep(100);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not delete the test topics", e);
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

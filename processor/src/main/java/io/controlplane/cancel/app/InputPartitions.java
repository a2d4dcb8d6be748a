package io.controlplane.cancel.app;

import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.CancelTopic;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * The topics declared co-partitioned with the commands (the run states) must have the commands'
 * partition count: a command and its run's state meet only in the task that reads the same
 * partition number of both.
 */
final class InputPartitions {

    private InputPartitions() {}

    /** @return the partition count the co-partitioned topics share */
    static int check(Admin admin, CancelProcessorConfig config, long timeoutMs)
            throws StartupException, ExecutionException, InterruptedException, TimeoutException {
        List<String> coPartitioned = CancelTopic.ALL.stream()
                .filter(CancelTopic::coPartitionedWithCommands)
                .map(topic -> topic.name(config))
                .toList();
        Map<String, TopicDescription> described =
                admin.describeTopics(coPartitioned).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
        List<String> mismatches = TopicMismatches.coPartitioning(
                config, name -> described.get(name).partitions().size());
        if (!mismatches.isEmpty()) {
            throw new StartupException(mismatches.get(0) + " (recreate one of them as README.md describes)");
        }
        return described.get(CancelTopic.COMMANDS.name(config)).partitions().size();
    }
}

package io.controlplane.cancel.app;

import io.controlplane.cancel.config.CancelProcessorConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * The commands and run-states topics must have one partition count: a command and its run's state
 * meet only in the task that reads the same partition number of both.
 */
final class InputPartitions {

    private InputPartitions() {
    }

    /** @return the partition count both topics have */
    static int check(Admin admin, CancelProcessorConfig config, long timeoutMs)
            throws StartupException, ExecutionException, InterruptedException, TimeoutException {
        String commands = config.commandsTopic();
        String runStates = config.runStatesTopic();
        Map<String, TopicDescription> described = admin.describeTopics(List.of(commands, runStates))
                .allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
        int commandPartitions = described.get(commands).partitions().size();
        int runStatePartitions = described.get(runStates).partitions().size();
        if (commandPartitions != runStatePartitions) {
            throw new StartupException("Topics " + commands + " (" + commandPartitions + " partitions) and "
                    + runStates + " (" + runStatePartitions + " partitions) must have the same partition count, "
                    + "or commands miss their run's state (recreate one of them as README.md describes)");
        }
        return commandPartitions;
    }
}

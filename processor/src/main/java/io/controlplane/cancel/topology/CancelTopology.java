package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.decision.BulkDecider;
import io.controlplane.cancel.decision.CancelDecider;
import io.controlplane.cancel.decision.CommandValidation;
import io.controlplane.cancel.errors.RecordSizeLimits;
import io.controlplane.cancel.identity.CommandIdentity;
import io.controlplane.cancel.identity.IdentityMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/** The whole processor, source to sink. */
public final class CancelTopology {

    /** The one processor of everything keyed by executionId. */
    public static final String PROCESSOR = "decide";

    private CancelTopology() {}

    public static Topology build(CancelProcessorConfig config) {
        return build(config, OptionalInt.empty());
    }

    /** @param inputPartitions the commands and run-states topics' partition count; unknown = no misrouting check */
    public static Topology build(CancelProcessorConfig config, OptionalInt inputPartitions) {
        if (config.identityMode() != IdentityMode.TRUSTED) {
            throw new IllegalArgumentException(CancelProcessorConfig.IDENTITY_MODE + "=signed needs a token verifier");
        }
        return build(config, inputPartitions, CommandIdentity.TRUSTED);
    }

    /** @param identity what a command's authorization header proves (trusted mode: nothing needed) */
    public static Topology build(CancelProcessorConfig config, OptionalInt inputPartitions, CommandIdentity identity) {
        return build(config, inputPartitions, identity, PreviousVersion.NONE);
    }

    /** @param previous what the previous version left under this application.id, to carry on from */
    public static Topology build(
            CancelProcessorConfig config,
            OptionalInt inputPartitions,
            CommandIdentity identity,
            PreviousVersion previous) {
        Topics topics = new Topics(config);
        Duration retention = config.dedupRetention();
        boolean cascade = config.cascadesToChildren();
        // Built with the application's own settings: StreamsBuilder() alone reads a default config.
        StreamsBuilder builder =
                new StreamsBuilder(new TopologyConfig(new StreamsConfig(StreamsProperties.from(config.originals()))));

        // Grants are keyed by actor, not by execution, so every instance keeps all of them. They are
        // kept as they came and decoded when used, failing closed (GrantDecoder): a grant record
        // that cannot be decoded revokes, and never stops the global thread. Commands are served
        // from the decoded grants in memory (OperatorGrants), which the global processor keeps.
        OperatorGrants grants = new OperatorGrants(new GrantDecoder(
                topics.operators.name(), topics.operators.valueSerde().deserializer()));
        builder.addGlobalStore(
                CancelStores.grants(),
                topics.operators.name(),
                Consumed.with(Topics.KEY_SERDE, Serdes.ByteArray()).withName("operator-grants"),
                () -> new GrantUpdater(grants));
        CancelStores.partitioned().forEach(builder::addStateStore);
        List<String> stores = new ArrayList<>(List.of(CancelStores.partitionedNames()));
        if (previous.stores()) {
            PreviousVersionState.stores(retention, cascade).forEach(builder::addStateStore);
            stores.addAll(List.of(PreviousVersionState.storeNames(cascade)));
        }

        // Commands must meet their run's state on the same partition. Those keyed by executionId
        // already do; only unkeyed ones pay for a repartition.
        KStream<String, CancelCommand> commands = builder.stream(
                topics.commands.name(),
                Consumed.with(Topics.KEY_SERDE, topics.commands.valueSerde()).withName("cancel-commands"));
        Map<String, KStream<String, CancelCommand>> routes = commands.split(Named.as("command-"))
                .branch(
                        CommandValidation::needsRekey,
                        Branched.withFunction(
                                unkeyed -> unkeyed.selectKey(
                                                (key, command) -> command.getExecutionId(),
                                                Named.as("key-by-execution"))
                                        .repartition(Repartitioned.<String, CancelCommand>as("commands-by-execution")
                                                .withKeySerde(Topics.KEY_SERDE)
                                                .withValueSerde(topics.commands.valueSerde())
                                                .withStreamPartitioner(
                                                        new ExecutionPartitioner<>(config.partitioner()))),
                                "unkeyed"))
                .defaultBranch(Branched.withFunction(
                        keyed -> checkPartition(keyed, "commands", config, inputPartitions), "keyed"));
        KStream<String, ExecutionInput> inputs = routes.get("command-keyed")
                .merge(routes.get("command-unkeyed"), Named.as("merge-commands"))
                .mapValues(ExecutionInput.Command::new, Named.as("as-command"));
        KStream<String, ExecutionInput> runStates = checkPartition(
                        builder.stream(
                                topics.runStates.name(),
                                Consumed.with(Topics.KEY_SERDE, topics.runStates.valueSerde())
                                        .withName("run-states")),
                        "run-states",
                        config,
                        inputPartitions)
                .mapValues(ExecutionInput.RunStateUpdate::new, Named.as("as-run-state"));
        inputs = inputs.merge(runStates, Named.as("merge-run-states"));
        if (cascade) {
            inputs = inputs.merge(
                    builder.stream(
                                    topics.cascade,
                                    Consumed.with(Topics.KEY_SERDE, CascadeTopic.serde())
                                            .withName("cascade"))
                            .mapValues(message -> (ExecutionInput) message, Named.as("as-cascade")),
                    Named.as("merge-cascade"));
            inputs = readOnPreviousCascadeTopics(builder, inputs, topics, previous);
        }

        inputs = inputs.merge(bulkTasks(builder, config, topics, grants, identity), Named.as("merge-bulk-tasks"));

        ExecutionProcessor.Settings settings = new ExecutionProcessor.Settings(
                new CancelDecider(config.policy()),
                config.policy().timing(),
                config.deadlinePolicy(),
                config.notFoundGrace(),
                retention,
                grants,
                identity,
                cascade,
                previous.stores(),
                config.bulkPacing(),
                config.partitioner(),
                inputPartitions.orElse(1));
        KStream<String, ExecutionOutput> outputs = inputs.process(
                () -> new ExecutionProcessor(settings), Named.as(PROCESSOR), stores.toArray(String[]::new));

        // One sink for outcomes: each kind goes to its own topic, as OutcomeSink says.
        OutcomeSink sink = new OutcomeSink(topics, RecordSizeLimits.of(config.originals()));
        Consumer<KStream<String, ExecutionOutput>> toOutcomeTopics = outcomes -> outcomes.mapValues(
                        output -> ((ExecutionOutput.Outcome) output).outcome(), Named.as("outcome"))
                .to(sink, Produced.with(Topics.KEY_SERDE, sink.serde()).withName("outcome-sink"));
        BranchedKStream<String, ExecutionOutput> byKind = outputs.split(Named.as("output-"))
                .branch(
                        (key, output) -> output instanceof ExecutionOutput.Outcome,
                        Branched.withConsumer(toOutcomeTopics, "outcomes"))
                .branch(
                        (key, output) -> output instanceof ExecutionOutput.BulkProgress,
                        Branched.withConsumer(
                                progress -> progress.mapValues(
                                                output -> ((ExecutionOutput.BulkProgress) output).progress(),
                                                Named.as("bulk-progress"))
                                        .to(
                                                topics.bulkProgress.name(),
                                                Produced.with(Topics.KEY_SERDE, topics.bulkProgress.valueSerde())
                                                        .withName("bulk-progress-sink")),
                                "bulk-progress"));
        if (!cascade) {
            byKind.noDefaultBranch();
            return builder.build();
        }
        byKind.defaultBranch(Branched.withConsumer(
                messages -> messages.mapValues(output -> (CascadeMessage) output, Named.as("cascade-message"))
                        .to(
                                topics.cascade,
                                Produced.with(Topics.KEY_SERDE, CascadeTopic.serde())
                                        .withStreamPartitioner(new ExecutionPartitioner<>(config.partitioner()))
                                        .withName("cascade-sink")),
                "cascade"));
        return builder.build();
    }

    /**
     * A bulk cancel as a whole is decided on the task of its bulkId (BulkCommandProcessor): a refusal
     * goes to the progress topic at once; what is accepted goes to every task that holds runs,
     * through the bulk topic (BulkTopic), and comes back here as their input.
     */
    private static KStream<String, ExecutionInput> bulkTasks(
            StreamsBuilder builder,
            CancelProcessorConfig config,
            Topics topics,
            OperatorGrants grants,
            CommandIdentity identity) {
        builder.addStateStore(CancelStores.bulks());
        BulkDecider decider = new BulkDecider(config.policy());
        builder.stream(
                        topics.bulk.name(),
                        Consumed.with(Topics.KEY_SERDE, topics.bulk.valueSerde())
                                .withName("bulk-commands"))
                .process(
                        () -> new BulkCommandProcessor(decider, grants, identity),
                        Named.as("decide-bulk"),
                        CancelStores.BULKS)
                .split(Named.as("bulk-"))
                .branch(
                        (bulkId, output) -> output instanceof BulkCancelProgress,
                        Branched.withConsumer(
                                rejections -> rejections
                                        .mapValues(output -> (BulkCancelProgress) output, Named.as("rejected-bulk"))
                                        .to(
                                                topics.bulkProgress.name(),
                                                Produced.with(Topics.KEY_SERDE, topics.bulkProgress.valueSerde())
                                                        .withName("bulk-rejection-sink")),
                                "rejected"))
                .defaultBranch(Branched.withConsumer(
                        accepted -> accepted.mapValues(output -> (BulkCancelCommand) output, Named.as("accepted-bulk"))
                                .to(
                                        topics.bulkTasks,
                                        Produced.with(Topics.KEY_SERDE, BulkTopic.serde())
                                                .withStreamPartitioner(BulkTopic.everyPartition())
                                                .withName("bulk-tasks-sink")),
                        "accepted"));
        return builder.stream(
                        topics.bulkTasks,
                        Consumed.with(Topics.KEY_SERDE, BulkTopic.serde()).withName("bulk-tasks"))
                .mapValues(command -> (ExecutionInput) new ExecutionInput.BulkTask(command), Named.as("as-bulk-task"));
    }

    /**
     * Links and cascades the previous version left in its two repartition topics (found at start-up)
     * are read on from where it stopped, as the group's offsets say: nothing in flight is lost.
     */
    private static KStream<String, ExecutionInput> readOnPreviousCascadeTopics(
            StreamsBuilder builder, KStream<String, ExecutionInput> inputs, Topics topics, PreviousVersion previous) {
        if (previous.linksTopic()) {
            inputs = inputs.merge(
                    builder.stream(
                                    topics.applicationId + PreviousVersionState.LINKS_TOPIC_SUFFIX,
                                    Consumed.with(Topics.KEY_SERDE, Serdes.String())
                                            .withName("previous-version-links"))
                            .mapValues(
                                    childId -> (ExecutionInput) new CascadeMessage.ChildLink(childId),
                                    Named.as("as-previous-version-link")),
                    Named.as("merge-previous-version-links"));
        }
        if (previous.cascadeTopic()) {
            inputs = inputs.merge(
                    builder.stream(
                                    topics.applicationId + PreviousVersionState.CASCADE_TOPIC_SUFFIX,
                                    Consumed.with(Topics.KEY_SERDE, CancelStores.cancellationSerde())
                                            .withName("previous-version-cascades"))
                            .mapValues(
                                    cause -> (ExecutionInput) CascadeMessage.forced(cause),
                                    Named.as("as-previous-version-cascade")),
                    Named.as("merge-previous-version-cascades"));
        }
        return inputs;
    }

    /** Keyed input records pass a check that they are on the partition the configured partitioner gives them. */
    private static <V> KStream<String, V> checkPartition(
            KStream<String, V> input, String inputName, CancelProcessorConfig config, OptionalInt inputPartitions) {
        if (inputPartitions.isEmpty()) {
            return input;
        }
        return input.processValues(
                () -> new MisroutingCheck<>(config.partitioner(), inputPartitions.getAsInt()),
                Named.as("check-partition-of-" + inputName));
    }
}

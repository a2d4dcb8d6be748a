package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.decision.CancelDecider;
import io.controlplane.cancel.decision.CommandValidation;
import io.controlplane.cancel.decision.Decision;
import io.controlplane.cancel.errors.RecordSizeLimits;
import io.controlplane.cancel.identity.CommandIdentity;
import io.controlplane.cancel.identity.IdentityMode;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/** The whole processor, source to sink. */
public final class CancelTopology {

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
        Topics topics = new Topics(config);
        CancelDecider decider = new CancelDecider(config.policy());
        Duration retention = config.dedupRetention();
        // Built with the application's own settings: StreamsBuilder() alone reads a default config.
        StreamsBuilder builder =
                new StreamsBuilder(new TopologyConfig(new StreamsConfig(StreamsProperties.from(config.originals()))));

        // Grants are keyed by actor, not by execution, so every instance keeps all of them. They are
        // kept as they came and decoded when used, failing closed (GrantDecoder): a grant record
        // that cannot be decoded revokes, and never stops the global thread.
        GrantDecoder grantDecoder = new GrantDecoder(
                topics.operators.name(), topics.operators.valueSerde().deserializer());
        builder.addGlobalStore(
                CancelStores.grants(),
                topics.operators.name(),
                Consumed.with(Topics.KEY_SERDE, Serdes.ByteArray()).withName("operator-grants"),
                () -> new GrantUpdater(grantDecoder));
        CancelStores.partitioned(retention).forEach(builder::addStateStore);
        boolean cascade = config.cascadesToChildren();
        if (cascade) {
            CancelStores.cascade().forEach(builder::addStateStore);
        }
        CommandEvaluator.Factory evaluators =
                new CommandEvaluator.Factory(decider, config.notFoundGrace(), retention, grantDecoder, identity);

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
        KStream<String, CancelCommand> byExecution =
                routes.get("command-keyed").merge(routes.get("command-unkeyed"), Named.as("merge-commands"));

        KStream<String, Decision.Outcome> fromCommands = byExecution.process(
                () -> new CancelCommandProcessor(evaluators),
                Named.as("judge-commands"),
                CancelStores.partitionedNames());
        KStream<String, RunState> runStates = checkPartition(
                builder.stream(
                        topics.runStates.name(),
                        Consumed.with(Topics.KEY_SERDE, topics.runStates.valueSerde())
                                .withName("run-states")),
                "run-states",
                config,
                inputPartitions);
        KStream<String, Decision.Outcome> fromRunStates = runStates.process(
                () -> new RunStateProcessor(evaluators), Named.as("track-run-states"), CancelStores.partitionedNames());

        // One sink: each kind of outcome goes to its own topic, as OutcomeSink says.
        OutcomeSink sink = new OutcomeSink(topics, RecordSizeLimits.of(config.originals()));
        KStream<String, Decision.Outcome> outcomes = fromCommands.merge(fromRunStates, Named.as("outcomes"));
        if (cascade) {
            outcomes = outcomes.merge(
                    CascadeTopology.wire(runStates, outcomes, config), Named.as("outcomes-and-cascades"));
        }
        outcomes.to(sink, Produced.with(Topics.KEY_SERDE, sink.serde()).withName("outcome-sink"));
        return cascade ? CascadeTopology.closeLoop(builder.build(), config) : builder.build();
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

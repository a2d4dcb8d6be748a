package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunStatus;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

class TrustedAvroPackagesTest {

    @Test
    void onlyThePackageOfTheClassASerdeIsBuiltForIsAddedToWhatAvroTrusts() {
        new AvroBinarySerde<>(OperatorGrant.class);

        ClassSecurityValidator.ClassSecurityPredicate trusted = ClassSecurityValidator.getGlobal();
        assertThat(trusted.isTrusted(CancelCommand.class)).isTrue();
        assertThat(trusted.isTrusted(CancelCommand.Builder.class)).isTrue();
        assertThat(trusted.isTrusted(RunStatus.class)).isTrue();
        assertThat(trusted.isTrusted(String.class))
                .as("Avro's own defaults stay")
                .isTrue();
        assertThat(trusted.isTrusted(FramedAvroSerde.class))
                .as("the package next to it")
                .isFalse();
        assertThat(trusted.isTrusted(ProcessBuilder.class)).isFalse();
        assertThat(trusted.isTrusted(java.util.ArrayList.class)).isFalse();
    }

    @Test
    void aSerdeOfARecordOfRecordsTrustsThePackagesOfEveryClassItHolds() {
        // the bulk's task state holds the bulk command, its enums and the run statuses of the contract
        assertThat(TrustedAvroPackages.namespacesOf(io.controlplane.cancel.state.BulkTaskRecord.getClassSchema()))
                .containsExactly("io.controlplane.cancel.avro", "io.controlplane.cancel.state");
        assertThat(TrustedAvroPackages.namespacesOf(OperatorGrant.getClassSchema()))
                .containsExactly("io.controlplane.cancel.avro");
    }
}

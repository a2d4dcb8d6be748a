package io.controlplane.cancel;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering the code is built on, held by the build: see README's "Design in one paragraph". */
@AnalyzeClasses(packages = "io.controlplane.cancel", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The rules are a pure function: no Kafka, no I/O; what they decide on is loaded for them. */
    @ArchTest
    static final ArchRule decisionDependsOnNothingOfKafka = classes()
            .that()
            .resideInAPackage("io.controlplane.cancel.decision..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "io.controlplane.cancel.decision..",
                    "io.controlplane.cancel.avro..",
                    "org.apache.avro..",
                    "java..");

    /** The serde is an adapter that could ship on its own: it knows nothing of the processor. */
    @ArchTest
    static final ArchRule serdeDependsOnNothingOfTheProject = noClasses()
            .that()
            .resideInAPackage("io.controlplane.cancel.serde..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.controlplane.cancel.decision..",
                    "io.controlplane.cancel.topology..",
                    "io.controlplane.cancel.config..",
                    "io.controlplane.cancel.errors..",
                    "io.controlplane.cancel.app..",
                    "io.controlplane.cancel.cli..",
                    "io.controlplane.cancel.avro..");

    /** The command line is the outermost shell: nothing calls into it. */
    @ArchTest
    static final ArchRule nothingDependsOnTheCli = noClasses()
            .that()
            .resideOutsideOfPackage("io.controlplane.cancel.cli..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.controlplane.cancel.cli..");

    /** Micrometer stays behind the HTTP endpoints: the topology and the handlers tell a ProcessorObserver. */
    @ArchTest
    static final ArchRule onlyTheHttpEndpointsKnowMicrometer = noClasses()
            .that()
            .resideOutsideOfPackage("io.controlplane.cancel.http..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.micrometer..");
}

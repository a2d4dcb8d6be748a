package io.controlplane.cancel.serde;

import io.controlplane.cancel.avro.CancelCommand;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Tells Avro to trust the classes generated from this project's contract.
 *
 * <p>Since 1.12.2 Avro only loads and instantiates classes it trusts: the name of a writer schema
 * picks the class Avro loads, and writer schemas come from whoever can register one, so by default
 * only a few {@code java.lang} types pass. Our generated records would fail with
 * {@code SecurityException: Forbidden io.controlplane.cancel.avro.CancelCommand}. Trusting exactly
 * their package (not its sub-packages, not ours), on top of whatever Avro already trusts, lets them
 * through while any other name a schema carries stays forbidden. It is done here, in code that every
 * serde runs, so the processor, the demo and every test JVM get it without a system property.
 */
final class GeneratedAvroClasses {

    /** The package avro-maven-plugin generates {@code schemas/*.avsc} into. */
    static final String PACKAGE = CancelCommand.class.getPackageName();

    private static boolean trusted;

    private GeneratedAvroClasses() {
    }

    /** Adds the generated package to Avro's JVM-wide trusted classes; later calls do nothing. */
    static synchronized void trust() {
        if (trusted) {
            return;
        }
        ClassSecurityPredicate generated = type -> PACKAGE.equals(type.getPackageName());
        ClassSecurityPredicate avroDefaults = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(avroDefaults, generated));
        trusted = true;
    }
}

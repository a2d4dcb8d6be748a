package io.controlplane.cancel.serde;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Tells Avro to trust the generated classes these serdes are given to read and write.
 *
 * <p>Since 1.12.2 Avro only loads and instantiates classes it trusts: the name of a writer schema
 * picks the class Avro loads, and writer schemas come from whoever can register one, so by default
 * only a few {@code java.lang} types pass, and generated records fail with
 * {@code SecurityException: Forbidden ...}. A serde built for a class trusts exactly that class's
 * package (not its sub-packages), on top of whatever Avro already trusts, so any other name a schema
 * carries stays forbidden. It is done in code, so the processor, the demo and every test JVM get it
 * without a system property. A deserializer given no class, which reads into whatever class the
 * writer schema names, trusts nothing of its own: that needs Avro's own settings.
 */
final class TrustedAvroPackages {

    private static final Set<String> PACKAGES = ConcurrentHashMap.newKeySet();
    private static boolean installed;

    private TrustedAvroPackages() {}

    /** Adds {@code type}'s package to Avro's JVM-wide trusted classes. */
    static synchronized void trustPackageOf(Class<?> type) {
        PACKAGES.add(type.getPackageName());
        if (!installed) {
            ClassSecurityValidator.ClassSecurityPredicate avroDefaults = ClassSecurityValidator.getGlobal();
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                    avroDefaults, candidate -> PACKAGES.contains(candidate.getPackageName())));
            installed = true;
        }
    }
}

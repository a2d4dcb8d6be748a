package io.controlplane.cancel.serde;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
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

    /**
     * Adds the packages of {@code type} and of the generated classes its schema holds (a record of
     * records: the state kept in stores) to Avro's JVM-wide trusted classes. Those names come from our
     * own compiled schema, never from a writer's.
     */
    static synchronized void trustPackagesOf(Class<?> type, Schema schema) {
        trust(type.getPackageName());
        namespacesOf(schema).forEach(TrustedAvroPackages::trust);
    }

    /** The namespaces (packages of the generated classes) of every named type in {@code schema}. */
    static Set<String> namespacesOf(Schema schema) {
        Set<String> namespaces = new TreeSet<>();
        collect(schema, namespaces, new HashSet<>());
        return namespaces;
    }

    private static void collect(Schema schema, Set<String> namespaces, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    namespaces.add(schema.getNamespace());
                    schema.getFields().forEach(field -> collect(field.schema(), namespaces, seen));
                }
            }
            case ENUM, FIXED -> namespaces.add(schema.getNamespace());
            case ARRAY -> collect(schema.getElementType(), namespaces, seen);
            case MAP -> collect(schema.getValueType(), namespaces, seen);
            case UNION -> schema.getTypes().forEach(branch -> collect(branch, namespaces, seen));
            default -> {}
        }
    }

    /** Adds {@code type}'s package to Avro's JVM-wide trusted classes. */
    static synchronized void trustPackageOf(Class<?> type) {
        trust(type.getPackageName());
    }

    private static void trust(String packageName) {
        if (packageName == null) {
            return;
        }
        PACKAGES.add(packageName);
        if (!installed) {
            ClassSecurityValidator.ClassSecurityPredicate avroDefaults = ClassSecurityValidator.getGlobal();
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                    avroDefaults, candidate -> PACKAGES.contains(candidate.getPackageName())));
            installed = true;
        }
    }
}

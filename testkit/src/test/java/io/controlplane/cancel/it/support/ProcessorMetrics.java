package io.controlplane.cancel.it.support;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What a processor started in this JVM reports about itself, read over JMX as an operator reads it:
 * the product offers tests no handle on its Kafka Streams instance. The instance is found by its
 * application.id, so only one processor of an application may run in the JVM at a time.
 */
public final class ProcessorMetrics {

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    private final String applicationId;

    private ProcessorMetrics(String applicationId) {
        this.applicationId = applicationId;
    }

    /** The metrics of the processor started on {@code settings}. */
    public static ProcessorMetrics of(Map<String, ?> settings) {
        return new ProcessorMetrics(String.valueOf(settings.get(StreamsConfig.APPLICATION_ID_CONFIG)));
    }

    /** Kafka Streams' state, e.g. {@code RUNNING}. */
    public String state() {
        return String.valueOf(attribute(client(), "state"));
    }

    /** Stream threads that died (each is replaced, or the processor stops). */
    public double failedStreamThreads() {
        return ((Number) attribute(client(), "failed-stream-threads")).doubleValue();
    }

    /** The names of the stream threads now running. */
    public Set<String> streamThreads() {
        String prefix = clientId() + "-StreamThread-";
        return names("kafka.streams:type=stream-thread-metrics,*").stream()
                .map(name -> name.getKeyProperty("thread-id"))
                .filter(thread -> thread.startsWith(prefix))
                .collect(Collectors.toSet());
    }

    /** One of the processor's own metrics (e.g. {@code waiting-total}), summed over its tasks. */
    public double total(String metric) {
        String prefix = clientId() + "-StreamThread-";
        return names("kafka.streams:type=stream-cancel-processor-metrics,*").stream()
                .filter(name -> name.getKeyProperty("thread-id").startsWith(prefix))
                .mapToDouble(name -> countSoFar(name, metric))
                .sum();
    }

    /**
     * A task registers its metrics one by one as it opens, and the task's MBean exists from the first:
     * one without this metric yet has counted nothing.
     */
    private static double countSoFar(ObjectName task, String metric) {
        try {
            return ((Number) JMX.getAttribute(task, metric)).doubleValue();
        } catch (AttributeNotFoundException | InstanceNotFoundException e) {
            return 0;
        } catch (JMException e) {
            throw new IllegalStateException(task + ": " + metric, e);
        }
    }

    /** The client-level metrics (state, failed threads) of the application's Kafka Streams instance. */
    private ObjectName client() {
        try {
            return new ObjectName("kafka.streams:type=stream-metrics,client-id=" + clientId());
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client id of the one running Kafka Streams instance of this application, which names its threads. */
    private String clientId() {
        // only the client-state metric is tagged with the application id
        List<String> clients = names("kafka.streams:type=stream-metrics,*").stream()
                .filter(name -> applicationId.equals(name.getKeyProperty("application-id")))
                .map(name -> name.getKeyProperty("client-id"))
                .toList();
        if (clients.size() != 1) {
            throw new IllegalStateException("Expected one Kafka Streams instance of application " + applicationId
                    + " in this JVM, found " + clients);
        }
        return clients.get(0);
    }

    private static Set<ObjectName> names(String pattern) {
        try {
            return JMX.queryNames(new ObjectName(pattern), null);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object attribute(ObjectName name, String attribute) {
        try {
            return JMX.getAttribute(name, attribute);
        } catch (JMException e) {
            throw new IllegalStateException(name + " has no attribute " + attribute, e);
        }
    }
}

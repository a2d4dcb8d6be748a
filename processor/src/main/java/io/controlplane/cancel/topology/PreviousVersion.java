package io.controlplane.cancel.topology;

import java.util.Set;

/**
 * What the previous version (five stores, two processors) left on Kafka under this application.id,
 * found at start-up: its state is then moved into the runs' records (PreviousVersionState), and its
 * cascade topics are read on.
 *
 * @param stores       its changelogs exist: declare its stores again so that they are restored and moved
 * @param linksTopic   its cascade links topic exists: read what is left in it
 * @param cascadeTopic its cascade topic exists: read what is left in it
 */
public record PreviousVersion(boolean stores, boolean linksTopic, boolean cascadeTopic) {

    /** A deployment that never ran the previous version. */
    public static final PreviousVersion NONE = new PreviousVersion(false, false, false);

    /** What {@code topics} (every topic name on the cluster) holds of the previous version. */
    public static PreviousVersion foundIn(Set<String> topics, String applicationId) {
        return new PreviousVersion(
                topics.contains(applicationId + "-" + PreviousVersionState.RUN_STATES + "-changelog"),
                topics.contains(applicationId + PreviousVersionState.LINKS_TOPIC_SUFFIX),
                topics.contains(applicationId + PreviousVersionState.CASCADE_TOPIC_SUFFIX));
    }
}

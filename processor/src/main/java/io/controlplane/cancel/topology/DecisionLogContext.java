package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.decision.CancelPolicy;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The ids of the command being decided in the logging context (SLF4J's MDC, Log4j's ThreadContext)
 * while its decision is written, so that a JSON log line ({@code cancel.log.format=json}) says which
 * trace, command and run it is about. The text layout does not show them.
 */
final class DecisionLogContext {

    static final String TRACE_ID = "traceId";
    static final String COMMAND_ID = "commandId";
    static final String EXECUTION_ID = "executionId";

    private DecisionLogContext() {}

    static void enter(CancelCommand command) {
        Map<String, String> ids = new HashMap<>(4);
        put(ids, TRACE_ID, command.getTraceId());
        put(ids, COMMAND_ID, command.getCommandId());
        put(ids, EXECUTION_ID, command.getExecutionId());
        // one set and one clear per decision: cheaper than a put and a remove per id
        MDC.setContextMap(ids);
    }

    static void leave() {
        MDC.clear();
    }

    /** An invalid command's id may be as long as its record: a log line gets its bounded start. */
    private static void put(Map<String, String> ids, String key, String id) {
        if (id != null) {
            ids.put(key, id.length() > CancelPolicy.MAX_ID_LENGTH ? id.substring(0, CancelPolicy.MAX_ID_LENGTH) : id);
        }
    }
}

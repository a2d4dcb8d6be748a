package io.controlplane.cancel.example;

import io.controlplane.cancel.client.CancelClient;
import io.controlplane.cancel.client.CancelClientConfig;
import io.controlplane.cancel.client.CancelOutcome;
import io.controlplane.cancel.client.CancelRequest;
import io.controlplane.cancel.client.RunStateChanges;
import io.controlplane.cancel.client.RunStateEvent;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * README's "Using it from your service", as code that compiles: the lines between the two README
 * markers are what README shows (ReadmeShowsTheClientExampleTest), and ClientExampleIT runs them
 * against a processor on a real broker.
 */
public final class CancelFromYourService {

    private CancelFromYourService() {}

    // README example begins
    /** A policy engine stops a run, and says what became of it. */
    static String stopRun(CancelClient client, String executionId) throws Exception {
        CancelRequest request = CancelRequest.of(executionId, "policy-engine").withReason("budget exceeded");
        CancelOutcome outcome = client.cancel(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
        if (outcome instanceof CancelOutcome.Cancelled cancelled) {
            return "cancelled " + cancelled.executionId() + " at " + cancelled.cancelledAt();
        }
        if (outcome instanceof CancelOutcome.Rejected rejected) {
            return "not cancelled: " + rejected.code() + ", " + rejected.message();
        }
        if (outcome instanceof CancelOutcome.Cancelling cancelling) {
            return "asked " + cancelling.executionId() + " to stop"; // only for request.graceful(...)
        }
        // TimedOut: the processor is down or behind. Sending the same request again (same commandId)
        // never cancels twice, and is answered with the first command's outcome.
        return "no answer yet for command " + outcome.commandId();
    }

    /** A billing service stops billing a run once it is cancelled, whoever cancelled it. */
    static RunStateChanges stopBillingOnCancel(CancelClientConfig config, Consumer<String> stopBilling) {
        return RunStateChanges.subscribe(config, "billing", event -> {
            if (event instanceof RunStateEvent.Cancelled cancelled) {
                stopBilling.accept(cancelled.executionId()); // at least once: stopping twice must do no harm
            }
        });
    }

    public static void main(String[] args) throws Exception {
        // the processor's own settings: its file, then CANCEL_PROCESSOR_* variables
        CancelClientConfig config = CancelClientConfig.load(Path.of(args[0]), System.getenv());
        try (CancelClient client = CancelClient.create(config)) { // one per service: it is thread-safe
            System.out.println(stopRun(client, args[1]));
        }
    }
    // README example ends
}

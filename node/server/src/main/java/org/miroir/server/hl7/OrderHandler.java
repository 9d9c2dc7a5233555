package org.miroir.server.hl7;

import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistChange;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;

/**
 * Orders (ORM^O01, OMG^O19) on the worklist, one Scheduled Procedure Step per order: NW creates it (or replaces it
 * when the same order comes again while still scheduled), XO replaces it while scheduled, CA cancels it before it
 * started, DC discontinues it whether started or not. Other order control codes are acknowledged and ignored.
 *
 * <p>Every order of a message is mapped and checked before the first is applied, so a malformed one changes nothing.
 * Orders whose step's state refuses them are errors (AE): 204 unknown order (XO, CA, DC of an order never received),
 * 205 an NW for an order that has started or ended, 206 an XO or CA of a step that has started or ended. Orders of
 * the message before the refused one stay applied; the error text says which order failed.
 */
final class OrderHandler {
    private final MetadataStore metadata;

    OrderHandler(MetadataStore metadata) {
        this.metadata = metadata;
    }

    /** Applies the message's orders in order; completes with what was done (no patient data: it is logged). */
    CompletionStage<String> handle(Message m) throws HL7Exception {
        List<OrderMapping.Order> orders = OrderMapping.orders(m);
        List<String> done = new ArrayList<>();
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < orders.size(); i++) {
            OrderMapping.Order o = orders.get(i);
            int n = i + 1;
            chain = chain.thenCompose(v -> apply(o, n)).thenAccept(done::add);
        }
        return chain.thenApply(v -> String.join(", ", done));
    }

    private CompletionStage<String> apply(OrderMapping.Order o, int n) {
        CompletionStage<WorklistChange> change = switch (o.control()) {
            case "NW" -> metadata.scheduleWorklistItem(o.item(), true);
            case "XO" -> metadata.scheduleWorklistItem(o.item(), false);
            case "CA" -> metadata.endWorklistItem(o.itemId(), StepStatus.CANCELED);
            case "DC" -> metadata.endWorklistItem(o.itemId(), StepStatus.DISCONTINUED);
            default -> null;
        };
        if (change == null) return CompletableFuture.completedFuture(o.control() + " ignored");
        return change.thenApply(c -> switch (c.outcome()) {
            case CREATED, REPLACED, CHANGED, UNCHANGED -> o.control() + " " + c.outcome().name().toLowerCase();
            case NOT_FOUND -> throw refused(ErrorCode.UNKNOWN_KEY_IDENTIFIER, n, o, "no such order");
            case CONFLICT -> throw refused(o.control().equals("NW") ? ErrorCode.DUPLICATE_KEY_IDENTIFIER
                    : ErrorCode.APPLICATION_RECORD_LOCKED, n, o, "its procedure step is " + c.current().status()
                    + (o.control().equals("CA") ? " (DC discontinues a started one)" : ""));
        });
    }

    private static CompletionException refused(ErrorCode code, int n, OrderMapping.Order o, String why) {
        return new CompletionException(Hl7Rejection.error(code, "order " + n + " (" + o.control() + "): " + why));
    }
}

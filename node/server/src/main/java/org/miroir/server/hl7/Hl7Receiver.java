package org.miroir.server.hl7;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.DataTypeException;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.EncodingNotSupportedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.miroir.server.audit.Actor;
import org.miroir.server.audit.Audit;
import org.miroir.server.audit.AuditEvents;
import org.miroir.server.audit.AuditMessage;
import org.miroir.server.config.Hl7Config;
import org.miroir.server.metrics.NodeMetrics;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.MetadataStore;

import java.lang.System.Logger.Level;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.TimeoutException;

/**
 * One HL7 v2 message in, its acknowledgement out (original acknowledgement mode). The header is checked first on the
 * unparsed text (HAPI's pre-parser): version (2.3.1 to 2.5.1, else AR 203), processing ID (P, D or T, else AR 202),
 * message type and event (ADT, ORM^O01, OMG^O19, else AR 200 or 201), control ID and type present (else AE 101).
 * Then HAPI parses it (its errors: AE, with their code), and the ADT or order handler applies it. A store that
 * cannot be reached, or does not answer within {@link #PROCESSING_TIMEOUT_SECONDS}, gives AR 207: the sender keeps
 * the message and sends it again. Every message is logged with its control ID, type, sender, acknowledgement and
 * what it did, and counted by type and acknowledgement code; never with patient data.
 */
public final class Hl7Receiver {
    private static final System.Logger LOG = System.getLogger(Hl7Receiver.class.getName());
    static final long PROCESSING_TIMEOUT_SECONDS = 30;
    /** Message types counted under their own name; others are "ADT^other" or "other" (labels stay few). */
    private static final Set<String> TYPES = Set.of("ADT^A01", "ADT^A04", "ADT^A08", "ADT^A40", "ORM^O01",
            "OMG^O19");

    /** HL7 table 0103: production, debugging, training. */
    private static final Set<String> PROCESSING_IDS = Set.of("P", "D", "T");
    /** HL7 table 0211 (character sets) as Java's names; the ISO 2022 ones (Japanese) are not supported. */
    private static final Map<String, String> CHARSETS = Map.ofEntries(Map.entry("ASCII", "US-ASCII"),
            Map.entry("8859/1", "ISO-8859-1"), Map.entry("8859/2", "ISO-8859-2"), Map.entry("8859/3", "ISO-8859-3"),
            Map.entry("8859/4", "ISO-8859-4"), Map.entry("8859/5", "ISO-8859-5"), Map.entry("8859/6", "ISO-8859-6"),
            Map.entry("8859/7", "ISO-8859-7"), Map.entry("8859/8", "ISO-8859-8"), Map.entry("8859/9", "ISO-8859-9"),
            Map.entry("8859/15", "ISO-8859-15"), Map.entry("ISO IR6", "US-ASCII"),
            Map.entry("GB 18030-2000", "GB18030"), Map.entry("KS X 1001", "EUC-KR"), Map.entry("BIG-5", "Big5"),
            Map.entry("UNICODE", "UTF-8"), Map.entry("UNICODE UTF-8", "UTF-8"), Map.entry("UNICODE UTF-16", "UTF-16"),
            Map.entry("UNICODE UTF-32", "UTF-32"));

    /** What came in, as the pre-parser sees it. */
    private record Header(String controlId, String type, String event, String processingId, String version,
            String sender) {
        String label() {
            String t = type + "^" + event;
            if (TYPES.contains(t)) return t;
            if (type.equals("ADT")) return "ADT^other";
            return type.isEmpty() ? "unknown" : "other";
        }
    }

    private final Vertx vertx;
    private final NodeMetrics metrics;
    private final Charset defaultCharset;
    private final Hl7Codec codec = new Hl7Codec();
    private final AdtHandler adt;
    private final OrderHandler orders;
    private final BooleanSupplier writable;
    private final Audit audit;

    /** {@code writable}: whether this site accepts changes now (a mirror answers AR: send to the active site). */
    public Hl7Receiver(Vertx vertx, MetadataStore metadata, NodeMetrics metrics, Hl7Config config,
            BooleanSupplier writable, Audit audit) {
        this.vertx = vertx;
        this.audit = audit;
        this.writable = writable;
        this.metrics = metrics;
        this.defaultCharset = config.charset();
        this.adt = new AdtHandler(metadata);
        this.orders = new OrderHandler(metadata);
    }

    /** The answer to a message: its acknowledgement's bytes, or {@code null} when it had no MSH to answer. */
    record Answer(byte[] bytes) {}

    /** A message as received: its text, the character set it came in, its header. */
    private record Incoming(String text, Charset charset, Header header) {}

    /** Handles one message; never fails (errors become negative acknowledgements). */
    Future<Answer> receive(byte[] bytes, String peer) {
        long started = System.nanoTime();
        return vertx.executeBlocking(() -> incoming(bytes), false).compose(in ->
                vertx.executeBlocking(() -> handle(in), false)
                        .compose(stage -> Future.fromCompletionStage(stage))
                        .timeout(PROCESSING_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .transform(ar -> vertx.executeBlocking(() -> ar.succeeded()
                                ? answer(in, AcknowledgmentCode.AA, null, ar.result(), peer, started)
                                : answer(in, null, rejection(ar.cause()), null, peer, started), false)));
    }

    /** A message over the size limit, of which only {@code head} was kept: AR, nothing applied. */
    Future<Answer> receiveOversized(byte[] head, long length, String peer, int limit) {
        long started = System.nanoTime();
        return vertx.executeBlocking(() -> answer(incoming(head), null, Hl7Rejection.reject(
                ErrorCode.APPLICATION_INTERNAL_ERROR, "message of " + length + " bytes exceeds the limit of " + limit),
                null, peer, started), false);
    }

    private Incoming incoming(byte[] bytes) {
        Charset charset = charsetOf(bytes);
        String text = normalize(new String(bytes, charset));
        return new Incoming(text, charset, header(text));
    }

    /** Checks, parses and maps on this worker thread; the store's work continues asynchronously. */
    private CompletionStage<String> handle(Incoming in) throws HL7Exception {
        Message m = parse(in.text, in.header);
        if (!writable.getAsBoolean())
            throw Hl7Rejection.reject(ErrorCode.APPLICATION_INTERNAL_ERROR, "this site does not accept updates now "
                    + "(passive mirror or fenced): send to the active site");
        return in.header.type.equals("ADT") ? adt.handle(m, in.header.event) : orders.handle(m);
    }

    /** The acknowledgement (AA with {@code outcome}, or what {@code error} says), logged and counted. */
    private Answer answer(Incoming in, AcknowledgmentCode aa, HL7Exception error, String outcome, String peer,
            long started) {
        AcknowledgmentCode code = error == null ? aa : error instanceof Hl7Rejection r ? r.ack : AcknowledgmentCode.AE;
        String ack = codec.acknowledge(in.text, code, error);
        String result = ack == null ? "none" : code.name();
        log(in.header, peer, result, error == null ? outcome : error.getMessage(), error == null ? null : error.getCause());
        count(in.header.label(), result, started);
        audit(in, peer, code, error == null ? null : result + ": " + error.getMessage());
        return new Answer(ack == null ? null : ack.getBytes(in.charset));
    }

    private Message parse(String text, Header h) throws HL7Exception {
        if (!Hl7Codec.VERSIONS.contains(h.version))
            throw Hl7Rejection.reject(ErrorCode.UNSUPPORTED_VERSION_ID, "MSH-12 version '" + h.version
                    + "' is not one of " + String.join(", ", Hl7Codec.VERSIONS.stream().sorted().toList()));
        if (h.controlId.isEmpty()) throw Hl7Rejection.missing("MSH", 10, "Message Control ID");
        if (h.type.isEmpty()) throw Hl7Rejection.missing("MSH", 9, "Message Type");
        if (!PROCESSING_IDS.contains(h.processingId))
            throw Hl7Rejection.reject(ErrorCode.UNSUPPORTED_PROCESSING_ID, "MSH-11 processing ID '" + h.processingId
                    + "' is not P, D or T");
        switch (h.type) {
            case "ADT" -> {
                if (!AdtHandler.knows(h.event)) throw unsupportedEvent(h);
            }
            case "ORM" -> {
                if (!h.event.equals("O01")) throw unsupportedEvent(h);
            }
            case "OMG" -> {
                if (!h.event.equals("O19")) throw unsupportedEvent(h);
            }
            default -> throw Hl7Rejection.reject(ErrorCode.UNSUPPORTED_MESSAGE_TYPE, "message type " + h.type
                    + " is not accepted (ADT, ORM^O01, OMG^O19)");
        }
        return codec.parse(text);
    }

    private static Hl7Rejection unsupportedEvent(Header h) {
        return Hl7Rejection.reject(ErrorCode.UNSUPPORTED_EVENT_CODE, "event " + h.type + "^" + h.event
                + " is not accepted");
    }

    /** What a failure becomes in the acknowledgement. */
    private static HL7Exception rejection(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        if (t instanceof Hl7Rejection r) return r;
        if (t instanceof DataTypeException e) return new Hl7Rejection(AcknowledgmentCode.AE, ErrorCode.DATA_TYPE_ERROR,
                e.getMessage(), e);
        if (t instanceof EncodingNotSupportedException e)
            return new Hl7Rejection(AcknowledgmentCode.AE, ErrorCode.SEGMENT_SEQUENCE_ERROR, e.getMessage(), e);
        if (t instanceof HL7Exception e) return new Hl7Rejection(AcknowledgmentCode.AE,
                e.getErrorCode() == ErrorCode.APPLICATION_INTERNAL_ERROR.getCode() ? ErrorCode.SEGMENT_SEQUENCE_ERROR
                        : ErrorCode.errorCodeFor(e.getErrorCode()), e.getMessage(), e);
        if (t instanceof StorageException || t instanceof TimeoutException)
            return new Hl7Rejection(AcknowledgmentCode.AR, ErrorCode.APPLICATION_INTERNAL_ERROR,
                    "storage unavailable, nothing applied: send the message again later", t);
        return new Hl7Rejection(AcknowledgmentCode.AE, ErrorCode.APPLICATION_INTERNAL_ERROR, "internal error", t);
    }

    /** MSH-18 names the character set (HL7 table 0211); without one, or an unknown one, the configured default. */
    private Charset charsetOf(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != '\r' && bytes[end] != '\n') end++; // the MSH is the first segment
        String name = Hl7Codec.fields(new String(bytes, 0, end, StandardCharsets.ISO_8859_1), "MSH-18")[0];
        String java = name == null ? null : CHARSETS.get(name.strip());
        return java == null ? defaultCharset : Charset.forName(java);
    }

    /** Segments end with CR; senders that end them with LF or CR LF are understood too. */
    private static String normalize(String text) {
        return text.replace("\r\n", "\r").replace('\n', '\r');
    }

    /**
     * Patient Record for ADT (create for A01 and A04, update otherwise), Order Record for orders (create for NW,
     * delete for CA and DC, update otherwise), success only when applied (AA).
     */
    private void audit(Incoming in, String peer, AcknowledgmentCode code, String failure) {
        Header h = in.header;
        boolean order = h.type.equals("ORM") || h.type.equals("OMG");
        if (!order && !h.type.equals("ADT")) return;
        String[] f = Hl7Codec.anyFields(in.text, "PID-3-1", "PID-5-1", "PID-5-2", "ORC-1");
        String action = order ? switch (f[3] == null ? "" : f[3].strip()) {
            case "NW" -> "C";
            case "CA", "DC" -> "D";
            default -> "U";
        } : h.event.equals("A01") || h.event.equals("A04") ? "C" : "U";
        String name = f[1] == null ? null : f[2] == null ? f[1] : f[1] + "^" + f[2];
        String host = peer.contains(":") ? peer.substring(0, peer.lastIndexOf(':')) : peer;
        audit.record(AuditEvents.hl7Record(order, action, new Actor(h.sender, null, host), audit.node(),
                f[0] == null || f[0].isBlank() ? null : f[0].strip(), name, h.type + "^" + h.event, h.controlId,
                code == AcknowledgmentCode.AA && failure == null ? AuditMessage.SUCCESS : AuditMessage.MINOR_FAILURE,
                failure));
    }

    private static Header header(String text) {
        String[] f = Hl7Codec.fields(text, "MSH-10", "MSH-9-1", "MSH-9-2", "MSH-11-1", "MSH-12-1", "MSH-3-1",
                "MSH-4-1");
        for (int i = 0; i < f.length; i++) f[i] = f[i] == null ? "" : f[i].strip();
        return new Header(f[0], f[1], f[2], f[3], f[4], f[5] + "/" + f[6]);
    }

    private void log(Header h, String peer, String ack, String outcome, Throwable cause) {
        Level level = ack.equals("AA") ? Level.INFO : Level.WARNING;
        LOG.log(level, () -> "HL7 " + h.type + "^" + h.event + " control id " + h.controlId + " from " + h.sender
                + " (" + peer + ", v" + h.version + "): " + ack + ", " + outcome);
        if (cause != null && !(cause instanceof HL7Exception))
            LOG.log(Level.WARNING, () -> "HL7 control id " + h.controlId + " failed", cause);
    }

    private void count(String type, String ack, long started) {
        metrics.hl7Messages.labels(type, ack).inc();
        metrics.hl7Duration.labels(type).observe((System.nanoTime() - started) / 1e9);
    }
}

package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.BulkData;
import org.miroir.dicom.data.Fragments;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.TransferSyntax;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The data set of an outgoing DIMSE message. {@link #writeTo} runs on the association's event loop, writes the data
 * set encoded in the presentation context's transfer syntax to the fragmenting stream and ends it; it must respect
 * the stream's backpressure and leave blocking work (file reads, transcoding) to worker threads.
 * Implementations: {@link #of(Attributes)}, {@link #raw(Buffer, String)}, {@link #raw(ReadStream, String)},
 * {@link Part10File}.
 */
public interface DataSource {

    /** The transfer syntax the data is encoded in; null when it can be encoded in any (an in-memory data set). */
    String transferSyntax();

    /** Writes the data set in {@code tsuid} to {@code out}, then ends {@code out}; completes when done. */
    Future<Void> writeTo(WriteStream<Buffer> out, String tsuid, Vertx vertx);

    /**
     * An in-memory data set, encoded when sent: on the event loop when it is plain, on a worker thread (streamed) when
     * it references bulk data in files.
     */
    static DataSource of(Attributes dataset) {
        return new DataSource() {
            @Override
            public String transferSyntax() { return null; }

            @Override
            public Future<Void> writeTo(WriteStream<Buffer> out, String tsuid, Vertx vertx) {
                if (!hasBulkData(dataset)) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
                    try {
                        encode(dataset, tsuid, bytes);
                    } catch (IOException | RuntimeException e) {
                        return Future.failedFuture(e);
                    }
                    return out.end(Buffer.buffer(bytes.toByteArray()));
                }
                return EventLoopOutputStream.writeOnWorker(vertx, out, os -> encode(dataset, tsuid, os));
            }
        };
    }

    /** Bytes already encoded in {@code tsuid}. */
    static DataSource raw(Buffer encoded, String tsuid) {
        return new DataSource() {
            @Override
            public String transferSyntax() { return tsuid; }

            @Override
            public Future<Void> writeTo(WriteStream<Buffer> out, String ts, Vertx vertx) {
                if (!ts.equals(tsuid)) return Future.failedFuture(new IOException("data in " + tsuid + ", context needs " + ts));
                return out.end(encoded);
            }
        };
    }

    /**
     * A stream of bytes already encoded in {@code tsuid}, e.g. an object read from storage. A failing stream fails
     * the message (the association is then aborted: a data set cannot be taken back once begun).
     */
    static DataSource raw(ReadStream<Buffer> encoded, String tsuid) {
        return new DataSource() {
            @Override
            public String transferSyntax() { return tsuid; }

            @Override
            public Future<Void> writeTo(WriteStream<Buffer> out, String ts, Vertx vertx) {
                if (!ts.equals(tsuid)) return Future.failedFuture(new IOException("data in " + tsuid + ", context needs " + ts));
                return encoded.pipe().endOnFailure(false).to(out);
            }
        };
    }

    /** True when data in {@code from} can be sent in {@code to}: the same syntax, or both native (not encapsulated). */
    static boolean canConvert(String from, String to) {
        if (from == null || from.equals(to)) return true;
        if (!TransferSyntax.isKnown(from) || !TransferSyntax.isKnown(to)) return false;
        return !TransferSyntax.of(from).encapsulated() && !TransferSyntax.of(to).encapsulated();
    }

    private static void encode(Attributes dataset, String tsuid, OutputStream os) throws IOException {
        DicomOutputStream dos = new DicomOutputStream(os, tsuid);
        dos.writeDataset(dataset);
        dos.finish();
    }

    private static boolean hasBulkData(Attributes ds) {
        for (int i = 0; i < ds.size(); i++) {
            Object v = ds.valueAt(i);
            if (v instanceof BulkData) return true;
            if (v instanceof Sequence s) {
                for (Attributes item : s) if (hasBulkData(item)) return true;
            } else if (v instanceof Fragments f) {
                for (Object frag : f) if (frag instanceof BulkData) return true;
            }
        }
        return false;
    }
}

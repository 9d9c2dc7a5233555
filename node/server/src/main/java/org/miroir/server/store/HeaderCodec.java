package org.miroir.server.store;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.BulkData;
import org.miroir.dicom.data.Fragments;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.storage.metadata.EncodedAttributes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Header attributes as the index keeps them: a raw explicit VR little endian data set. Values longer than
 * {@link #MAX_VALUE} bytes are left out (they are bulk data, served from the object), so a record stays small.
 */
public final class HeaderCodec {
    /** Longer values are bulk data for WADO and are not kept in the index. */
    public static final int MAX_VALUE = 4096;

    private HeaderCodec() {}

    public static EncodedAttributes encode(Attributes attrs) {
        Attributes slim = withoutLargeValues(attrs);
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (DicomOutputStream dos = new DicomOutputStream(out, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid())) {
            dos.writeDataset(slim);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream
        }
        if (out.size() > EncodedAttributes.MAX_LENGTH)
            throw new IllegalArgumentException("header of " + out.size() + " bytes exceeds the index limit of "
                    + EncodedAttributes.MAX_LENGTH);
        return EncodedAttributes.of(out.toByteArray());
    }

    public static Attributes decode(EncodedAttributes encoded) {
        try (DicomInputStream in = new DicomInputStream(encoded.openStream(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid())) {
            return in.readDataset();
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt header in the index", e);
        }
    }

    private static Attributes withoutLargeValues(Attributes attrs) {
        Attributes out = new Attributes(attrs.size());
        for (int i = 0; i < attrs.size(); i++) {
            Object v = attrs.valueAt(i);
            if (v instanceof byte[] b && b.length > MAX_VALUE) continue;
            if (v instanceof Fragments || v instanceof BulkData) continue;
            if (v instanceof Sequence s) {
                var copy = out.newSequence(attrs.tagAt(i), s.size());
                for (Attributes item : s) copy.add(withoutLargeValues(item));
                continue;
            }
            out.setValue(attrs.tagAt(i), attrs.vrAt(i), v);
        }
        return out;
    }
}

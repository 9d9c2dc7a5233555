package org.miroir.server.query;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds one response identifier from values taken out of several records' attributes. Text is kept as stored, in
 * its own character set, so the response names that set in (0008,0005); when the values come from records in
 * different character sets, they are re-encoded in UTF-8 (ISO_IR 192) so one identifier can hold them all. Used by
 * the query model and by the worklist.
 */
public final class ResponseAssembler {
    private static final String UTF8 = "ISO_IR 192";

    /** One element to put in the response: a raw value (and the data set it came from, null for computed text). */
    private record Part(int tag, VR vr, Object value, Attributes source, Attributes itemKeys) {}

    private final List<Part> parts = new ArrayList<>();

    /** A value taken from {@code source}, as stored; for a sequence, items cut to {@code itemKeys} when it has any. */
    public void copy(Attributes source, int tag, Attributes itemKeys) {
        parts.add(new Part(tag, source.getVR(tag), source.getValue(tag), source, itemKeys));
    }

    /** A value made by the index (counts, codes, UIDs): plain ASCII. */
    public void computed(int tag, VR vr, String... values) {
        Attributes ascii = new Attributes(1);
        ascii.setString(tag, vr, values);
        parts.add(new Part(tag, vr, ascii.getValue(tag), null, null));
    }

    /** A key without a value in the records: returned empty. */
    public void empty(int tag, VR vr) {
        parts.add(new Part(tag, vr, vr == VR.SQ ? null : new byte[0], null, null));
    }

    public Attributes build() {
        Set<String> charsets = new HashSet<>();
        Attributes first = null;
        for (Part p : parts) {
            if (p.source != null && (p.vr.usesSpecificCharacterSet() || p.vr == VR.SQ)) {
                if (charsets.add(p.source.getSpecificCharacterSet().toString()) && first == null) first = p.source;
            }
        }
        boolean reencode = charsets.size() > 1;
        Attributes rsp = new Attributes(parts.size() + 1);
        if (reencode) {
            rsp.setString(Tag.SpecificCharacterSet, VR.CS, UTF8);
        } else if (first != null && first.getValue(Tag.SpecificCharacterSet) instanceof byte[] cs && cs.length > 0) {
            rsp.setValue(Tag.SpecificCharacterSet, VR.CS, cs);
        }
        for (Part p : parts) {
            if (p.tag == Tag.SpecificCharacterSet) continue;
            if (p.value instanceof Sequence items) {
                Sequence out = rsp.newSequence(p.tag, items.size());
                for (Attributes item : items) copyItem(item, p.itemKeys, reencode, out.addNewItem());
            } else if (p.vr == VR.SQ) {
                rsp.newSequence(p.tag, 0);
            } else if (reencode && p.source != null && p.vr.usesSpecificCharacterSet()) {
                rsp.setString(p.tag, p.vr, p.source.getStrings(p.tag));
            } else {
                rsp.setValue(p.tag, p.vr, p.value);
            }
        }
        return rsp;
    }

    /**
     * Copies an item of a returned sequence into {@code out} (already bound to the response, so it inherits the
     * response's character set): only the requested keys when the query item names some.
     */
    private static void copyItem(Attributes item, Attributes keys, boolean reencode, Attributes out) {
        boolean all = keys == null || keys.isEmpty();
        for (int i = 0; i < item.size(); i++) {
            int tag = item.tagAt(i);
            if (!all && !keys.contains(tag)) continue;
            Object v = item.valueAt(i);
            VR vr = item.vrAt(i);
            if (v instanceof Sequence nested) {
                Sequence s = out.newSequence(tag, nested.size());
                Attributes nestedKeys = all ? null : keys.getNestedDataset(tag);
                for (Attributes n : nested) copyItem(n, nestedKeys, reencode, s.addNewItem());
            } else if (reencode && vr.usesSpecificCharacterSet() && tag != Tag.SpecificCharacterSet) {
                out.setString(tag, vr, item.getStrings(tag));
            } else if (!(reencode && tag == Tag.SpecificCharacterSet)) {
                out.setValue(tag, vr, v);
            }
        }
    }
}

package org.miroir.server.web.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.BulkData;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The DICOM JSON Model (PS3.18 F.2) back to Attributes: the inverse of {@link DicomJsonWriter}. A BulkDataURI
 * becomes a {@link BulkData} whose uri is the URI (offset 0, length unknown: 0). Text is encoded in the data set's
 * Specific Character Set; a data set without one that holds non-ASCII text gets ISO_IR 192 (UTF-8), the only
 * repertoire that holds any JSON string. Malformed input is an {@link IllegalArgumentException} naming the tag.
 */
public final class DicomJsonReader {
    private DicomJsonReader() {}

    public static Attributes read(JsonObject json) {
        Attributes attrs = new Attributes(Math.max(json.size(), 4));
        if (!json.containsKey(DicomJsonWriter.hex(Tag.SpecificCharacterSet)) && !isAscii(json.encode()))
            attrs.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        readInto(json, attrs);
        return attrs;
    }

    private static void readInto(JsonObject json, Attributes attrs) {
        List<Integer> tags = new ArrayList<>(json.size());
        for (String key : json.fieldNames()) tags.add(parseTag(key));
        tags.sort(Integer::compareUnsigned); // Specific Character Set first: later text is encoded with it
        for (int tag : tags) {
            String key = DicomJsonWriter.hex(tag);
            JsonObject e = json.getJsonObject(key);
            if (e == null) e = json.getJsonObject(key.toLowerCase(java.util.Locale.ROOT));
            if (e == null) throw new IllegalArgumentException(key + ": not an object");
            element(attrs, tag, e);
        }
    }

    private static void element(Attributes attrs, int tag, JsonObject e) {
        String vrName = e.getString("vr");
        VR vr;
        try {
            vr = VR.valueOf(vrName);
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException(DicomJsonWriter.hex(tag) + ": unknown vr " + vrName);
        }
        if (e.containsKey("BulkDataURI")) {
            attrs.setValue(tag, vr, new BulkData(e.getString("BulkDataURI"), 0, 0, false));
            return;
        }
        if (e.containsKey("InlineBinary")) {
            attrs.setValue(tag, vr, Base64.getDecoder().decode(e.getString("InlineBinary")));
            return;
        }
        JsonArray values = e.getJsonArray("Value");
        if (vr == VR.SQ) {
            Sequence seq = attrs.newSequence(tag, values == null ? 0 : values.size());
            if (values != null) for (int k = 0; k < values.size(); k++) readInto(values.getJsonObject(k), seq.addNewItem());
            return;
        }
        if (values == null || values.isEmpty()) {
            attrs.setValue(tag, vr, new byte[0]);
            return;
        }
        switch (vr) {
            case PN -> attrs.setString(tag, vr, personNames(values));
            case AT -> {
                int[] t = new int[values.size()];
                for (int k = 0; k < t.length; k++) t[k] = parseTag(values.getString(k));
                attrs.setInt(tag, vr, t);
            }
            case US, SS, UL, SL, FL, FD, SV, UV -> attrs.setBytes(tag, vr, binary(vr, values));
            case IS, DS -> attrs.setString(tag, vr, decimals(values));
            default -> {
                String[] s = new String[values.size()];
                for (int k = 0; k < s.length; k++) s[k] = values.getValue(k) == null ? "" : values.getValue(k).toString();
                attrs.setString(tag, vr, s);
            }
        }
    }

    private static String[] personNames(JsonArray values) {
        String[] s = new String[values.size()];
        for (int k = 0; k < s.length; k++) {
            JsonObject pn = values.getJsonObject(k);
            if (pn == null) {
                s[k] = "";
                continue;
            }
            String[] g = {pn.getString("Alphabetic", ""), pn.getString("Ideographic", ""), pn.getString("Phonetic", "")};
            int n = g[2].isEmpty() ? g[1].isEmpty() ? 1 : 2 : 3;
            s[k] = String.join("=", java.util.Arrays.copyOf(g, n));
        }
        return s;
    }

    private static String[] decimals(JsonArray values) {
        String[] s = new String[values.size()];
        for (int k = 0; k < s.length; k++) {
            Object v = values.getValue(k);
            s[k] = v == null ? "" : v instanceof Number n ? decimalText(n) : v.toString();
        }
        return s;
    }

    private static String decimalText(Number n) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
            return Double.toString(d);
        }
        return n instanceof BigDecimal b ? b.toString() : n.toString();
    }

    private static byte[] binary(VR vr, JsonArray values) {
        int width = switch (vr) {
            case US, SS -> 2;
            case UL, SL, FL -> 4;
            default -> 8;
        };
        ByteBuffer bb = ByteBuffer.allocate(values.size() * width).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < values.size(); k++) {
            Object v = values.getValue(k);
            double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString());
            switch (vr) {
                case US, SS -> bb.putShort((short) ((Number) v).intValue());
                case UL, SL -> bb.putInt((int) ((Number) v).longValue());
                case FL -> bb.putFloat((float) d);
                case FD -> bb.putDouble(d);
                case SV -> bb.putLong(((Number) v).longValue());
                case UV -> bb.putLong(v instanceof BigInteger b ? b.longValue() : ((Number) v).longValue());
                default -> throw new IllegalStateException(vr.name());
            }
        }
        return bb.array();
    }

    private static int parseTag(String key) {
        if (key.length() != 8) throw new IllegalArgumentException("not a tag: " + key);
        try {
            return (int) Long.parseLong(key, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a tag: " + key);
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0x7F) return false;
        return true;
    }
}

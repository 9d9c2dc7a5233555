package org.miroir.server.web.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.BulkData;
import org.miroir.dicom.data.Fragments;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.VR;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Locale;

/**
 * Attributes to the DICOM JSON Model (PS3.18 F.2): one object per data set, keyed by 8 upper-case hex digits in tag
 * order, each with "vr" and, when the element has values, "Value", "InlineBinary" or "BulkDataURI".
 *
 * <ul>
 *   <li>PN values are objects with "Alphabetic", "Ideographic" and "Phonetic" component groups (F.2.2);</li>
 *   <li>IS, DS and the binary number VRs are JSON numbers (F.2.3). A DS/IS string that is no number (invalid data
 *       as received) stays a JSON string rather than being lost; FL/FD NaN and infinities, which JSON numbers
 *       cannot express, are the strings "NaN", "Infinity" and "-Infinity";</li>
 *   <li>AT values are 8 hex digits; an empty value inside a multi-valued element is null;</li>
 *   <li>OB, OD, OF, OL, OV, OW and UN values are InlineBinary (base64 of the little endian bytes) up to
 *       {@code inlineThreshold} bytes; longer ones, encapsulated pixel data and values held as {@link BulkData} are
 *       BulkDataURIs when a {@link BulkDataLocator} is given (F.2.7 also allows BulkDataURI for long text and number
 *       values: those are used for values the reader left in the object);</li>
 *   <li>a sequence read as UN of undefined length (PS3.5 6.2.2) is written as the SQ it is.</li>
 * </ul>
 */
public final class DicomJsonWriter {
    /** Names the URI of a bulk value from its path: tags as 8 hex digits and 0-based item indexes, '/'-separated. */
    @FunctionalInterface
    public interface BulkDataLocator {
        String uri(String tagPath);
    }

    private final int inlineThreshold;
    private final BulkDataLocator locator;

    /** Every value inline (QIDO results: the index keeps no value larger than a few KiB). */
    public DicomJsonWriter() {
        this(Integer.MAX_VALUE, null);
    }

    public DicomJsonWriter(int inlineThreshold, BulkDataLocator locator) {
        this.inlineThreshold = inlineThreshold;
        this.locator = locator;
    }

    public JsonObject write(Attributes attrs) {
        return write(attrs, "");
    }

    private JsonObject write(Attributes attrs, String path) {
        JsonObject out = new JsonObject();
        for (int i = 0; i < attrs.size(); i++) {
            int tag = attrs.tagAt(i);
            // File meta information and group lengths describe an encoding, not the data set (PS3.18 F.2).
            if ((tag >>> 16) == 0x0002 || (tag & 0xFFFF) == 0) continue;
            String key = hex(tag);
            out.put(key, element(attrs, tag, attrs.vrAt(i), attrs.valueAt(i), path.isEmpty() ? key : path + "/" + key));
        }
        return out;
    }

    private JsonObject element(Attributes attrs, int tag, VR vr, Object value, String path) {
        JsonObject e = new JsonObject();
        if (value instanceof Sequence seq) {
            e.put("vr", "SQ");
            if (!seq.isEmpty()) {
                JsonArray items = new JsonArray();
                for (int k = 0; k < seq.size(); k++) items.add(write(seq.get(k), path + "/" + k));
                e.put("Value", items);
            }
            return e;
        }
        e.put("vr", vr.name());
        if (value instanceof Fragments || value instanceof BulkData) {
            bulk(e, path, value);
            return e;
        }
        byte[] b = (byte[]) value;
        if (b.length == 0) return e;
        if (b.length > inlineThreshold && locator != null && bulkCapable(vr)) {
            e.put("BulkDataURI", locator.uri(path));
            return e;
        }
        switch (vr) {
            case OB, OD, OF, OL, OV, OW, UN -> e.put("InlineBinary", Base64.getEncoder().encodeToString(b));
            case PN -> e.put("Value", personNames(attrs.getStrings(tag)));
            case IS, DS -> e.put("Value", numbers(vr, attrs.getStrings(tag)));
            case AT -> e.put("Value", tags(b));
            case US, SS, UL, SL, FL, FD, SV, UV -> e.put("Value", binaryNumbers(vr, b));
            default -> e.put("Value", strings(attrs.getStrings(tag)));
        }
        return e;
    }

    private void bulk(JsonObject e, String path, Object value) {
        if (locator != null) {
            e.put("BulkDataURI", locator.uri(path));
        } else if (value instanceof BulkData bd) {
            throw new IllegalStateException("bulk data " + bd + " at " + path + " and no locator to name it");
        }
        // Encapsulated pixel data without a locator (cannot happen for index records): element with no value.
    }

    /** PS3.18 Table F.2.3-1: the VRs whose values may be given as a BulkDataURI. */
    private static boolean bulkCapable(VR vr) {
        return switch (vr) {
            case DS, FL, FD, IS, LT, OB, OD, OF, OL, OV, OW, SL, SS, ST, SV, UC, UL, UN, UR, US, UT, UV -> true;
            default -> false;
        };
    }

    private static JsonArray strings(String[] values) {
        JsonArray a = new JsonArray();
        for (String s : values) a.add(s.isEmpty() ? null : s);
        return a;
    }

    private static JsonArray personNames(String[] values) {
        JsonArray a = new JsonArray();
        for (String s : values) {
            if (s.isEmpty()) {
                a.addNull();
                continue;
            }
            String[] groups = s.split("=", -1);
            JsonObject pn = new JsonObject();
            putGroup(pn, "Alphabetic", groups, 0);
            putGroup(pn, "Ideographic", groups, 1);
            putGroup(pn, "Phonetic", groups, 2);
            a.add(pn);
        }
        return a;
    }

    private static void putGroup(JsonObject pn, String name, String[] groups, int i) {
        if (i < groups.length && !groups[i].isEmpty()) pn.put(name, groups[i]);
    }

    private static JsonArray numbers(VR vr, String[] values) {
        JsonArray a = new JsonArray();
        for (String s : values) {
            String v = s.strip();
            if (v.isEmpty()) {
                a.addNull();
                continue;
            }
            Number n = vr == VR.IS ? integer(v) : decimal(v);
            if (n != null) a.add(n);
            else a.add(v); // not a number as received: keep the text rather than drop it
        }
        return a;
    }

    private static Number integer(String v) {
        try {
            BigInteger b = new BigInteger(v.startsWith("+") ? v.substring(1) : v);
            return b.bitLength() < 64 ? (Number) b.longValue() : b;
        } catch (NumberFormatException e) {
            return decimal(v); // "12.0" and "1e3" occur in IS values of real files
        }
    }

    private static BigDecimal decimal(String v) {
        try {
            return new BigDecimal(v.startsWith("+") ? v.substring(1) : v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static JsonArray tags(byte[] b) {
        JsonArray a = new JsonArray();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        while (bb.remaining() >= 4) {
            int g = bb.getShort() & 0xFFFF, el = bb.getShort() & 0xFFFF;
            a.add(hex(g << 16 | el));
        }
        return a;
    }

    private static JsonArray binaryNumbers(VR vr, byte[] b) {
        JsonArray a = new JsonArray();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int width = switch (vr) {
            case US, SS -> 2;
            case UL, SL, FL -> 4;
            default -> 8;
        };
        while (bb.remaining() >= width) {
            switch (vr) {
                case US -> a.add(bb.getShort() & 0xFFFF);
                case SS -> a.add((int) bb.getShort());
                case UL -> a.add(bb.getInt() & 0xFFFFFFFFL);
                case SL -> a.add(bb.getInt());
                case SV -> a.add(bb.getLong());
                case UV -> {
                    long v = bb.getLong();
                    a.add(v >= 0 ? (Number) v : new BigInteger(Long.toUnsignedString(v)));
                }
                case FL -> floating(a, bb.getFloat());
                case FD -> floating(a, bb.getDouble());
                default -> throw new IllegalStateException(vr.name());
            }
        }
        return a;
    }

    private static void floating(JsonArray a, float f) {
        if (Float.isFinite(f)) a.add(new BigDecimal(Float.toString(f))); // the float's shortest decimal, not its double widening
        else a.add(nonFinite(f));
    }

    private static void floating(JsonArray a, double d) {
        if (Double.isFinite(d)) a.add(new BigDecimal(Double.toString(d)));
        else a.add(nonFinite(d));
    }

    private static String nonFinite(double d) {
        return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    }

    /** A tag as the JSON model names it: 8 upper-case hex digits. */
    public static String hex(int tag) {
        return String.format(Locale.ROOT, "%08X", tag);
    }
}

package org.miroir.dicom.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A DICOM data set: elements kept in ascending (unsigned) tag order.
 *
 * <p>Values are held as read so that a data set round-trips byte for byte:
 * <ul>
 *   <li>{@code byte[]}: the raw value, text in its character set, numbers in little-endian order
 *       (readers swap big-endian input; writers swap back);</li>
 *   <li>{@link Sequence}: nested items;</li>
 *   <li>{@link Fragments}: encapsulated pixel data;</li>
 *   <li>{@link BulkData}: a reference to a value stored elsewhere.</li>
 * </ul>
 * An empty value is an empty {@code byte[]}. Text accessors decode with the Specific Character Set
 * in force (this data set's (0008,0005), else the nearest parent's).
 * Not thread-safe.
 */
public final class Attributes {
    private static final byte[] EMPTY = {};

    private int[] tags;
    private VR[] vrs;
    private Object[] values;
    private int size;
    private Attributes parent;
    private SpecificCharacterSet charset;

    public Attributes() { this(16); }

    public Attributes(int initialCapacity) {
        int cap = Math.max(initialCapacity, 4);
        tags = new int[cap];
        vrs = new VR[cap];
        values = new Object[cap];
    }

    static Attributes newItem(Attributes parent) {
        Attributes item = new Attributes(8);
        item.parent = parent;
        return item;
    }

    /** A deep copy: nested items are copied, byte arrays and bulk data references are shared (treat values as immutable). */
    public Attributes(Attributes other) {
        this(other.size);
        addAll(other);
    }

    public Attributes getParent() { return parent; }

    void setParent(Attributes parent) {
        this.parent = parent;
        this.charset = null;
    }

    public boolean isRoot() { return parent == null; }

    public int size() { return size; }

    public boolean isEmpty() { return size == 0; }

    /** Tags in ascending order. */
    public int[] tags() { return Arrays.copyOf(tags, size); }

    public int tagAt(int index) { return tags[checkIndex(index)]; }

    public VR vrAt(int index) { return vrs[checkIndex(index)]; }

    public Object valueAt(int index) { return values[checkIndex(index)]; }

    private int checkIndex(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException(index);
        return index;
    }

    private int indexOf(int tag) {
        // Readers append in order: check the end first.
        if (size > 0 && tags[size - 1] == tag) return size - 1;
        int lo = 0, hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Integer.compareUnsigned(tags[mid], tag);
            if (c < 0) lo = mid + 1;
            else if (c > 0) hi = mid - 1;
            else return mid;
        }
        return -(lo + 1);
    }

    public boolean contains(int tag) { return indexOf(tag) >= 0; }

    /** True when the element is present with a non-empty value. */
    public boolean containsValue(int tag) {
        int i = indexOf(tag);
        return i >= 0 && !isEmptyValue(values[i]);
    }

    private static boolean isEmptyValue(Object v) {
        return v == null
                || (v instanceof byte[] b && b.length == 0)
                || (v instanceof Sequence s && s.isEmpty())
                || (v instanceof Fragments f && f.isEmpty());
    }

    public VR getVR(int tag) {
        int i = indexOf(tag);
        return i < 0 ? null : vrs[i];
    }

    /** The raw value object (see class comment), or null when absent. */
    public Object getValue(int tag) {
        int i = indexOf(tag);
        return i < 0 ? null : values[i];
    }

    /** The raw value bytes, or null when absent or not held as bytes. */
    public byte[] getBytes(int tag) {
        return getValue(tag) instanceof byte[] b ? b : null;
    }

    public Sequence getSequence(int tag) {
        return getValue(tag) instanceof Sequence s ? s : null;
    }

    /** The first item of a sequence, or null. */
    public Attributes getNestedDataset(int tag) {
        Sequence s = getSequence(tag);
        return s == null || s.isEmpty() ? null : s.get(0);
    }

    public Fragments getFragments(int tag) {
        return getValue(tag) instanceof Fragments f ? f : null;
    }

    // ---------------------------------------------------------------- text

    /** The Specific Character Set in force here: this data set's (0008,0005), else the parent's, else the default repertoire. */
    public SpecificCharacterSet getSpecificCharacterSet() {
        if (charset == null) {
            int i = indexOf(0x00080005);
            if (i >= 0 && values[i] instanceof byte[] b && b.length > 0) {
                charset = SpecificCharacterSet.valueOf(splitAscii(b));
            } else {
                charset = parent != null ? parent.getSpecificCharacterSet() : SpecificCharacterSet.DEFAULT;
            }
        }
        return charset;
    }

    private static String[] splitAscii(byte[] b) {
        String[] parts = new String(b, StandardCharsets.US_ASCII).split("\\\\", -1);
        for (int k = 0; k < parts.length; k++) parts[k] = parts[k].strip();
        return parts;
    }

    /** All values of a text element, decoded and with padding removed (leading spaces kept where the VR keeps them); null when absent. */
    public String[] getStrings(int tag) {
        int i = indexOf(tag);
        if (i < 0) return null;
        VR vr = vrs[i];
        Object v = values[i];
        if (!(v instanceof byte[] b)) return null;
        if (b.length == 0) return new String[0];
        if (!vr.isText()) return binaryAsStrings(vr, b);
        String s = vr.usesSpecificCharacterSet()
                ? getSpecificCharacterSet().decode(b, 0, b.length, vr)
                : new String(b, StandardCharsets.ISO_8859_1);
        if (!vr.isMultiValuedText()) return new String[] {trimText(vr, s)};
        String[] parts = s.split("\\\\", -1);
        for (int k = 0; k < parts.length; k++) parts[k] = trimText(vr, parts[k]);
        return parts;
    }

    private static String trimText(VR vr, String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) end--;
        int start = 0;
        // PS3.5 6.2: leading spaces are significant in ST, LT and UT only.
        if (vr != VR.ST && vr != VR.LT && vr != VR.UT) {
            while (start < end && s.charAt(start) == ' ') start++;
        }
        return s.substring(start, end);
    }

    private static String[] binaryAsStrings(VR vr, byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int w = switch (vr) {
            case US, SS, OW -> 2;
            case UL, SL, FL, OF, OL, AT -> 4;
            case FD, OD, SV, UV, OV -> 8;
            default -> 0;
        };
        if (w == 0) return new String[] {new String(b, StandardCharsets.ISO_8859_1)};
        int n = vr == VR.AT ? b.length / 4 : b.length / w;
        String[] out = new String[n];
        for (int k = 0; k < n; k++) {
            out[k] = switch (vr) {
                case US, OW -> Integer.toString(bb.getShort() & 0xFFFF);
                case SS -> Short.toString(bb.getShort());
                case UL, OL -> Integer.toUnsignedString(bb.getInt());
                case SL -> Integer.toString(bb.getInt());
                case FL, OF -> Float.toString(bb.getFloat());
                case FD, OD -> Double.toString(bb.getDouble());
                case SV -> Long.toString(bb.getLong());
                case UV, OV -> Long.toUnsignedString(bb.getLong());
                case AT -> {
                    int g = bb.getShort() & 0xFFFF, e = bb.getShort() & 0xFFFF;
                    yield TagUtils.toString((g << 16) | e);
                }
                default -> throw new IllegalStateException();
            };
        }
        return out;
    }

    /** The first value of a text element, or null when absent or empty. */
    public String getString(int tag) {
        String[] s = getStrings(tag);
        return s == null || s.length == 0 ? null : s[0];
    }

    public String getString(int tag, String defaultValue) {
        String s = getString(tag);
        return s == null || s.isEmpty() ? defaultValue : s;
    }

    /** Integer values of a binary (US, SS, UL, SL) or IS/DS element. */
    public int[] getInts(int tag) {
        int i = indexOf(tag);
        if (i < 0 || !(values[i] instanceof byte[] b)) return null;
        VR vr = vrs[i];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return switch (vr) {
            case US, OW -> { int[] r = new int[b.length / 2]; for (int k = 0; k < r.length; k++) r[k] = bb.getShort() & 0xFFFF; yield r; }
            case SS -> { int[] r = new int[b.length / 2]; for (int k = 0; k < r.length; k++) r[k] = bb.getShort(); yield r; }
            case UL, SL, OL -> { int[] r = new int[b.length / 4]; for (int k = 0; k < r.length; k++) r[k] = bb.getInt(); yield r; }
            case IS, DS -> Arrays.stream(getStrings(tag)).filter(s -> !s.isEmpty())
                    .mapToInt(s -> (int) Double.parseDouble(s)).toArray();
            default -> throw new IllegalArgumentException(TagUtils.toString(tag) + " " + vr + " has no integer value");
        };
    }

    public int getInt(int tag, int defaultValue) {
        int[] v = getInts(tag);
        return v == null || v.length == 0 ? defaultValue : v[0];
    }

    // ---------------------------------------------------------------- setters

    /** Sets a raw value (see class comment for the accepted types); returns the previous value or null. */
    public Object setValue(int tag, VR vr, Object value) {
        if (vr == null) throw new IllegalArgumentException("VR required for " + TagUtils.toString(tag));
        if (value == null) value = EMPTY;
        if (!(value instanceof byte[] || value instanceof Sequence || value instanceof Fragments || value instanceof BulkData))
            throw new IllegalArgumentException("unsupported value type " + value.getClass());
        if (tag == 0x00080005) charset = null;
        int i = indexOf(tag);
        if (i >= 0) {
            Object old = values[i];
            vrs[i] = vr;
            values[i] = value;
            return old;
        }
        insert(-(i + 1), tag, vr, value);
        return null;
    }

    private void insert(int at, int tag, VR vr, Object value) {
        if (size == tags.length) {
            int cap = size * 2;
            tags = Arrays.copyOf(tags, cap);
            vrs = Arrays.copyOf(vrs, cap);
            values = Arrays.copyOf(values, cap);
        }
        if (at < size) {
            System.arraycopy(tags, at, tags, at + 1, size - at);
            System.arraycopy(vrs, at, vrs, at + 1, size - at);
            System.arraycopy(values, at, values, at + 1, size - at);
        }
        tags[at] = tag;
        vrs[at] = vr;
        values[at] = value;
        size++;
    }

    public void setBytes(int tag, VR vr, byte[] value) { setValue(tag, vr, value); }

    /** Sets a text element; values are joined with backslashes, encoded in the character set in force and padded to even length. */
    public void setString(int tag, VR vr, String... values) {
        if (!vr.isText()) throw new IllegalArgumentException(vr + " is not a text VR");
        String joined = String.join("\\", values);
        byte[] b = vr.usesSpecificCharacterSet()
                ? getSpecificCharacterSet().encode(joined, vr)
                : joined.getBytes(StandardCharsets.ISO_8859_1);
        setValue(tag, vr, padded(b, vr.paddingByte()));
    }

    /** Sets a binary integer element (US, SS, UL, SL, OW, OL, AT) or an IS/DS text element. */
    public void setInt(int tag, VR vr, int... ints) {
        if (vr == VR.IS || vr == VR.DS) {
            String[] s = new String[ints.length];
            for (int k = 0; k < ints.length; k++) s[k] = Integer.toString(ints[k]);
            setString(tag, vr, s);
            return;
        }
        int w = switch (vr) {
            case US, SS, OW -> 2;
            case UL, SL, OL, AT -> 4;
            default -> throw new IllegalArgumentException(vr + " does not hold 16/32-bit integers");
        };
        ByteBuffer bb = ByteBuffer.allocate(ints.length * w).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : ints) {
            if (vr == VR.AT) bb.putShort((short) (v >>> 16)).putShort((short) v);
            else if (w == 2) bb.putShort((short) v);
            else bb.putInt(v);
        }
        setValue(tag, vr, bb.array());
    }

    private static byte[] padded(byte[] b, byte pad) {
        if ((b.length & 1) == 0) return b;
        byte[] p = Arrays.copyOf(b, b.length + 1);
        p[b.length] = pad;
        return p;
    }

    public Sequence newSequence(int tag, int initialCapacity) {
        Sequence s = new Sequence(this, initialCapacity);
        setValue(tag, VR.SQ, s);
        return s;
    }

    public Fragments newFragments(int tag, VR vr, int initialCapacity) {
        Fragments f = new Fragments(vr, initialCapacity);
        setValue(tag, vr, f);
        return f;
    }

    public Object remove(int tag) {
        int i = indexOf(tag);
        if (i < 0) return null;
        Object old = values[i];
        System.arraycopy(tags, i + 1, tags, i, size - i - 1);
        System.arraycopy(vrs, i + 1, vrs, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        values[size] = null;
        vrs[size] = null;
        if (tag == 0x00080005) charset = null;
        return old;
    }

    /** Copies every element of {@code other} into this one (sequences deeply), replacing elements with the same tag. */
    public void addAll(Attributes other) {
        for (int k = 0; k < other.size; k++) {
            Object v = other.values[k];
            if (v instanceof Sequence s) {
                Sequence copy = newSequence(other.tags[k], s.size());
                for (Attributes item : s) copy.add(new Attributes(item));
            } else if (v instanceof Fragments f) {
                Fragments copy = newFragments(other.tags[k], f.vr(), f.size());
                copy.addAll(f);
            } else {
                setValue(other.tags[k], other.vrs[k], v);
            }
        }
    }

    /** Elements with tags in [from, to), unsigned, as a new data set sharing the values. */
    public Attributes subset(int fromTag, int toTag) {
        Attributes sub = new Attributes(size);
        for (int k = 0; k < size; k++) {
            if (Integer.compareUnsigned(tags[k], fromTag) >= 0 && Integer.compareUnsigned(tags[k], toTag) < 0)
                sub.setValue(tags[k], vrs[k], values[k]);
        }
        return sub;
    }

    /** Calls the visitor for each element in tag order; returns false as soon as the visitor does. */
    public boolean accept(Visitor visitor) {
        for (int k = 0; k < size; k++) {
            if (!visitor.visit(this, tags[k], vrs[k], values[k])) return false;
        }
        return true;
    }

    @FunctionalInterface
    public interface Visitor {
        boolean visit(Attributes owner, int tag, VR vr, Object value);
    }

    /** Value equality: same tags, VRs and values (byte content, items, fragments, bulk data references). */
    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Attributes a) || a.size != size) return false;
        for (int k = 0; k < size; k++) {
            if (tags[k] != a.tags[k] || vrs[k] != a.vrs[k] || !valueEquals(values[k], a.values[k])) return false;
        }
        return true;
    }

    static boolean valueEquals(Object v1, Object v2) {
        if (v1 instanceof byte[] b1 && v2 instanceof byte[] b2) return Arrays.equals(b1, b2);
        if (v1 instanceof Fragments f1 && v2 instanceof Fragments f2) {
            if (f1.size() != f2.size()) return false;
            for (int k = 0; k < f1.size(); k++) if (!valueEquals(f1.get(k), f2.get(k))) return false;
            return true;
        }
        return java.util.Objects.equals(v1, v2);
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int k = 0; k < size; k++) h = 31 * h + tags[k];
        return h;
    }

    /** One line per element, nested items indented; long values cut, for logs and test failure messages. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb, "", 64);
        return sb.toString();
    }

    private void appendTo(StringBuilder sb, String indent, int maxValueChars) {
        for (int k = 0; k < size; k++) {
            sb.append(indent).append(TagUtils.toString(tags[k])).append(' ').append(vrs[k]).append(' ');
            Object v = values[k];
            if (v instanceof Sequence s) {
                sb.append('#').append(s.size()).append(" items\n");
                for (int n = 0; n < s.size(); n++) {
                    sb.append(indent).append("  > item ").append(n + 1).append('\n');
                    s.get(n).appendTo(sb, indent + "    ", maxValueChars);
                }
                continue;
            }
            if (v instanceof Fragments f) {
                sb.append('#').append(f.size()).append(" fragments\n");
                continue;
            }
            if (v instanceof BulkData bd) {
                sb.append(bd).append('\n');
                continue;
            }
            String text;
            try {
                String[] s = vrs[k] == VR.OB || vrs[k] == VR.UN ? null : getStrings(tags[k]);
                text = s == null ? "#" + ((byte[]) v).length + " bytes" : String.join("\\", s);
            } catch (RuntimeException e) {
                text = "#" + ((byte[]) v).length + " bytes (undecodable)";
            }
            if (text.length() > maxValueChars) text = text.substring(0, maxValueChars) + "...";
            sb.append('[').append(text).append("]\n");
        }
    }
}

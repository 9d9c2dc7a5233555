package org.miroir.storage.query;

/**
 * Normal forms that make DA and TM values compare as strings: dates as {@code YYYYMMDD}, times as
 * {@code HHMMSS.FFFFFF}. A value given at lower precision is the interval it denotes: {@code 14} as a lower bound is
 * {@code 140000.000000}, as an upper bound {@code 145959.999999}. Drivers index {@link #normalize} and compare with
 * {@link #lowerBound}/{@link #upperBound}; malformed values give {@code null} (they match no range).
 */
public final class DateTimes {
    private static final String TIME_ZEROS = "000000.000000";
    private static final String TIME_NINES = "595959.999999";

    private DateTimes() {}

    /** The normal form of a stored value, or {@code null} when malformed or absent. */
    public static String normalize(ValueKind kind, String value) {
        return lowerBound(kind, value);
    }

    public static String lowerBound(ValueKind kind, String value) {
        return bound(kind, value, false);
    }

    public static String upperBound(ValueKind kind, String value) {
        return bound(kind, value, true);
    }

    private static String bound(ValueKind kind, String value, boolean upper) {
        if (value == null) return null;
        String v = value.strip();
        return switch (kind) {
            case DATE -> date(v);
            case TIME -> time(v, upper);
            default -> throw new IllegalArgumentException(kind + " has no date/time normal form");
        };
    }

    private static String date(String v) {
        // ACR-NEMA's YYYY.MM.DD still appears in old files.
        if (v.length() == 10 && v.charAt(4) == '.' && v.charAt(7) == '.')
            v = v.substring(0, 4) + v.substring(5, 7) + v.substring(8);
        if (v.length() != 8 || !digits(v, 0, 8)) return null;
        int month = Integer.parseInt(v.substring(4, 6)), day = Integer.parseInt(v.substring(6, 8));
        return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? v : null;
    }

    private static String time(String v, boolean upper) {
        if (v.indexOf(':') >= 0) v = v.replace(":", ""); // ACR-NEMA's HH:MM:SS
        int dot = v.indexOf('.');
        String hms = dot < 0 ? v : v.substring(0, dot);
        String frac = dot < 0 ? "" : v.substring(dot + 1);
        if (hms.length() != 2 && hms.length() != 4 && hms.length() != 6) return null;
        if (!digits(hms, 0, hms.length()) || frac.length() > 6 || !digits(frac, 0, frac.length())) return null;
        if (dot >= 0 && hms.length() != 6) return null;
        if (Integer.parseInt(hms.substring(0, 2)) > 23 || (hms.length() >= 4 && Integer.parseInt(hms.substring(2, 4)) > 59)
                || (hms.length() == 6 && Integer.parseInt(hms.substring(4, 6)) > 60)) return null; // 60: leap second
        String fill = upper ? TIME_NINES : TIME_ZEROS;
        String whole = hms + (frac.isEmpty() && dot < 0 ? "" : "." + frac);
        return whole + fill.substring(whole.length());
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }
}

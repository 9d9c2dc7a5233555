package org.miroir.server.deid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The action codes of PS3.15 Table E.1-1's Basic Profile column, read once from {@code basic-profile.txt} (the table
 * as data, its source named there). Private attributes are removed; attributes the table does not list are kept.
 */
final class BasicProfile {
    static final BasicProfile INSTANCE = load();

    private final Map<Integer, String> exact;
    /** Repeating groups ({@code 60xx3000}): tag & mask == value. */
    private final List<int[]> masked;
    private final Map<Integer, String> maskedCodes;

    private BasicProfile(Map<Integer, String> exact, List<int[]> masked, Map<Integer, String> maskedCodes) {
        this.exact = Map.copyOf(exact);
        this.masked = List.copyOf(masked);
        this.maskedCodes = Map.copyOf(maskedCodes);
    }

    /** The table's code for {@code tag} ("X", "Z/D", "X/Z/U*", ...), "X" for a private attribute, null when unlisted. */
    String codeOf(int tag) {
        if ((tag >>> 16 & 1) == 1) return "X";
        String code = exact.get(tag);
        if (code != null) return code;
        for (int[] m : masked) if ((tag & m[0]) == m[1]) return maskedCodes.get(m[1]);
        return null;
    }

    /** Every attribute the table lists by exact tag, for tests that check an export holds none of them. */
    Map<Integer, String> listed() {
        return exact;
    }

    private static BasicProfile load() {
        Map<Integer, String> exact = new HashMap<>();
        List<int[]> masked = new ArrayList<>();
        Map<Integer, String> maskedCodes = new HashMap<>();
        try (InputStream in = BasicProfile.class.getResourceAsStream("basic-profile.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\t");
                String tag = f[0];
                String code = Action.check(f[1]);
                if (tag.indexOf('x') < 0) {
                    exact.put(Integer.parseUnsignedInt(tag, 16), code);
                } else {
                    int mask = (int) Long.parseLong(tag.replaceAll("[0-9A-F]", "F").replace('x', '0'), 16);
                    int value = (int) Long.parseLong(tag.replace('x', '0'), 16);
                    masked.add(new int[] {mask, value});
                    maskedCodes.put(value, code);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading basic-profile.txt", e);
        }
        return new BasicProfile(exact, masked, maskedCodes);
    }
}

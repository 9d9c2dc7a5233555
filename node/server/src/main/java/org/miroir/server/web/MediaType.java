package org.miroir.server.web;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A media type or media range (RFC 9110 8.3.1, 12.5.1): type/subtype in lower case and its parameters, names in
 * lower case and values unquoted. The q weight of an Accept entry is kept apart from the parameters.
 */
public record MediaType(String type, String subtype, Map<String, String> parameters, double quality) {
    /** Longest header value parsed: a hostile header cannot make the parser work long. */
    private static final int MAX_HEADER = 8192;

    public static final String DICOM = "application/dicom";
    public static final String DICOM_JSON = "application/dicom+json";
    public static final String OCTET_STREAM = "application/octet-stream";
    public static final String MULTIPART_RELATED = "multipart/related";

    public MediaType {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public String essence() {
        return type + "/" + subtype;
    }

    public String parameter(String name) {
        return parameters.get(name);
    }

    public boolean is(String essence) {
        return essence().equals(essence);
    }

    /** True when this range (from Accept) admits {@code essence}: equal, "type/*" or "*&#47;*". */
    public boolean admits(String essence) {
        int slash = essence.indexOf('/');
        return (type.equals("*") || type.equals(essence.substring(0, slash)))
                && (subtype.equals("*") || subtype.equals(essence.substring(slash + 1)));
    }

    /** One media type, e.g. a Content-Type; throws {@link IllegalArgumentException} when malformed. */
    public static MediaType parse(String value) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException("no media type");
        if (value.length() > MAX_HEADER) throw new IllegalArgumentException("media type longer than " + MAX_HEADER);
        List<String> parts = split(value, ';');
        String essence = parts.get(0).strip().toLowerCase(Locale.ROOT);
        int slash = essence.indexOf('/');
        if (slash <= 0 || slash == essence.length() - 1 || essence.indexOf('/', slash + 1) >= 0
                || !isToken(essence.substring(0, slash)) || !isToken(essence.substring(slash + 1)))
            throw new IllegalArgumentException("malformed media type: " + essence);
        Map<String, String> params = new LinkedHashMap<>();
        double q = 1;
        for (int i = 1; i < parts.size(); i++) {
            String p = parts.get(i).strip();
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("malformed media type parameter: " + p);
            String name = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String v = unquote(p.substring(eq + 1).strip());
            if (name.equals("q")) {
                try {
                    q = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("malformed q value: " + v);
                }
            } else {
                params.put(name, v);
            }
        }
        return new MediaType(essence.substring(0, slash), essence.substring(slash + 1), params, q);
    }

    /**
     * The ranges of an Accept header, highest quality first (stable otherwise); an absent header is "*&#47;*".
     * Entries weighted q=0 are dropped (they refuse a type; no range here needs that to be honoured).
     */
    public static List<MediaType> parseAccept(List<String> headerValues) {
        List<MediaType> out = new ArrayList<>();
        for (String h : headerValues) {
            if (h.length() > MAX_HEADER) throw new IllegalArgumentException("Accept longer than " + MAX_HEADER);
            for (String entry : split(h, ',')) if (!entry.isBlank()) out.add(parse(entry));
        }
        if (headerValues.isEmpty()) out.add(new MediaType("*", "*", Map.of(), 1));
        out.removeIf(m -> m.quality() <= 0);
        out.sort((a, b) -> Double.compare(b.quality(), a.quality()));
        return out;
    }

    /** Splits at {@code sep} outside double quotes. */
    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') quoted = !quoted;
            else if (c == '\\' && quoted) i++;
            else if (c == sep && !quoted) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            StringBuilder sb = new StringBuilder(v.length());
            for (int i = 1; i < v.length() - 1; i++) {
                char c = v.charAt(i);
                if (c == '\\' && i + 1 < v.length() - 1) c = v.charAt(++i);
                sb.append(c);
            }
            return sb.toString();
        }
        return v;
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7F || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(essence());
        parameters.forEach((k, v) -> sb.append("; ").append(k).append('=').append(quoteIfNeeded(v)));
        return sb.toString();
    }

    private static String quoteIfNeeded(String v) {
        return isToken(v) ? v : "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

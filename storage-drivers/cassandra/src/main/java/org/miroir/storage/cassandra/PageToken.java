package org.miroir.storage.cassandra;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Page tokens: the position after a page's last record (one {@link Scan.Frame} per scan level, each carrying the
 * driver's paging state), the query level and a signature of the plan, so a token is refused by another query.
 */
final class PageToken {
    private static final byte VERSION = 1;
    private static final int MAX_LENGTH = 16 * 1024;

    private PageToken() {}

    static String encode(char level, int signature, List<Scan.Frame> at) {
        int size = 1 + 2 + 4 + 1;
        for (Scan.Frame f : at) size += 8 + (f.pagingState() == null ? 0 : f.pagingState().remaining());
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(VERSION).putChar(level).putInt(signature).put((byte) at.size());
        for (Scan.Frame f : at) {
            ByteBuffer state = f.pagingState();
            b.putInt(state == null ? -1 : state.remaining());
            if (state != null) b.put(state.duplicate());
            b.putInt(f.skip());
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** The position in {@code token}; {@link IllegalArgumentException} if it is not a token of this plan. */
    static List<Scan.Frame> decode(char level, int signature, int depth, String token) {
        try {
            if (token.length() > MAX_LENGTH) throw new IllegalArgumentException();
            ByteBuffer b = ByteBuffer.wrap(Base64.getUrlDecoder().decode(token));
            if (b.get() != VERSION || b.getChar() != level || b.getInt() != signature || b.get() != depth)
                throw new IllegalArgumentException();
            List<Scan.Frame> out = new ArrayList<>(depth);
            for (int i = 0; i < depth; i++) {
                int len = b.getInt();
                ByteBuffer state = null;
                if (len > b.remaining()) throw new IllegalArgumentException();
                if (len >= 0) {
                    byte[] bytes = new byte[len];
                    b.get(bytes);
                    state = ByteBuffer.wrap(bytes);
                } else if (len != -1) {
                    throw new IllegalArgumentException();
                }
                int skip = b.getInt();
                if (skip < 0) throw new IllegalArgumentException();
                out.add(new Scan.Frame(state, skip));
            }
            if (b.hasRemaining()) throw new IllegalArgumentException();
            return out;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid page token for this " + levelName(level) + "-level query");
        }
    }

    private static String levelName(char level) {
        return switch (level) {
            case 'P' -> "patient";
            case 'S' -> "study";
            case 'R' -> "series";
            default -> "instance";
        };
    }
}

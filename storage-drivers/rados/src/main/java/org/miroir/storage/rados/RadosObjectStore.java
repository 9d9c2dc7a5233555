package org.miroir.storage.rados;

import static org.miroir.storage.rados.RadosPool.ECANCELED;
import static org.miroir.storage.rados.RadosPool.EEXIST;
import static org.miroir.storage.rados.RadosPool.ENOENT;
import static org.miroir.storage.rados.RadosPool.check;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.miroir.storage.Health;
import org.miroir.storage.object.Capacity;
import org.miroir.storage.object.ObjectInfo;
import org.miroir.storage.object.ObjectKeys;
import org.miroir.storage.object.ObjectNotFoundException;
import org.miroir.storage.object.ObjectPage;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.object.ObjectWriter;

/**
 * Objects in a Ceph pool (and namespace), through librados. Each object has a head, a RADOS object named by its key
 * whose xattrs record its size, SHA-256, commit time and {@link Layout}. Objects up to the write buffer live in
 * the head's data; larger ones in chunk objects {@code KEY~WID~0000...} written under a fresh write id before the
 * head points at them.
 *
 * <p>RADOS has no rename, but it applies a compound operation on one object atomically, and can make it conditional
 * on an xattr's value. Every commit is one such operation on the head: "if the layout is still the one I read, set
 * data, size, digest and the new layout"; so readers see the old object or the new one, whole, and of two racing
 * writers the later one retries on top of the earlier. A reader reads a head's xattrs and inline data in one
 * operation; chunk objects never change once referenced. Chunks a commit or delete replaces are first recorded as
 * abandoned on the head (in the same operation) and deleted after; chunked writes in progress hold a lease marker
 * there (see {@link Head}). So whatever a crash interrupts is found again on the head, and {@link #list} reclaims
 * it. Every call blocks the caller's thread, bounded by the configured timeouts.
 */
public final class RadosObjectStore implements ObjectStore {
    private static final System.Logger LOG = System.getLogger(RadosObjectStore.class.getName());
    private static final int MAX_LIST = 10_000;
    private static final int MAX_ATTEMPTS = 16;
    private static final int OPEN_LISTINGS = 16;
    /** Stat'ed by health(); never a key (keys have no '~') and never created. */
    private static final String HEALTH_PROBE = "miroir~health";

    private final RadosSettings settings;
    private final RadosPool pool;
    private final RadosPool healthPool;
    /** Listings left open at the end of a page, by page token, so the next page continues without a seek. */
    private final Map<String, RadosPool.Listing> openListings = new LinkedHashMap<>(16, 0.75f, true);

    private RadosObjectStore(RadosSettings settings, RadosPool pool, RadosPool healthPool) {
        this.settings = settings;
        this.pool = pool;
        this.healthPool = healthPool;
    }

    /**
     * Connects twice: once for objects, once with the short health timeout so {@link #health()} answers quickly
     * when operations would wait for the full operation timeout.
     */
    public static RadosObjectStore open(RadosSettings settings) {
        RadosPool pool = RadosPool.connect(settings, settings.options());
        try {
            Map<String, String> quick = new HashMap<>(settings.options());
            String t = Long.toString(Math.max(1, settings.healthTimeout().toSeconds()));
            quick.put("rados_osd_op_timeout", t);
            quick.put("rados_mon_op_timeout", t);
            quick.put("objecter_timeout", Integer.toString(RadosSettings.laggyAfter(settings.healthTimeout().toSeconds())));
            return new RadosObjectStore(settings, pool, RadosPool.connect(settings, quick));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    RadosSettings settings() {
        return settings;
    }

    RadosPool pool() {
        return pool;
    }

    @Override
    public ObjectWriter create(String key, long expectedSize) {
        return new RadosObjectWriter(this, key, expectedSize);
    }

    @Override
    public InputStream get(String key) throws IOException {
        return get(key, 0, Long.MAX_VALUE);
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        ObjectKeys.requireValid(key);
        if (offset < 0 || length < 0) throw new IllegalArgumentException("offset and length must not be negative");
        int first = (int) Math.min(length, settings.readBuffer());
        NativeBuffer buf = new NativeBuffer(Math.max(1, first));
        try {
            long[] got = new long[1];
            Head head = pool.readHead(key, buf, offset, first, got);
            Layout layout = head == null ? null : layoutOf(key, head);
            if (layout == null) throw new ObjectNotFoundException(key);
            long size = sizeOf(key, head);
            long end = offset + Math.min(length, Math.max(0, size - offset));
            RadosInputStream in = new RadosInputStream(pool, key, head.layoutValue(), layout, buf, offset, end,
                    layout.inline() ? (int) Math.min(got[0], end - offset) : 0);
            buf = null; // the stream owns it now
            return in;
        } finally {
            if (buf != null) buf.free();
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        ObjectKeys.requireValid(key);
        Head head = pool.readHead(key, null, 0, 0, null);
        if (head == null || layoutOf(key, head) == null) return Optional.empty();
        try {
            return Optional.of(head.info(key));
        } catch (RuntimeException e) {
            throw new IOException("object " + key + " has unreadable metadata " + head.xattrs(), e);
        }
    }

    private static Layout layoutOf(String key, Head head) throws IOException {
        try {
            return head.layout().orElse(null);
        } catch (IllegalStateException e) {
            throw new IOException("object " + key + ": " + e.getMessage(), e);
        }
    }

    private static long sizeOf(String key, Head head) throws IOException {
        try {
            return head.size();
        } catch (RuntimeException e) {
            throw new IOException("object " + key + " has no readable size: " + head.xattrs(), e);
        }
    }

    /**
     * Makes a write visible: replaces whatever layout the head has (retrying while other writers commit in between).
     *
     * @param inline      the data of an inline object (null when chunked or empty), {@code inlineLength} bytes
     * @param markerValue the chunked write's lease marker value; the commit fails if it changed
     */
    void commit(String key, Layout layout, long size, String sha256, Pointer inline, long inlineLength,
            String markerValue) throws IOException {
        String markerName = Head.PENDING + layout.writeId();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            // Keys are usually new: an inline commit first tries "create if absent" without reading the head.
            Head head = attempt == 0 && markerValue == null ? null : pool.readHead(key, null, 0, 0, null);
            if (markerValue != null && (head == null || !markerValue.equals(head.markers().get(layout.writeId()))))
                throw new IOException("the write of " + key + " lost its lease: the key was deleted, or the write "
                        + "was reclaimed as abandoned (no progress for " + settings.staleWrite() + ")");
            Layout old = head == null ? null : layoutOf(key, head);
            String now = Long.toString(System.currentTimeMillis());
            int rc = pool.operate(key, op -> {
                if (head == null) op.createExclusive();
                else op.expect(Head.LAYOUT, head.layoutValue());
                if (markerValue != null) op.expect(markerName, markerValue).unset(markerName);
                if (layout.inline()) op.writeFull(inline, inlineLength);
                else op.truncate();
                op.set(Head.SIZE, Long.toString(size)).set(Head.SHA256, sha256).set(Head.LAYOUT, layout.toString())
                        .set(Head.TIME, now);
                if (old != null && !old.inline()) op.set(Head.PENDING + old.writeId(), Head.marker(0, old.count()));
            });
            if (rc == 0) {
                if (old != null && !old.inline()) reclaimQuietly(key, old.writeId(), Head.marker(0, old.count()));
                return;
            }
            if (rc != ECANCELED && rc != EEXIST && rc != ENOENT) check(rc, "commit " + key);
        }
        throw new IOException("commit of " + key + " kept racing with other writers of that key; gave up after "
                + MAX_ATTEMPTS + " attempts");
    }

    /**
     * Deletes the chunks a marker announces. A live write's lease is revoked first (its commit will fail), by
     * turning the marker into an "abandoned" one; that change is conditional, so a write that just progressed keeps
     * its chunks. Returns whether the chunks were reclaimed.
     */
    boolean reclaim(String key, String writeId, String markerValue) throws IOException {
        String name = Head.PENDING + writeId;
        int count = Head.markerCount(markerValue);
        String abandoned = Head.marker(0, count);
        if (!markerValue.equals(abandoned)) {
            int rc = pool.operate(key, op -> op.expect(name, markerValue).set(name, abandoned));
            if (rc == ECANCELED || rc == ENOENT) return false;
            check(rc, "reclaim " + key);
        }
        for (int i = count - 1; i >= 0; i--) {
            String chunk = Layout.chunkName(key, writeId, i);
            int rc = pool.remove(chunk);
            if (rc != ENOENT) check(rc, "remove " + chunk);
        }
        int rc = pool.operate(key, op -> op.expect(name, abandoned).unset(name));
        if (rc != ECANCELED && rc != ENOENT) check(rc, "reclaim " + key);
        return true;
    }

    /** Cleanup after a successful commit or delete: failures leave a marker for the next listing to finish. */
    private void reclaimQuietly(String key, String writeId, String markerValue) {
        try {
            reclaim(key, writeId, markerValue);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete the replaced chunks of " + key
                    + " now; listing will: " + e.getMessage());
        }
    }

    /** Removes a head left with neither object nor writes in progress (a new write started between loses its lease). */
    void removeIfEmpty(String key) throws IOException {
        Head head = pool.readHead(key, null, 0, 0, null);
        if (head == null || head.xattrs().containsKey(Head.LAYOUT) || !head.markers().isEmpty()) return;
        int rc = pool.operate(key, op -> op.expect(Head.LAYOUT, "").remove());
        if (rc != ECANCELED && rc != ENOENT) check(rc, "remove " + key);
    }

    @Override
    public boolean delete(String key) throws IOException {
        ObjectKeys.requireValid(key);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Head head = pool.readHead(key, null, 0, 0, null);
            Layout layout = head == null ? null : layoutOf(key, head);
            if (layout == null) return false;
            boolean whole = layout.inline() && head.markers().isEmpty();
            String abandoned = Head.marker(0, layout.count());
            int rc = pool.operate(key, op -> {
                op.expect(Head.LAYOUT, head.layoutValue());
                if (whole) {
                    op.remove();
                } else {
                    // Writes in progress keep their markers; replaced chunks become an abandoned marker.
                    op.truncate().unset(Head.SIZE).unset(Head.SHA256).unset(Head.LAYOUT).unset(Head.TIME);
                    if (!layout.inline()) op.set(Head.PENDING + layout.writeId(), abandoned);
                }
            });
            if (rc == 0) {
                if (!whole) {
                    if (!layout.inline()) reclaim(key, layout.writeId(), abandoned);
                    removeIfEmpty(key);
                }
                return true;
            }
            if (rc != ECANCELED && rc != ENOENT) check(rc, "delete " + key);
        }
        throw new IOException("delete of " + key + " kept racing with writers of that key; gave up after "
                + MAX_ATTEMPTS + " attempts");
    }

    /**
     * Heads with a committed object, in RADOS listing order. The page token is the last object's listing position
     * and name ({@link ListPosition}); the listing that reached it is kept open for the next page (up to
     * {@value #OPEN_LISTINGS} of them), otherwise a new one seeks near it and skips what comes before.
     *
     * <p>Housekeeping on the way: writes whose lease marker made no progress for {@code stale-write} and chunks
     * left by interrupted replacements or deletes are reclaimed, and heads left empty removed.
     */
    @Override
    public ObjectPage list(String pageToken, int limit) throws IOException {
        if (limit < 1 || limit > MAX_LIST) throw new IllegalArgumentException("limit must be in 1.." + MAX_LIST);
        ListPosition after = pageToken == null ? null : ListPosition.parse(pageToken);
        RadosPool.Listing listing = pageToken == null ? null : takeListing(pageToken);
        if (listing == null) listing = pool.list(after == null ? null : after.hash());
        boolean kept = false;
        try {
            List<ObjectInfo> out = new ArrayList<>();
            for (String name; (name = listing.next()) != null; ) {
                if (!isKey(name)) continue; // chunks, the health probe, foreign objects
                ListPosition at = ListPosition.of(settings.namespace(), name);
                if (after != null && at.compareTo(after) <= 0) continue;
                ObjectInfo info = visit(name);
                if (info == null) continue;
                out.add(info);
                if (out.size() == limit) {
                    String token = at.toString();
                    keepListing(token, listing);
                    kept = true;
                    return new ObjectPage(out, token);
                }
            }
            return new ObjectPage(out, null);
        } finally {
            if (!kept) listing.close();
        }
    }

    /** The committed object at this head, if any, after reclaiming what was abandoned there. */
    private ObjectInfo visit(String key) throws IOException {
        Head head = pool.readHead(key, null, 0, 0, null);
        if (head == null) return null;
        long staleBefore = System.currentTimeMillis() - settings.staleWrite().toMillis();
        boolean reclaimed = false;
        for (Map.Entry<String, String> m : head.markers().entrySet()) {
            try {
                if (Head.markerMillis(m.getValue()) < staleBefore) reclaimed |= reclaim(key, m.getKey(), m.getValue());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "unreadable write marker on " + key + ": " + m);
            }
        }
        try {
            if (head.layout().isPresent()) return head.info(key);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "skipping " + key + ": unreadable metadata " + head.xattrs());
            return null;
        }
        if (reclaimed) removeIfEmpty(key);
        return null;
    }

    private static boolean isKey(String name) {
        try {
            ObjectKeys.requireValid(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private synchronized RadosPool.Listing takeListing(String token) {
        return openListings.remove(token);
    }

    private synchronized void keepListing(String token, RadosPool.Listing listing) {
        RadosPool.Listing previous = openListings.put(token, listing);
        if (previous != null) previous.close();
        if (openListings.size() > OPEN_LISTINGS) {
            var eldest = openListings.entrySet().iterator().next();
            eldest.getValue().close();
            openListings.remove(eldest.getKey());
        }
    }

    /** A stat of a never-written object, on the connection with the short health timeout. */
    @Override
    public Health health() {
        try {
            int rc = healthPool.stat(HEALTH_PROBE);
            if (rc == 0 || rc == ENOENT) return Health.up("Ceph " + pool.description() + " answers");
            check(rc, "stat");
            return Health.down("unexpected answer " + rc);
        } catch (IOException | RuntimeException e) {
            return Health.down("Ceph " + pool.description() + " does not answer within "
                    + settings.healthTimeout().toSeconds() + " s: " + e.getMessage());
        }
    }

    /**
     * The pool's bytes (all its namespaces, before replication), and the cluster's raw size and free space (what the
     * OSDs hold, replicas included): asked on the connection with the short health timeout.
     */
    @Override
    public Optional<Capacity> capacity() throws IOException {
        return Optional.of(healthPool.capacity());
    }

    @Override
    public void close() {
        synchronized (this) {
            openListings.values().forEach(RadosPool.Listing::close);
            openListings.clear();
        }
        healthPool.close();
        pool.close();
    }
}

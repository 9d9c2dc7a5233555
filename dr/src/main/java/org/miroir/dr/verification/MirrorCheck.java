package org.miroir.dr.verification;

import org.miroir.storage.digest.Sha256;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.object.CorruptObjectException;
import org.miroir.storage.object.ObjectNotFoundException;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The mirror's side of verification: for each instance the active site describes, the mirror's index row and its
 * object's bytes, read whole and digested again (a recorded digest would not see a flipped bit; a store that
 * authenticates what it reads, as encryption at rest does, refuses a damaged copy outright). Blocking.
 */
public final class MirrorCheck {
    private final MetadataStore metadata;
    private final ObjectStore objects;

    public MirrorCheck(MetadataStore metadata, ObjectStore objects) {
        this.metadata = metadata;
        this.objects = objects;
    }

    public List<Verdict> check(List<Expected> items) throws IOException {
        List<Verdict> out = new ArrayList<>(items.size());
        for (Expected e : items) out.add(check(e));
        return out;
    }

    private Verdict check(Expected e) throws IOException {
        Page<InstanceRecord> page;
        try {
            page = metadata.findInstances(Query.builder().where(QueryKey.SOP_INSTANCE_UID, e.sop()).limit(1).build())
                    .toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        } catch (ExecutionException | TimeoutException ex) {
            throw new IOException("index unavailable: " + ex.getMessage(), ex);
        }
        if (page.items().isEmpty()) return Verdict.MISSING;
        InstanceRecord r = page.items().get(0);
        if (!r.objectKey().equals(e.key()) || r.size() != e.size() || !r.sha256().equals(e.sha256())
                || !r.studyInstanceUid().equals(e.study()) || !r.seriesInstanceUid().equals(e.series()))
            return Verdict.METADATA;
        Sha256.Measured m;
        try (InputStream in = objects.get(e.key())) {
            m = Sha256.measure(in);
        } catch (ObjectNotFoundException gone) {
            return Verdict.MISSING;
        } catch (CorruptObjectException damaged) {
            return Verdict.CORRUPT;
        }
        return m.size() == e.size() && m.sha256().equals(e.sha256()) ? Verdict.OK : Verdict.CORRUPT;
    }
}

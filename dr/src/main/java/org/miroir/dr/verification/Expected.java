package org.miroir.dr.verification;

import io.vertx.core.json.JsonObject;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.JournalEntry;

import java.time.Instant;

/**
 * What the active site holds for one instance, as sent to the mirror to check its copy against; {@code storedAt} is
 * kept here for a repair (not sent).
 */
public record Expected(String key, String sop, String study, String series, long size, String sha256, Instant storedAt) {
    public static Expected of(InstanceRecord r) {
        return new Expected(r.objectKey(), r.sopInstanceUid(), r.studyInstanceUid(), r.seriesInstanceUid(), r.size(),
                r.sha256(), r.storedAt());
    }

    /** A STORE journal entry's instance. */
    public static Expected of(JournalEntry e) {
        return new Expected(e.objectKey(), e.sopInstanceUid(), e.studyInstanceUid(), e.seriesInstanceUid(), e.size(),
                e.sha256(), e.recordedAt());
    }

    public JsonObject toJson() {
        return new JsonObject().put("key", key).put("sop", sop).put("study", study).put("series", series)
                .put("size", size).put("sha256", sha256);
    }

    public static Expected fromJson(JsonObject j) {
        Long size = j.getLong("size");
        if (size == null) throw new IllegalArgumentException("verify item without size");
        return new Expected(j.getString("key"), j.getString("sop"), j.getString("study"), j.getString("series"), size,
                j.getString("sha256"), null);
    }
}

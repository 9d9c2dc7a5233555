package org.miroir.dicom.net.interop;

import io.vertx.core.Future;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.net.FindHandler;
import org.miroir.dicom.net.Part10File;
import org.miroir.dicom.net.service.RetrieveItem;
import org.miroir.dicom.net.service.RetrieveService;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A few files indexed in memory, served by C-FIND (unique-key matching at STUDY, SERIES and IMAGE level) and
 * C-MOVE/C-GET (through {@link RetrieveService}) for the interop tests. The real archive is node/server's.
 */
final class MiniArchive {
    record Entry(Part10File file, Attributes header) {}

    private static final int[] UNIQUE_KEYS = {Tag.PatientID, Tag.StudyInstanceUID, Tag.SeriesInstanceUID, Tag.SOPInstanceUID};

    private final List<Entry> entries = new ArrayList<>();

    MiniArchive(List<Path> files) throws IOException {
        for (Path f : files) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(f)); DicomInputStream dis = new DicomInputStream(in)) {
                entries.add(new Entry(Part10File.read(f), dis.readDatasetUntil(Tag.PixelData)));
            }
        }
    }

    List<Entry> entries() { return entries; }

    List<Entry> match(Attributes keys) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            boolean ok = true;
            for (int tag : UNIQUE_KEYS) {
                String want = keys.getString(tag);
                if (want == null || want.isEmpty() || want.equals("*")) continue;
                String[] wanted = keys.getStrings(tag);
                if (!Arrays.asList(wanted).contains(e.header().getString(tag))) ok = false;
            }
            if (ok) out.add(e);
        }
        return out;
    }

    /** Identifiers for a C-FIND: one per distinct entity at the query level, with the keys asked for filled in. */
    List<Attributes> find(Attributes keys) {
        String level = keys.getString(Tag.QueryRetrieveLevel, "STUDY");
        int levelKey = switch (level) {
            case "PATIENT" -> Tag.PatientID;
            case "SERIES" -> Tag.SeriesInstanceUID;
            case "IMAGE" -> Tag.SOPInstanceUID;
            default -> Tag.StudyInstanceUID;
        };
        Map<String, Attributes> byKey = new LinkedHashMap<>();
        for (Entry e : match(keys)) {
            byKey.computeIfAbsent(e.header().getString(levelKey), k -> {
                Attributes id = new Attributes();
                for (int i = 0; i < keys.size(); i++) {
                    int tag = keys.tagAt(i);
                    Object v = e.header().getValue(tag);
                    id.setValue(tag, keys.vrAt(i), v instanceof byte[] ? v : new byte[0]);
                }
                id.setString(Tag.QueryRetrieveLevel, VR.CS, level);
                return id;
            });
        }
        return new ArrayList<>(byKey.values());
    }

    FindHandler findHandler() {
        return (rq, keys) -> rq.sendMatches(find(keys).iterator());
    }

    RetrieveService.Resolver resolver() {
        return (rq, keys) -> Future.succeededFuture(match(keys).stream().map(e -> RetrieveItem.of(e.file())).toList());
    }
}

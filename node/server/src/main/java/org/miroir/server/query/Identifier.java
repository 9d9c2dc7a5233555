package org.miroir.server.query;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.ElementDictionary;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.TagUtils;
import org.miroir.dicom.data.VR;
import org.miroir.server.store.LevelAttributes;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.QueryKey;
import org.miroir.storage.query.QueryLevel;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A query identifier split the way the index can serve it: matches on {@link QueryKey}s (the driver's), constraints
 * on other attributes and sequences (tested on the records' encoded attributes through the filter hook), the return
 * keys, and the keys whose matching this level cannot support (ignored, as PS3.4 C.4.1.1.3.1 lets an SCP do for
 * optional keys: C-FIND then answers 0xFF01).
 */
final class Identifier {
    /** Keys that steer the query or describe the response; never matched against records. */
    private static final Set<Integer> NOT_MATCHED = Set.of(Tag.SpecificCharacterSet, Tag.QueryRetrieveLevel,
            Tag.RetrieveAETitle, Tag.InstanceAvailability, Tag.StorageMediaFileSetID, Tag.StorageMediaFileSetUID,
            Tag.TimezoneOffsetFromUTC, Tag.QueryRetrieveView);

    /** Values the index computes; they can be returned but not matched. */
    static final Set<Integer> COMPUTED = Set.of(Tag.NumberOfPatientRelatedStudies, Tag.NumberOfPatientRelatedSeries,
            Tag.NumberOfPatientRelatedInstances, Tag.NumberOfStudyRelatedSeries, Tag.NumberOfStudyRelatedInstances,
            Tag.NumberOfSeriesRelatedInstances, Tag.SOPClassesInStudy);

    /** One return key: the tag, its VR, and for a sequence the item's requested keys (null or empty: whole items). */
    record ReturnKey(int tag, VR vr, Attributes item) {}

    final QueryLevel level;
    final Map<QueryKey, Match> matches = new EnumMap<>(QueryKey.class);
    final List<AttributeConstraint> constraints = new ArrayList<>();
    final Map<Integer, ReturnKey> returnKeys = new LinkedHashMap<>();
    final List<Integer> unsupported = new ArrayList<>();
    final boolean includeAll;

    private Identifier(QueryLevel level, boolean includeAll) {
        this.level = level;
        this.includeAll = includeAll;
    }

    /** Throws {@link IllegalArgumentException} with the offending key named when a value cannot be matched. */
    static Identifier parse(QueryLevel level, Attributes keys, QueryOptions options) {
        Identifier id = new Identifier(level, options.includeAll());
        for (int i = 0; i < keys.size(); i++) id.add(keys.tagAt(i), keys.vrAt(i), keys, options);
        for (int tag : options.includeFields()) {
            if (!id.returnKeys.containsKey(tag)) id.returnKeys.put(tag, new ReturnKey(tag, vrOf(tag), null));
        }
        for (int tag : uniqueKeys(level)) id.returnKeys.putIfAbsent(tag, new ReturnKey(tag, vrOf(tag), null));
        return id;
    }

    private void add(int tag, VR vr, Attributes keys, QueryOptions options) {
        if (TagUtils.group(tag) == 0x0002 || TagUtils.isGroupLength(tag) || tag == Tag.SpecificCharacterSet
                || tag == Tag.QueryRetrieveLevel) return;
        if (vr == VR.UN) vr = vrOf(tag); // implicit VR identifiers of private or unknown elements
        Object value = keys.getValue(tag);
        if (value instanceof Sequence seq) {
            Attributes item = seq.isEmpty() ? null : seq.get(0);
            returnKeys.put(tag, new ReturnKey(tag, VR.SQ, item));
            if (item != null && AttributeConstraint.hasConstraint(item)) {
                if (supportsAttribute(tag)) constraints.add(AttributeConstraint.sequence(tag, item));
                else unsupported.add(tag);
            }
            return;
        }
        returnKeys.put(tag, new ReturnKey(tag, vr, null));
        String[] values = keys.getStrings(tag);
        if (values == null || values.length == 0 || NOT_MATCHED.contains(tag)) return;
        String joined = String.join("\\", values);
        if (joined.isBlank()) return;
        QueryKey key = QueryKey.forTag(tag).orElse(null);
        if (key != null) {
            if (!level.accepts(key.level()))
                throw new IllegalArgumentException(name(tag) + " is a " + key.level() + "-level key: it cannot be"
                        + " matched in a " + level + "-level query");
            try {
                matches.put(key, Match.parse(key, joined));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid value for " + name(tag) + ": " + e.getMessage(), e);
            }
            return;
        }
        if (COMPUTED.contains(tag) || !supportsAttribute(tag)) {
            unsupported.add(tag);
            return;
        }
        constraints.add(AttributeConstraint.parse(tag, vr, joined, name(tag)));
    }

    /** Whether the records of this level keep {@code tag} in their encoded attributes (so it can be matched). */
    private boolean supportsAttribute(int tag) {
        return switch (level) {
            case PATIENT -> LevelAttributes.belongsTo(tag, QueryLevel.PATIENT);
            case STUDY -> LevelAttributes.belongsTo(tag, QueryLevel.PATIENT) || LevelAttributes.belongsTo(tag, QueryLevel.STUDY);
            case SERIES -> LevelAttributes.belongsTo(tag, QueryLevel.SERIES);
            case INSTANCE -> true;
        };
    }

    static int[] uniqueKeys(QueryLevel level) {
        return switch (level) {
            case PATIENT -> new int[] {Tag.PatientID};
            case STUDY -> new int[] {Tag.StudyInstanceUID};
            case SERIES -> new int[] {Tag.StudyInstanceUID, Tag.SeriesInstanceUID};
            case INSTANCE -> new int[] {Tag.StudyInstanceUID, Tag.SeriesInstanceUID, Tag.SOPInstanceUID};
        };
    }

    static VR vrOf(int tag) {
        return ElementDictionary.vrOf(tag);
    }

    static String name(int tag) {
        String keyword = ElementDictionary.keywordOf(tag);
        return keyword == null ? TagUtils.toString(tag) : keyword + " " + TagUtils.toString(tag);
    }
}

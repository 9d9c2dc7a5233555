package org.miroir.storage.metadata;

/**
 * A row of the index at one level. Text values are given without DICOM padding; absent and empty values are
 * {@code null}. Fields documented as "computed by the store" are ignored on write and filled in by queries.
 */
public sealed interface MetadataRecord permits PatientRecord, StudyRecord, SeriesRecord, InstanceRecord {
    /** The level's header attributes, or {@code null} when not stored or not asked for ({@code includeAttributes}). */
    EncodedAttributes attributes();
}

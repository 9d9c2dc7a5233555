package org.miroir.server.query;

import org.miroir.dicom.data.Attributes;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.query.QueryLevel;

import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The query model shared by C-FIND and QIDO-RS: translates a DICOM identifier (C-FIND keys, or QIDO parameters
 * turned into Attributes) into a storage query at a level, runs it, and turns each matching record into a response
 * identifier holding the requested return keys (PS3.4 C.2.2.2 matching; values from the records' indexed and
 * encoded attributes; the unique keys of the level and the levels above it always included).
 *
 * <p>What a level can match and return: the {@link org.miroir.storage.query.QueryKey}s of the level and the levels
 * above through the index; other attributes the index keeps at the level (see
 * {@link org.miroir.server.store.LevelAttributes}; the instance level keeps the whole header) and sequences through
 * the filter hook. A series-level response takes patient and study attributes from the series' study.
 */
public final class QueryService {
    private final MetadataStore metadata;
    private final BooleanSupplier caseInsensitiveNamesByDefault;

    /** {@code caseInsensitiveNamesByDefault} is asked at each query: an operator may change it while the node runs. */
    public QueryService(MetadataStore metadata, BooleanSupplier caseInsensitiveNamesByDefault) {
        this.metadata = metadata;
        this.caseInsensitiveNamesByDefault = caseInsensitiveNamesByDefault;
    }

    /** The node's PN matching default (config {@code fuzzyPersonNameMatching}). */
    public boolean caseInsensitiveNamesByDefault() { return caseInsensitiveNamesByDefault.getAsBoolean(); }

    /**
     * Parses {@code identifier} for a query at {@code level}. Throws {@link IllegalArgumentException} with a message
     * naming the key when a key cannot be matched (a malformed date range, a wildcard in a UID, a key of a lower
     * level carrying a value).
     */
    public PreparedQuery prepare(QueryLevel level, Attributes identifier, QueryOptions options) {
        return new PreparedQuery(metadata, level, identifier, options);
    }

    /**
     * Matches at {@code level}, pushing each response identifier to {@code onMatch} (the next is built once the
     * returned stage completes), up to {@code options.limit()} after skipping {@code options.offset()}; stops when
     * {@code cancelled} says so. Invalid keys throw {@link IllegalArgumentException} at once; store failures fail
     * the returned stage.
     */
    public CompletionStage<QueryResult> find(QueryLevel level, Attributes identifier, QueryOptions options,
            Function<Attributes, CompletionStage<Void>> onMatch, BooleanSupplier cancelled) {
        return prepare(level, identifier, options).run(onMatch, cancelled);
    }
}

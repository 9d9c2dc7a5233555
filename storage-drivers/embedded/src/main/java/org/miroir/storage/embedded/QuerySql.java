package org.miroir.storage.embedded;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Matching;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;
import org.miroir.storage.query.QueryLevel;

/**
 * Translates a {@link Query} into SQL over the index, with the semantics of {@link Matching} (see {@link MatchSql}).
 * Rows come in primary-key order; paging continues after the last key returned. Patients are those with studies:
 * registered patients without any, and merged ones, are not part of the archive's answers.
 */
final class QuerySql {
    /** SQL text and its parameters. */
    record Sql(String text, List<Object> params) {}

    private final QueryLevel level;
    private final Query query;
    private final List<String> where = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();

    private QuerySql(QueryLevel level, Query query) {
        this.level = level;
        this.query = query;
    }

    /**
     * The rows of one page: after primary key {@code afterPk}, at most {@code limit} rows from {@code offset}
     * ({@code limit} -1: no limit).
     */
    static Sql select(QueryLevel level, Query query, boolean attrs, long afterPk, int offset, int limit) {
        QuerySql q = new QuerySql(level, query);
        for (Map.Entry<QueryKey, Match> e : query.matches().entrySet()) q.add(e.getKey(), e.getValue());
        String pk = alias(level) + ".pk";
        if (level == QueryLevel.PATIENT) q.where.add("EXISTS (SELECT 1 FROM study WHERE patient_fk = p.pk)");
        q.where.add(pk + " > ?");
        q.params.add(afterPk);
        StringBuilder sql = new StringBuilder("SELECT ").append(pk).append(" AS row_pk, ").append(q.columns(attrs))
                .append(" FROM ").append(q.from()).append(" WHERE ").append(String.join(" AND ", q.where))
                .append(" ORDER BY ").append(pk).append(" LIMIT ? OFFSET ?");
        q.params.add(limit);
        q.params.add(offset);
        return new Sql(sql.toString(), Collections.unmodifiableList(q.params));
    }

    static String alias(QueryLevel level) {
        return switch (level) {
            case PATIENT -> "p";
            case STUDY -> "st";
            case SERIES -> "se";
            case INSTANCE -> "i";
        };
    }

    private boolean needsPatient() {
        return level.ordinal() <= QueryLevel.STUDY.ordinal()
                || query.matches().keySet().stream().anyMatch(k -> k.level() == QueryLevel.PATIENT);
    }

    private String from() {
        String patient = needsPatient() ? " JOIN patient p ON p.pk = st.patient_fk" : "";
        return switch (level) {
            case PATIENT -> "patient p";
            case STUDY -> "study st" + patient;
            case SERIES -> "series se JOIN study st ON st.pk = se.study_fk" + patient;
            case INSTANCE -> "instance i JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk"
                    + patient;
        };
    }

    private String columns(boolean attrs) {
        return switch (level) {
            case PATIENT -> Rows.PATIENT + (attrs ? ", p.attrs AS p_attrs" : "");
            case STUDY -> Rows.PATIENT + ", " + Rows.STUDY + (attrs ? ", p.attrs AS p_attrs, st.attrs AS st_attrs" : "");
            case SERIES -> Rows.SERIES + (attrs ? ", se.attrs AS se_attrs" : "");
            case INSTANCE -> Rows.INSTANCE + (attrs ? ", i.attrs AS i_attrs" : "");
        };
    }

    /** Raw column of a key. */
    private static String column(QueryKey k) {
        return switch (k) {
            case PATIENT_ID -> "p.patient_id";
            case ISSUER_OF_PATIENT_ID -> "p.issuer";
            case PATIENT_NAME -> "p.name";
            case PATIENT_BIRTH_DATE -> "p.birth_date";
            case PATIENT_SEX -> "p.sex";
            case STUDY_INSTANCE_UID -> "st.study_uid";
            case STUDY_DATE -> "st.study_date";
            case STUDY_TIME -> "st.study_time";
            case ACCESSION_NUMBER -> "st.accession";
            case REFERRING_PHYSICIAN_NAME -> "st.referring";
            case STUDY_DESCRIPTION -> "st.description";
            case STUDY_ID -> "st.study_id";
            case MODALITIES_IN_STUDY -> "modality"; // of the series in the EXISTS subquery
            case SERIES_INSTANCE_UID -> "se.series_uid";
            case MODALITY -> "se.modality";
            case SERIES_NUMBER -> "se.series_number";
            case SERIES_DESCRIPTION -> "se.description";
            case BODY_PART_EXAMINED -> "se.body_part";
            case PERFORMED_PROCEDURE_STEP_START_DATE -> "se.pps_date";
            case PERFORMED_PROCEDURE_STEP_START_TIME -> "se.pps_time";
            case SOP_INSTANCE_UID -> "i.sop_uid";
            case SOP_CLASS_UID -> "i.sop_class";
            case INSTANCE_NUMBER -> "i.instance_number";
        };
    }

    private void add(QueryKey k, Match m) {
        if (k == QueryKey.MODALITIES_IN_STUDY) {
            if (m instanceof Match.Empty) {
                where.add("st.modalities IS NULL");
            } else {
                // Correlated, so it filters studies found through the other keys' indexes (or the key walk
                // when it is the only key) instead of driving the query from every series of a common modality.
                where.add("EXISTS (SELECT 1 FROM series WHERE study_fk = st.pk AND " + condition(k, m) + ")");
            }
            return;
        }
        where.add(condition(k, m));
    }

    private String condition(QueryKey k, Match m) {
        return MatchSql.condition(column(k), k.kind(), m, query.caseInsensitiveNames(), params);
    }
}

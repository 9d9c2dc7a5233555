package org.miroir.storage.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.miroir.storage.query.Match;
import org.miroir.storage.worklist.WorklistKey;
import org.miroir.storage.worklist.WorklistQuery;

/** A {@link WorklistQuery} as SQL over {@code worklist_item}, in primary-key order after a given key. */
final class WorklistSql {
    private WorklistSql() {}

    static QuerySql.Sql select(WorklistQuery q, long afterPk, int limit) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        for (Map.Entry<WorklistKey, Match> e : q.matches().entrySet())
            where.add(MatchSql.condition(column(e.getKey()), e.getKey().kind(), e.getValue(), q.caseInsensitiveNames(),
                    params));
        where.add("w.pk > ?");
        params.add(afterPk);
        params.add(limit);
        return new QuerySql.Sql("SELECT w.pk AS row_pk, " + Rows.WORKLIST_ITEM + " FROM worklist_item w WHERE "
                + String.join(" AND ", where) + " ORDER BY w.pk LIMIT ?", List.copyOf(params));
    }

    private static String column(WorklistKey k) {
        return switch (k) {
            case STATION_AE_TITLE -> "w.station_aet";
            case MODALITY -> "w.modality";
            case START_DATE -> "w.start_date";
            case START_TIME -> "w.start_time";
            case PATIENT_ID -> "w.patient_id";
            case ISSUER_OF_PATIENT_ID -> "w.issuer";
            case PATIENT_NAME -> "w.patient_name";
            case ACCESSION_NUMBER -> "w.accession";
            case REQUESTED_PROCEDURE_ID -> "w.requested_procedure_id";
            case STEP_ID -> "w.step_id";
            case STUDY_INSTANCE_UID -> "w.study_uid";
            case STATUS -> "w.status";
        };
    }
}

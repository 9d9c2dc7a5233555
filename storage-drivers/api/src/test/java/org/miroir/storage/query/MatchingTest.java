package org.miroir.storage.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MatchingTest {
    private static boolean m(QueryKey k, String query, String stored) {
        return Matching.matches(k, Match.parse(k, query), stored, false);
    }

    @Test
    void singleValueIsExactAndCaseSensitive() {
        assertThat(m(QueryKey.PATIENT_ID, "P1", "P1")).isTrue();
        assertThat(m(QueryKey.PATIENT_ID, "P1", "p1")).isFalse();
        assertThat(m(QueryKey.PATIENT_ID, "P1", "P10")).isFalse();
        assertThat(m(QueryKey.PATIENT_ID, "P1", null)).isFalse();
        assertThat(m(QueryKey.SERIES_NUMBER, "7", "+7")).isTrue();
        assertThat(m(QueryKey.SERIES_NUMBER, "7", "70")).isFalse();
    }

    @Test
    void universalAndEmpty() {
        assertThat(m(QueryKey.PATIENT_ID, "*", null)).isTrue();
        assertThat(m(QueryKey.PATIENT_ID, "", "x")).isTrue();
        assertThat(m(QueryKey.PATIENT_ID, "\"\"", null)).isTrue();
        assertThat(m(QueryKey.PATIENT_ID, "\"\"", "x")).isFalse();
    }

    @Test
    void wildcards() {
        assertThat(m(QueryKey.PATIENT_NAME, "Doe^*", "Doe^John")).isTrue();
        assertThat(m(QueryKey.PATIENT_NAME, "Doe^*", "Doe^")).isTrue();
        assertThat(m(QueryKey.PATIENT_NAME, "D?e*", "Doe^John")).isTrue();
        assertThat(m(QueryKey.PATIENT_NAME, "D?e", "De")).isFalse();
        assertThat(m(QueryKey.PATIENT_NAME, "*John", "Doe^John")).isTrue();
        assertThat(m(QueryKey.PATIENT_NAME, "*Jo*n*", "Doe^Johann")).isTrue();
        assertThat(m(QueryKey.PATIENT_NAME, "doe*", "Doe^John")).isFalse();
        assertThat(m(QueryKey.PATIENT_NAME, "M?ller*", "Müller^Jörg")).isTrue();
        assertThat(m(QueryKey.PATIENT_NAME, "?^??", "山^太郎")).isTrue();
        assertThat(m(QueryKey.MODALITY, "C*", "CT")).isTrue();
        assertThat(Matching.wildcard("a*a*a*a*a*a*a*b", "a".repeat(5000))).isFalse();
    }

    @Test
    void caseInsensitiveNamesOnlyWhenAsked() {
        Match q = Match.parse(QueryKey.PATIENT_NAME, "smith*");
        assertThat(Matching.matches(QueryKey.PATIENT_NAME, q, "SMITH^JANE", true)).isTrue();
        assertThat(Matching.matches(QueryKey.PATIENT_NAME, q, "SMITH^JANE", false)).isFalse();
        assertThat(Matching.matches(QueryKey.PATIENT_NAME, new Match.Single("müller^jörg"), "MÜLLER^JÖRG", true))
                .isTrue();
        // Only PN folds: other text stays case-sensitive.
        assertThat(Matching.matches(QueryKey.STUDY_DESCRIPTION, Match.parse(QueryKey.STUDY_DESCRIPTION, "ct*"),
                "CT HEAD", true)).isFalse();
    }

    @Test
    void dateAndTimeRanges() {
        assertThat(m(QueryKey.STUDY_DATE, "20200101-20200131", "20200131")).isTrue();
        assertThat(m(QueryKey.STUDY_DATE, "20200101-20200131", "20200201")).isFalse();
        assertThat(m(QueryKey.STUDY_DATE, "-20200101", "19991231")).isTrue();
        assertThat(m(QueryKey.STUDY_DATE, "20200101-", "2020.03.04")).isTrue();
        assertThat(m(QueryKey.STUDY_DATE, "20200101-", null)).isFalse();
        assertThat(m(QueryKey.STUDY_DATE, "20200101", "20200101")).isTrue();
        assertThat(m(QueryKey.STUDY_TIME, "1000-1200", "120059.5")).isTrue();
        assertThat(m(QueryKey.STUDY_TIME, "1000-1200", "1201")).isFalse();
        assertThat(m(QueryKey.STUDY_TIME, "1000-1200", "09")).isFalse();
        assertThat(m(QueryKey.STUDY_TIME, "14", "143015.123")).isTrue();
        assertThat(m(QueryKey.STUDY_TIME, "1430", "14:30:15")).isTrue();
        assertThat(m(QueryKey.STUDY_TIME, "1000-", "garbage")).isFalse();
    }

    @Test
    void listsAndMultiValuedKeys() {
        assertThat(m(QueryKey.SOP_INSTANCE_UID, "1.2\\1.3", "1.3")).isTrue();
        assertThat(m(QueryKey.SOP_INSTANCE_UID, "1.2\\1.3", "1.4")).isFalse();
        Match ctOrMr = Match.parse(QueryKey.MODALITIES_IN_STUDY, "CT\\MR");
        assertThat(Matching.matchesAny(QueryKey.MODALITIES_IN_STUDY, ctOrMr, List.of("SR", "MR"), false)).isTrue();
        assertThat(Matching.matchesAny(QueryKey.MODALITIES_IN_STUDY, ctOrMr, List.of("SR"), false)).isFalse();
        assertThat(Matching.matchesAny(QueryKey.MODALITIES_IN_STUDY, Match.EMPTY, List.of(), false)).isTrue();
    }

    @Test
    void dateTimesNormalForms() {
        assertThat(DateTimes.lowerBound(ValueKind.TIME, "14")).isEqualTo("140000.000000");
        assertThat(DateTimes.upperBound(ValueKind.TIME, "14")).isEqualTo("145959.999999");
        assertThat(DateTimes.upperBound(ValueKind.TIME, "143000.5")).isEqualTo("143000.599999");
        assertThat(DateTimes.normalize(ValueKind.TIME, "143000")).isEqualTo("143000.000000");
        assertThat(DateTimes.normalize(ValueKind.TIME, "143")).isNull();
        assertThat(DateTimes.normalize(ValueKind.TIME, "1430.5")).isNull();
        assertThat(DateTimes.normalize(ValueKind.DATE, "1999.12.31")).isEqualTo("19991231");
        assertThat(DateTimes.normalize(ValueKind.DATE, "199912")).isNull();
    }
}

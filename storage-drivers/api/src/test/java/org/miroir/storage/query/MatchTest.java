package org.miroir.storage.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MatchTest {
    @Test
    void parsesEveryKindOfQueryValue() {
        assertThat(Match.parse(QueryKey.PATIENT_NAME, null)).isEqualTo(Match.UNIVERSAL);
        assertThat(Match.parse(QueryKey.PATIENT_NAME, "  ")).isEqualTo(Match.UNIVERSAL);
        assertThat(Match.parse(QueryKey.PATIENT_NAME, "*")).isEqualTo(Match.UNIVERSAL);
        assertThat(Match.parse(QueryKey.PATIENT_NAME, "\"\"")).isEqualTo(Match.EMPTY);
        assertThat(Match.parse(QueryKey.PATIENT_NAME, "Doe^J*")).isEqualTo(new Match.Wildcard("Doe^J*"));
        assertThat(Match.parse(QueryKey.PATIENT_NAME, "Doe^John ")).isEqualTo(new Match.Single("Doe^John"));
        assertThat(Match.parse(QueryKey.STUDY_INSTANCE_UID, "1.2\\1.3"))
                .isEqualTo(new Match.AnyOf(List.of("1.2", "1.3")));
        assertThat(Match.parse(QueryKey.MODALITIES_IN_STUDY, "CT\\MR"))
                .isEqualTo(new Match.AnyOf(List.of("CT", "MR")));
        assertThat(Match.parse(QueryKey.STUDY_DATE, "20200101-20201231"))
                .isEqualTo(new Match.Range("20200101", "20201231"));
        assertThat(Match.parse(QueryKey.STUDY_DATE, "-20201231")).isEqualTo(new Match.Range(null, "20201231"));
        assertThat(Match.parse(QueryKey.STUDY_TIME, "1200-")).isEqualTo(new Match.Range("1200", null));
        assertThat(Match.parse(QueryKey.STUDY_DATE, "-")).isEqualTo(Match.UNIVERSAL);
        assertThat(Match.parse(QueryKey.SERIES_NUMBER, "7")).isEqualTo(new Match.Single("7"));
    }

    @Test
    void rejectsWhatAKindDoesNotAllow() {
        assertThatThrownBy(() -> Match.parse(QueryKey.STUDY_INSTANCE_UID, "1.2.*"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Match.parse(QueryKey.STUDY_DATE, "2020*")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Match.parse(QueryKey.STUDY_DATE, "20201345")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Match.parse(QueryKey.STUDY_TIME, "2560")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Match.parse(QueryKey.STUDY_DATE, "2020-01-01"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Match.parse(QueryKey.STUDY_DATE, "yesterday"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Match.parse(QueryKey.SERIES_NUMBER, "seven"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Match.Range("1", "2").requireApplicableTo(QueryKey.PATIENT_ID))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Match.AnyOf(List.of("a", "b")).requireApplicableTo(QueryKey.PATIENT_NAME))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void queryChecksLevelsAndLimits() {
        Query q = Query.builder().where(QueryKey.MODALITY, "CT").where(QueryKey.PATIENT_ID, "*").build();
        assertThat(q.matches()).containsOnlyKeys(QueryKey.MODALITY);
        assertThatThrownBy(() -> q.requireLevel(QueryLevel.STUDY)).isInstanceOf(IllegalArgumentException.class);
        q.requireLevel(QueryLevel.SERIES);
        assertThatThrownBy(() -> Query.builder().limit(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Query.builder().limit(Query.MAX_LIMIT + 1).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(q.nextPage("t").pageToken()).isEqualTo("t");
    }
}

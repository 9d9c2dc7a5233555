package org.miroir.cluster.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.miroir.cluster.Member;

class JobOwnershipTest {
    private static List<Member> members(int n) {
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new Member(UUID.randomUUID().toString(), "127.0.0.1:" + (5701 + i)));
        return out;
    }

    @Test
    void everyMemberComputesTheSameOwnerWhateverTheOrder() {
        List<Member> m = members(5);
        List<Member> reversed = new ArrayList<>(m);
        java.util.Collections.reverse(reversed);
        for (String job : List.of("orphan-sweeper", "replication-0", "verification"))
            assertThat(JobOwnership.owner(job, m)).isEqualTo(JobOwnership.owner(job, reversed));
    }

    @Test
    void onlyTheDepartedMembersJobsMove() {
        List<Member> m = members(4);
        Map<String, Member> before = new HashMap<>();
        for (int j = 0; j < 200; j++) before.put("job-" + j, JobOwnership.owner("job-" + j, m));
        Member gone = m.get(1);
        List<Member> after = new ArrayList<>(m);
        after.remove(gone);
        int moved = 0;
        for (var e : before.entrySet()) {
            Member now = JobOwnership.owner(e.getKey(), after);
            if (e.getValue().equals(gone)) {
                assertThat(now).isNotEqualTo(gone);
                moved++;
            } else {
                assertThat(now).isEqualTo(e.getValue());
            }
        }
        // About a quarter of 200 jobs were the departed member's: spread, not all on one member.
        assertThat(moved).isBetween(20, 80);
    }

    @Test
    void jobsSpreadOverMembers() {
        List<Member> m = members(3);
        Map<Member, Integer> count = new HashMap<>();
        for (int j = 0; j < 300; j++) count.merge(JobOwnership.owner("job-" + j, m), 1, Integer::sum);
        assertThat(count).hasSize(3);
        assertThat(count.values()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    }
}

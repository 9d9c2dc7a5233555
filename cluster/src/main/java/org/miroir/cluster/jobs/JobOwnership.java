package org.miroir.cluster.jobs;

import org.miroir.cluster.Member;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Who owns a job: rendezvous (highest random weight) hashing of the job's name with each live member's id. Every member
 * computes the same owner from the same membership, without messages or locks; when a member leaves, only its jobs
 * move, each to the member that scores next.
 */
public final class JobOwnership {
    private JobOwnership() {}

    /** The owner of {@code job} among {@code members} (not empty). */
    public static Member owner(String job, List<Member> members) {
        if (members.isEmpty()) throw new IllegalArgumentException("no members");
        Member best = null;
        long bestScore = 0;
        for (Member m : members) {
            long score = score(job, m.id());
            // Ties (astronomically unlikely) go to the smaller id, the same on every member.
            if (best == null || Long.compareUnsigned(score, bestScore) > 0
                    || (score == bestScore && m.id().compareTo(best.id()) < 0)) {
                best = m;
                bestScore = score;
            }
        }
        return best;
    }

    private static long score(String job, String memberId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((job + '\u0000' + memberId).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (h[i] & 0xff);
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

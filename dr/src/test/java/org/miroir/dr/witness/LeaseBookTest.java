package org.miroir.dr.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaseBookTest {
    private static final long MS = 1_000_000;
    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(1_000 * MS);

    private LeaseBook book() throws Exception {
        return new LeaseBook(new WitnessFile(dir), 60_000, clock::get);
    }

    private void advance(long millis) {
        clock.addAndGet(millis * MS);
    }

    @Test
    void theFirstSiteGetsEpochOneAndRenewsUnderIt() throws Exception {
        LeaseBook b = book();
        assertThat(b.current()).isEqualTo(new Lease(0, null, 0));
        LeaseBook.Decision d = b.acquire("paris", 0, 10_000);
        assertThat(d.granted()).isTrue();
        assertThat(d.lease()).isEqualTo(new Lease(1, "paris", 10_000));
        advance(8_000);
        assertThat(b.acquire("paris", 1, 10_000).lease()).isEqualTo(new Lease(1, "paris", 10_000));
    }

    @Test
    void anotherSiteWaitsUntilTheLeaseExpiresThenGetsAHigherEpoch() throws Exception {
        LeaseBook b = book();
        b.acquire("paris", 0, 10_000);
        advance(9_999);
        LeaseBook.Decision refused = b.acquire("lyon", 1, 10_000);
        assertThat(refused.granted()).isFalse();
        assertThat(refused.lease().holder()).isEqualTo("paris");
        advance(1);
        LeaseBook.Decision taken = b.acquire("lyon", 1, 10_000);
        assertThat(taken.granted()).isTrue();
        assertThat(taken.lease()).isEqualTo(new Lease(2, "lyon", 10_000));
        // The former holder, back, cannot renew under its old epoch: it is told who holds the lease now.
        LeaseBook.Decision stale = b.acquire("paris", 1, 10_000);
        assertThat(stale.granted()).isFalse();
        assertThat(stale.lease().epoch()).isEqualTo(2);
    }

    @Test
    void theHolderRenewingUnderAnOldEpochIsRefusedWhileTheLeaseRuns() throws Exception {
        LeaseBook b = book();
        b.acquire("paris", 0, 10_000);
        assertThat(b.acquire("paris", 0, 10_000).granted()).isFalse();
    }

    @Test
    void epochAndHolderSurviveARestartAndTheLeaseRunsItsLongestDurationAfterIt() throws Exception {
        book().acquire("paris", 0, 5_000);
        advance(6_000); // expired before the restart, but the restarted witness cannot know it
        LeaseBook restarted = book();
        assertThat(restarted.current()).isEqualTo(new Lease(1, "paris", 60_000));
        assertThat(restarted.acquire("lyon", 1, 10_000).granted()).isFalse();
        advance(60_000);
        assertThat(restarted.acquire("lyon", 1, 10_000).lease()).isEqualTo(new Lease(2, "lyon", 10_000));
        assertThat(book().current().epoch()).isEqualTo(2);
    }

    @Test
    void releaseLeavesNobodyHoldingAndTheNextSiteAGreaterEpoch() throws Exception {
        LeaseBook b = book();
        b.acquire("paris", 0, 10_000);
        assertThat(b.release("lyon", 1).granted()).isFalse();
        assertThat(b.release("paris", 0).granted()).isFalse();
        assertThat(b.release("paris", 1).lease()).isEqualTo(new Lease(1, null, 0));
        assertThat(b.acquire("lyon", 1, 10_000).lease()).isEqualTo(new Lease(2, "lyon", 10_000));
    }

    @Test
    void aRenewalNeverTakesTheLeaseBackAfterAReleaseOrAnExpiry() throws Exception {
        LeaseBook b = book();
        b.acquire("paris", 0, 10_000);
        assertThat(b.renew("paris", 1, 10_000).granted()).isTrue();
        b.release("paris", 1);
        LeaseBook.Decision late = b.renew("paris", 1, 10_000);
        assertThat(late.granted()).isFalse();
        assertThat(late.lease()).isEqualTo(new Lease(1, null, 0));

        b.acquire("lyon", 1, 10_000);
        advance(10_000);
        assertThat(b.renew("lyon", 2, 10_000).granted()).as("expired").isFalse();
        assertThat(b.current()).isEqualTo(new Lease(2, "lyon", 0));
    }

    @Test
    void aSiteTakesTheLeaseOnlyUnderTheEpochItSaw() throws Exception {
        LeaseBook b = book();
        b.acquire("paris", 0, 10_000);
        advance(10_000);
        assertThat(b.acquire("lyon", 0, 10_000).granted()).as("decided on an older lease").isFalse();
        assertThat(b.acquire("lyon", 1, 10_000).lease()).isEqualTo(new Lease(2, "lyon", 10_000));
    }

    @Test
    void badRequestsChangeNothing() throws Exception {
        LeaseBook b = book();
        assertThatThrownBy(() -> b.acquire("", 0, 10_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.acquire("a b", 0, 10_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.acquire("paris", 0, 999)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.acquire("paris", 0, 60_001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.renew("a b", 0, 10_000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.current()).isEqualTo(new Lease(0, null, 0));
    }
}

package org.miroir.dr.witness;

import java.io.IOException;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The witness's decisions, one at a time (callers serialize): who holds the site lease, under which epoch, until when.
 *
 * <ul>
 *   <li>The holder renews under its epoch; the lease then runs {@code duration} from the moment the request arrived.</li>
 *   <li>A site gets the lease only when nobody holds it or the holder's lease has expired, and only if it asks under the
 *       current epoch (it decided on the lease as it stands); always with a new, higher epoch, written durably
 *       ({@link WitnessFile}: fsynced) before the answer.</li>
 *   <li>After a restart the witness cannot know how long the holder's last renewal runs: it treats the lease as renewed
 *       for the longest duration it grants, so it never hands the lease over early.</li>
 * </ul>
 * Time is the witness's monotonic clock; the requesting site measures its own copy of the lease from before it sent
 * the request, so on any clock running at a similar rate its copy ends first (see the module README).
 */
public final class LeaseBook {
    private static final Pattern SITE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final WitnessFile file;
    private final LongSupplier nanoClock;
    private final long maxDurationMillis;
    private long epoch;
    private String holder;
    private long expiresAtNanos;

    public LeaseBook(WitnessFile file, long maxDurationMillis, LongSupplier nanoClock) throws IOException {
        this.file = file;
        this.nanoClock = nanoClock;
        this.maxDurationMillis = maxDurationMillis;
        WitnessFile.State s = file.load();
        this.epoch = s.epoch();
        this.holder = s.holder();
        this.expiresAtNanos = holder == null ? nanoClock.getAsLong() : nanoClock.getAsLong() + maxDurationMillis * 1_000_000;
    }

    /** What a request may ask: refused with IllegalArgumentException (a 400) before anything changes. */
    public static String checkSite(String site) {
        if (site == null || !SITE.matcher(site).matches())
            throw new IllegalArgumentException("site must be 1-64 letters, digits, '_', '.' or '-'");
        return site;
    }

    private void checkDuration(long durationMillis) {
        if (durationMillis < 1000 || durationMillis > maxDurationMillis)
            throw new IllegalArgumentException("durationMillis must be 1000-" + maxDurationMillis);
    }

    public synchronized Lease current() {
        long remaining = Math.max(0, (expiresAtNanos - nanoClock.getAsLong()) / 1_000_000);
        return new Lease(epoch, holder, holder == null ? 0 : remaining);
    }

    /** The outcome of a request: the lease as it stands after it, and whether the requester holds it. */
    public record Decision(Lease lease, boolean granted) {}

    /**
     * Renews the lease for {@code site} if it holds it under {@code knownEpoch} and it has not expired; refuses
     * otherwise, changing nothing. A node that believes its site holds the lease renews, never acquires: after its
     * site released the lease (a planned switch) or lost it, a renewal that came late must not take it back.
     */
    public synchronized Decision renew(String site, long knownEpoch, long durationMillis) {
        checkSite(site);
        checkDuration(durationMillis);
        long now = nanoClock.getAsLong();
        if (holder == null || now >= expiresAtNanos || !holder.equals(site) || knownEpoch != epoch)
            return new Decision(current(), false);
        expiresAtNanos = now + durationMillis * 1_000_000;
        return new Decision(current(), true);
    }

    /**
     * Shares or takes the lease: a site that holds it under {@code knownEpoch} renews it (another node of the holding
     * site joining); otherwise, if nobody holds it or it expired, and the requester decided on the lease as it stands
     * ({@code knownEpoch} is the current epoch), it is granted under a new epoch; otherwise refused.
     */
    public synchronized Decision acquire(String site, long knownEpoch, long durationMillis) throws IOException {
        Decision renewed = renew(site, knownEpoch, durationMillis);
        if (renewed.granted()) return renewed;
        long now = nanoClock.getAsLong();
        if ((holder != null && now < expiresAtNanos) || knownEpoch != epoch) return renewed;
        file.save(new WitnessFile.State(epoch + 1, site));
        epoch++;
        holder = site;
        expiresAtNanos = now + durationMillis * 1_000_000;
        return new Decision(current(), true);
    }

    /** The holder gives the lease up (a planned switch of sites): nobody holds it after, under the same epoch. */
    public synchronized Decision release(String site, long knownEpoch) throws IOException {
        checkSite(site);
        if (!site.equals(holder) || knownEpoch != epoch) return new Decision(current(), false);
        file.save(new WitnessFile.State(epoch, null));
        holder = null;
        expiresAtNanos = nanoClock.getAsLong();
        return new Decision(current(), true);
    }
}

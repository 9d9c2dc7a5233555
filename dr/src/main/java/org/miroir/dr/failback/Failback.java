package org.miroir.dr.failback;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * {@code ops/miroir failback}: brings the former active site of a failover back, as the verified mirror and then as the
 * active site again, through the nodes' admin APIs.
 * <ol>
 *   <li>Its unreplicated tail (what it acknowledged and never shipped before it died) is listed and every instance of it
 *       stored on the current active site (STOW-RS), so nothing acknowledged is dropped; deletes of the tail are
 *       reported, not applied. The list goes into the report.</li>
 *   <li>The former active site becomes the mirror; the active site ships it everything it lacks, then a full
 *       verification with repair and one without must come out clean.</li>
 *   <li>The active site releases the lease (it stops writing, its last entries still ship), and once the mirror has
 *       everything the former active site claims the lease under a higher epoch.</li>
 * </ol>
 * Usage: {@code Failback --active URL --former URL [--timeout SECONDS] [--no-swap]}: URLs of a node's HTTP port on
 * each site. Exit 0 when every step succeeded; the JSON report on standard output.
 */
public final class Failback {
    private final AdminClient active;
    private final AdminClient former;
    private final Duration timeout;
    private final PrintStream log;

    public Failback(URI active, URI former, Duration timeout, PrintStream log) {
        this.active = new AdminClient(active);
        this.former = new AdminClient(former);
        this.timeout = timeout;
        this.log = log;
    }

    public static void main(String[] args) {
        URI active = null, former = null;
        long timeoutSeconds = 600;
        boolean swap = true;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--active" -> active = URI.create(args[++i]);
                    case "--former" -> former = URI.create(args[++i]);
                    case "--timeout" -> timeoutSeconds = Long.parseLong(args[++i]);
                    case "--no-swap" -> swap = false;
                    default -> throw new IllegalArgumentException("unknown flag " + args[i]);
                }
            }
            if (active == null || former == null) throw new IllegalArgumentException("--active and --former are required");
        } catch (RuntimeException e) {
            System.err.println("miroir failback: " + e.getMessage() + "\nusage: miroir failback --active URL --former URL "
                    + "[--timeout SECONDS] [--no-swap]");
            System.exit(2);
            return;
        }
        JsonObject report = new JsonObject();
        int code;
        try {
            report = new Failback(active, former, Duration.ofSeconds(timeoutSeconds), System.err).run(swap);
            code = report.getBoolean("ok") ? 0 : 1;
        } catch (IOException | RuntimeException e) {
            report.put("ok", false).put("error", e.getMessage());
            code = 1;
        }
        System.out.println(report.encodePrettily());
        System.exit(code);
    }

    /** Runs the failback; the report says what happened at each step. */
    public JsonObject run(boolean swap) throws IOException {
        JsonObject report = new JsonObject().put("startedAt", Instant.now().toString());
        JsonObject a = active.get("/admin/dr"), f = former.get("/admin/dr");
        if (!"ACTIVE".equals(a.getString("role")))
            return fail(report, "the site given as active is " + a.getString("role"));
        if ("ACTIVE".equals(f.getString("role")))
            return fail(report, "the former active site is active: nothing to fail back");
        log.printf("failback: %s is active (epoch %d), %s is %s%n", a.getString("site"), a.getLong("epoch"),
                f.getString("site"), f.getString("role"));

        report.put("tail", saveTail());
        former.post("/admin/dr/become-mirror", Duration.ofMinutes(10));
        log.println("failback: " + f.getString("site") + " is the mirror now; waiting for it to catch up");
        awaitCaughtUp("the mirror catching up");
        JsonObject repaired = active.post("/admin/dr/verify?repair=true", timeout);
        JsonObject audit = active.post("/admin/dr/verify?repair=false", timeout);
        report.put("verificationWithRepair", repaired).put("verification", audit);
        long wrong = audit.getLong("missing") + audit.getLong("corrupt") + audit.getLong("metadata");
        if (wrong > 0) return fail(report, wrong + " instances still missing or wrong on the mirror after repair");
        log.printf("failback: the mirror is verified (%d instances)%n", audit.getLong("checked"));
        if (!swap) return report.put("ok", true);

        active.post("/admin/dr/release", Duration.ofMinutes(1));
        awaitCaughtUp("the last writes reaching the mirror");
        former.post("/admin/dr/claim", Duration.ofMinutes(1));
        JsonObject now = await(former, s -> "ACTIVE".equals(s.getString("role")), "the former site to take the lease");
        await(active, s -> "PASSIVE".equals(s.getString("role")), "the other site to become the mirror");
        log.printf("failback: %s is active again under epoch %d%n", now.getString("site"), now.getLong("epoch"));
        return report.put("ok", true).put("activeSite", now.getString("site")).put("epoch", now.getLong("epoch"))
                .put("endedAt", Instant.now().toString());
    }

    /** Stores the former site's unreplicated instances on the active site; returns what it did, by SOP Instance UID. */
    private JsonObject saveTail() throws IOException {
        JsonObject tail = former.get("/admin/dr/tail?limit=100000");
        JsonArray stored = new JsonArray(), duplicates = new JsonArray(), gone = new JsonArray(), deletes = new JsonArray();
        for (Object o : tail.getJsonArray("entries")) {
            JsonObject e = (JsonObject) o;
            String op = e.getString("op"), sop = e.getString("sop");
            if (!"STORE".equals(op)) {
                deletes.add(e);
                continue;
            }
            byte[] bytes;
            try (InputStream in = former.instance(e.getString("study"), e.getString("series"), sop)) {
                if (in == null) {
                    gone.add(sop);
                    continue;
                }
                bytes = in.readAllBytes();
            }
            int status = active.stow(bytes);
            if (status == 200) stored.add(sop);
            else if (status == 202) duplicates.add(sop);
            else throw new IOException("storing " + sop + " of the tail on the active site answered " + status);
        }
        log.printf("failback: the former site's unreplicated tail: %d instances stored on the active site, %d already "
                + "there, %d since deleted, %d other changes reported%n", stored.size(), duplicates.size(), gone.size(),
                deletes.size());
        return new JsonObject().put("complete", tail.getBoolean("complete")).put("storedOnActive", stored)
                .put("alreadyOnActive", duplicates).put("deletedSince", gone).put("otherChangesNotApplied", deletes);
    }

    private void awaitCaughtUp(String what) throws IOException {
        int clean = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (clean < 3) {
            if (System.nanoTime() > deadline) throw new IOException("timed out waiting for " + what);
            clean = active.get("/admin/dr").getDouble("rpoSeconds") == 0 ? clean + 1 : 0;
            sleep();
        }
    }

    private JsonObject await(AdminClient node, Predicate<JsonObject> done, String what) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonObject s = node.get("/admin/dr");
            if (done.test(s)) return s;
            if (System.nanoTime() > deadline) throw new IOException("timed out waiting for " + what + ": " + s.encode());
            sleep();
        }
    }

    private static JsonObject fail(JsonObject report, String why) {
        return report.put("ok", false).put("error", why);
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

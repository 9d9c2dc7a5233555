package org.miroir.server.auth;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.miroir.server.audit.Audit;
import org.miroir.server.audit.AuditEvents;
import org.miroir.server.audit.AuditMessage;
import org.miroir.server.audit.Actor;
import org.miroir.server.audit.StudyLookup;
import org.miroir.storage.metadata.MetadataStore;

import java.lang.System.Logger.Level;
import java.util.EnumSet;
import java.util.Set;

/**
 * The HTTP listener's first handler: who the request comes from (its bearer token, or {@link User#OPEN} in open
 * mode) and whether that user may use the route ({@link #required}); a referring physician is further held to its
 * own studies: a study's resources are checked against the index, study searches filtered
 * ({@link #studyFilter}), searches across studies refused. No or a bad token: 401 with a {@code WWW-Authenticate}
 * challenge (RFC 6750) and a User Authentication failure audited; a role that may not: 403 and a Security Alert.
 * Health checks are always open, {@code /metrics} when configured.
 */
public final class HttpAccess implements io.vertx.core.Handler<RoutingContext> {
    private static final System.Logger LOG = System.getLogger(HttpAccess.class.getName());
    private static final String USER = User.class.getName();
    private static final Set<Role> READERS = EnumSet.of(Role.RADIOLOGIST, Role.REFERRING_PHYSICIAN);
    private static final Set<Role> ADMINS = EnumSet.of(Role.ADMINISTRATOR);

    private final AuthSettings settings;
    private final TokenVerifier verifier;
    private final MetadataStore metadata;
    private final Audit audit;

    public HttpAccess(AuthSettings settings, TokenVerifier verifier, MetadataStore metadata, Audit audit) {
        this.settings = settings;
        this.verifier = verifier;
        this.metadata = metadata;
        this.audit = audit;
    }

    /** The request's user (set by this handler). */
    public static User user(RoutingContext rc) {
        User u = rc.get(USER);
        return u == null ? User.OPEN : u;
    }

    /** The request's user as an audit participant. */
    public static Actor actor(RoutingContext rc) {
        User u = user(rc);
        return new Actor(u.subject(), u.name(), rc.request().remoteAddress() == null ? null
                : rc.request().remoteAddress().hostAddress());
    }

    /**
     * The roles any one of which lets a request through, or null for open routes: health always, metrics when
     * {@code openMetrics}; the admin API (configuration, DR) administrators; DICOMweb and WADO-URI reads radiologists
     * and referring physicians, STOW-RS technologists, deletions administrators. Anything else administrators only
     * (it is answered 404 then): no route is open by omission.
     */
    public static Set<Role> required(HttpMethod method, String path, boolean openMetrics) {
        if (path.equals("/health/live") || path.equals("/health/ready")) return null;
        if (path.equals("/metrics")) return openMetrics ? null : ADMINS;
        boolean web = path.equals("/dicom-web") || path.startsWith("/dicom-web/");
        boolean wadoUri = path.equals("/wado");
        if (web || wadoUri) {
            if (method == HttpMethod.GET || method == HttpMethod.HEAD) return READERS;
            if (web && method == HttpMethod.POST) return EnumSet.of(Role.TECHNOLOGIST);
        }
        return ADMINS;
    }

    @Override
    public void handle(RoutingContext rc) {
        String path = rc.normalizedPath();
        Set<Role> needed = required(rc.request().method(), path, settings.openMetrics());
        if (needed == null) {
            rc.next();
            return;
        }
        User user = User.OPEN;
        if (!settings.open()) {
            String header = rc.request().getHeader("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                unauthorized(rc, null, "no bearer token");
                return;
            }
            try {
                user = verifier.verify(header.substring(7).strip());
            } catch (TokenVerifier.InvalidToken e) {
                unauthorized(rc, "invalid_token", e.getMessage());
                return;
            }
        }
        rc.put(USER, user);
        if (needed.stream().noneMatch(user::has)) {
            forbidden(rc, "role " + user.roles() + " may not " + rc.request().method() + " " + path);
            return;
        }
        if (!user.restricted() || !needed.equals(READERS)) {
            rc.next();
            return;
        }
        String study = studyOf(rc, path);
        if (study == null) {
            if (path.equals("/dicom-web/studies")) rc.next(); // QIDO filters the results
            else forbidden(rc, "a referring physician reads through its studies only");
            return;
        }
        User reader = user;
        Future.fromCompletionStage(StudyLookup.find(metadata, study), rc.vertx().getOrCreateContext())
                .onSuccess(record -> {
                    if (record.isPresent() && reader.mayRead(study, record.get().referringPhysicianName())) rc.next();
                    else forbidden(rc, "study " + study + " is not among this referring physician's");
                })
                .onFailure(t -> rc.response().setStatusCode(503).end("the index cannot be read: " + t.getMessage()));
    }

    /** For study searches of a restricted user: whether a match (its UID and Referring Physician's Name) is shown. */
    public static boolean studyFilter(RoutingContext rc, String studyInstanceUid, String referringPhysician) {
        User u = user(rc);
        return !u.restricted() || u.mayRead(studyInstanceUid, referringPhysician);
    }

    /** The study a read addresses: /dicom-web/studies/{uid}/..., or WADO-URI's studyUID. */
    private static String studyOf(RoutingContext rc, String path) {
        if (path.equals("/wado")) return rc.queryParams().get("studyUID");
        String prefix = "/dicom-web/studies/";
        if (!path.startsWith(prefix)) return null;
        int end = path.indexOf('/', prefix.length());
        return path.substring(prefix.length(), end < 0 ? path.length() : end);
    }

    /**
     * A refused request's body is not read (a client without the right has no business sending megabytes): the
     * connection closes after the answer, so no unread body is taken for the next request on it.
     */
    private static void refuseBody(RoutingContext rc) {
        String length = rc.request().getHeader("Content-Length");
        boolean body = length != null ? !length.strip().equals("0") : rc.request().getHeader("Transfer-Encoding") != null;
        if (body && !rc.request().isEnded() && rc.request().version() != io.vertx.core.http.HttpVersion.HTTP_2)
            rc.response().putHeader("Connection", "close"); // HTTP/2 forbids the header; its streams end alone
    }

    private void unauthorized(RoutingContext rc, String error, String reason) {
        String challenge = "Bearer realm=\"miroir\"" + (error == null ? "" : ", error=\"" + error + "\"");
        audit.record(AuditEvents.login(new Actor("unknown", null, rc.request().remoteAddress() == null ? null
                : rc.request().remoteAddress().hostAddress()), audit.node(), reason));
        LOG.log(Level.INFO, "HTTP {0} {1} from {2}: 401 ({3})", rc.request().method(), rc.normalizedPath(),
                rc.request().remoteAddress(), reason);
        refuseBody(rc);
        rc.response().setStatusCode(401).putHeader("WWW-Authenticate", challenge)
                .putHeader("Content-Type", "application/json").end(new JsonObject().put("error", reason).encode());
    }

    private void forbidden(RoutingContext rc, String reason) {
        audit.record(AuditEvents.securityAlert(AuditEvents.RESTRICTED_FUNCTION, actor(rc), audit.node(),
                rc.request().method() + " " + rc.normalizedPath(), reason, AuditMessage.MINOR_FAILURE));
        LOG.log(Level.INFO, "HTTP {0} {1} by {2}: 403 ({3})", rc.request().method(), rc.normalizedPath(),
                user(rc).subject(), reason);
        refuseBody(rc);
        rc.response().setStatusCode(403).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", reason).encode());
    }
}

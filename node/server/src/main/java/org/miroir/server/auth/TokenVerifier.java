package org.miroir.server.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.impl.jose.JWK;
import io.vertx.ext.auth.impl.jose.JWT;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a bearer token (a signed JWT, RFC 7519) and makes its {@link User}: the signature against the issuer's
 * configured keys (JWKS file or PEM; RS256/384/512, PS256/384/512, ES256/384/512, EdDSA; an unsigned token is never
 * accepted), then issuer, audience, expiry and not-before, then the roles. The JOSE code is vertx-auth-common's (see
 * ADR 0008); the claim checks are ours, so none of them depends on that library's defaults.
 */
public final class TokenVerifier {
    /** Why a token was refused: said in the 401's WWW-Authenticate and in the audit trail. */
    public static final class InvalidToken extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidToken(String reason) {
            super(reason, null, false, false);
        }
    }

    private final AuthSettings settings;
    private final JWT jwt = new JWT();
    private final Clock clock;

    public TokenVerifier(AuthSettings settings, Clock clock) throws IOException {
        this.settings = settings;
        this.clock = clock;
        if (settings.jwksFile() != null) {
            JsonArray keys = new JsonObject(Files.readString(settings.jwksFile())).getJsonArray("keys");
            if (keys == null) throw new IllegalArgumentException("auth.jwksFile has no \"keys\" array");
            for (Object k : keys) {
                JsonObject key = (JsonObject) k;
                if (!"enc".equals(key.getString("use"))) jwt.addJWK(new JWK(key));
            }
        }
        for (JsonObject k : settings.publicKeys())
            jwt.addJWK(new JWK(new PubSecKeyOptions().setAlgorithm(k.getString("algorithm")).setBuffer(k.getString("pem"))));
        // With no key the library would take unsigned tokens: refuse to start rather than serve that.
        if (jwt.isUnsecure()) throw new IllegalArgumentException("auth: no usable signature key among the issuer's keys");
    }

    public User verify(String token) throws InvalidToken {
        JsonObject claims;
        try {
            JsonObject header = new JsonObject(new String(java.util.Base64.getUrlDecoder()
                    .decode(token.substring(0, Math.max(0, token.indexOf('.')))), java.nio.charset.StandardCharsets.UTF_8));
            if ("none".equalsIgnoreCase(header.getString("alg", "none"))) throw new InvalidToken("unsigned token");
            claims = jwt.decode(token);
        } catch (InvalidToken e) {
            throw e;
        } catch (Exception e) {
            throw new InvalidToken("bad signature or malformed token");
        }
        if (claims == null) throw new InvalidToken("bad signature or malformed token");
        if (!settings.issuer().equals(claims.getValue("iss"))) throw new InvalidToken("wrong issuer");
        Object aud = claims.getValue("aud");
        List<?> audiences = aud instanceof JsonArray a ? a.getList() : aud == null ? List.of() : List.of(aud);
        if (audiences.stream().noneMatch(settings.audiences()::contains)) throw new InvalidToken("wrong audience");
        long now = clock.instant().getEpochSecond();
        if (!(claims.getValue("exp") instanceof Number exp)) throw new InvalidToken("no expiry");
        if (now > exp.longValue() + settings.leewaySeconds()) throw new InvalidToken("expired");
        if (claims.getValue("nbf") instanceof Number nbf && now < nbf.longValue() - settings.leewaySeconds())
            throw new InvalidToken("not yet valid");
        Set<String> claimed = strings(path(claims, settings.rolesClaim()));
        Set<Role> roles = new HashSet<>();
        for (Map.Entry<Role, String> e : settings.roleNames().entrySet())
            if (claimed.contains(e.getValue())) roles.add(e.getKey());
        String subject = claims.getString("sub", "unknown");
        return new User(subject, claims.getValue(settings.nameClaim()) instanceof String n ? n : null, roles,
                claims.getValue(settings.referringPhysicianClaim()) instanceof String pn ? pn : null,
                strings(claims.getValue(settings.studiesClaim())));
    }

    /** A claim by dotted path through nested objects, or null. */
    private static Object path(JsonObject claims, String dotted) {
        Object v = claims;
        for (String part : dotted.split("\\.")) {
            if (!(v instanceof JsonObject o)) return null;
            v = o.getValue(part);
        }
        return v;
    }

    private static Set<String> strings(Object v) {
        Set<String> out = new LinkedHashSet<>();
        if (v instanceof String s) out.add(s);
        else if (v instanceof JsonArray a) for (Object o : a) if (o instanceof String s) out.add(s);
        return out;
    }
}

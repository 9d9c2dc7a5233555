package org.miroir.server.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code auth} section: how DICOMweb and the admin API authenticate requests. Mode {@code jwt}: OAuth2/OIDC
 * bearer tokens (JWT) signed by the issuer's keys (a JWKS file or PEM public keys), with issuer, audience and expiry
 * checked, roles read from {@code rolesClaim} and mapped through {@code roleNames}. Mode {@code open}: no
 * authentication, every request may do everything (development); without an {@code auth} section a node is open, and
 * only allowed to be on a loopback bind address.
 *
 * @param publicKeys          PEM public keys with their JWS algorithm ({@code {"algorithm": "RS256", "pem": ...}})
 * @param rolesClaim          where the roles are in the token: a claim name, dotted for nested objects
 *                            ({@code realm_access.roles}); its value a string or a list of strings
 * @param roleNames           each role's name in that claim (default: the role's own name, e.g. {@code radiologist})
 * @param referringPhysicianClaim the claim holding the person name a referring physician's studies carry
 * @param studiesClaim        the claim listing Study Instance UIDs a referring physician may also read
 * @param openMetrics         whether {@code /metrics} is served without a token (for Prometheus on a trusted network)
 */
public record AuthSettings(boolean open, boolean explicit, String issuer, List<String> audiences, Path jwksFile,
        List<JsonObject> publicKeys, String rolesClaim, Map<Role, String> roleNames, String nameClaim,
        String referringPhysicianClaim, String studiesClaim, int leewaySeconds, boolean openMetrics) {

    /** Open, because the configuration has no {@code auth} section. */
    public static final AuthSettings DEFAULT_OPEN = new AuthSettings(true, false, null, List.of(), null, List.of(),
            null, Map.of(), null, null, null, 0, true);

    public static AuthSettings fromJson(JsonObject j) {
        if (j == null) return DEFAULT_OPEN;
        String mode = j.getString("mode", "jwt");
        boolean openMetrics = j.getBoolean("openMetrics", true);
        if (mode.equals("open"))
            return new AuthSettings(true, true, null, List.of(), null, List.of(), null, Map.of(), null, null, null, 0,
                    openMetrics);
        if (!mode.equals("jwt")) throw new IllegalArgumentException("auth.mode is jwt or open, got " + mode);
        String issuer = required(j, "issuer");
        Object aud = j.getValue("audience");
        List<String> audiences = aud instanceof String s ? List.of(s)
                : aud instanceof JsonArray a ? a.getList().stream().map(Object::toString).toList() : List.of();
        if (audiences.isEmpty()) throw new IllegalArgumentException("auth.audience is required (a string or a list)");
        String jwks = j.getString("jwksFile");
        Path jwksFile = jwks == null ? null : Path.of(jwks);
        if (jwksFile != null && !Files.isReadable(jwksFile))
            throw new IllegalArgumentException("auth.jwksFile is not readable: " + jwksFile);
        JsonArray pems = j.getJsonArray("publicKeys", new JsonArray());
        List<JsonObject> keys = pems.stream().map(o -> {
            if (!(o instanceof JsonObject k) || k.getString("algorithm") == null || k.getString("pem") == null)
                throw new IllegalArgumentException("auth.publicKeys holds {\"algorithm\": \"RS256\", \"pem\": \"...\"}");
            return k;
        }).toList();
        if (jwksFile == null && keys.isEmpty())
            throw new IllegalArgumentException("auth needs the issuer's keys: jwksFile or publicKeys");
        Map<Role, String> names = new EnumMap<>(Role.class);
        JsonObject configured = j.getJsonObject("roleNames", new JsonObject());
        for (String key : configured.fieldNames()) {
            Role r = java.util.Arrays.stream(Role.values()).filter(x -> x.key().equals(key)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("auth.roleNames: no role " + key));
            names.put(r, configured.getString(key));
        }
        for (Role r : Role.values()) names.putIfAbsent(r, r.key());
        return new AuthSettings(false, true, issuer, audiences, jwksFile, keys, j.getString("rolesClaim", "roles"),
                Map.copyOf(names), j.getString("nameClaim", "name"),
                j.getString("referringPhysicianClaim", "referring_physician_name"),
                j.getString("studiesClaim", "studies"), j.getInteger("leewaySeconds", 30), openMetrics);
    }

    private static String required(JsonObject j, String key) {
        String v = j.getString(key);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("auth." + key + " is required");
        return v;
    }
}

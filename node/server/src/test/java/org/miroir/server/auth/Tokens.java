package org.miroir.server.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.impl.jose.JWK;
import io.vertx.ext.auth.impl.jose.JWT;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * A test identity provider: an RSA key whose public half is published as a JWKS file, and tokens it signs (RS256)
 * with the claims a node configured by {@link #authSection} expects.
 */
public final class Tokens {
    public static final String ISSUER = "https://idp.test/realms/hospital";
    public static final String AUDIENCE = "miroir";
    private final JWT signer = new JWT();
    public final Path jwks;

    private Tokens(KeyPair key, String kid, Path jwks) {
        this.jwks = jwks;
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----";
        signer.addJWK(new JWK(new PubSecKeyOptions().setAlgorithm("RS256").setId(kid).setBuffer(pem)));
    }

    /** A provider with a fresh key, its JWKS written under {@code dir}. */
    public static Tokens create(Path dir, String name) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair key = g.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) key.getPublic();
        JsonObject jwk = new JsonObject().put("kty", "RSA").put("kid", name).put("use", "sig").put("alg", "RS256")
                .put("n", b64(pub.getModulus())).put("e", b64(pub.getPublicExponent()));
        Path file = dir.resolve(name + "-jwks.json");
        Files.writeString(file, new JsonObject().put("keys", new JsonArray().add(jwk)).encode());
        return new Tokens(key, name, file);
    }

    private static String b64(BigInteger v) {
        byte[] b = v.toByteArray();
        if (b[0] == 0) b = java.util.Arrays.copyOfRange(b, 1, b.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The node's {@code auth} section trusting this provider (roles in realm_access.roles). */
    public JsonObject authSection() {
        return new JsonObject().put("mode", "jwt").put("issuer", ISSUER).put("audience", AUDIENCE)
                .put("jwksFile", jwks.toString()).put("rolesClaim", "realm_access.roles");
    }

    /** Claims valid for ten minutes, with these roles. */
    public static JsonObject claims(String subject, String... roles) {
        long now = Instant.now().getEpochSecond();
        return new JsonObject().put("iss", ISSUER).put("aud", AUDIENCE).put("sub", subject).put("name", subject)
                .put("iat", now).put("exp", now + 600)
                .put("realm_access", new JsonObject().put("roles", new JsonArray(List.of((Object[]) roles))));
    }

    public String sign(JsonObject claims) {
        return signer.sign(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
    }

    public String token(String subject, String... roles) {
        return sign(claims(subject, roles));
    }
}

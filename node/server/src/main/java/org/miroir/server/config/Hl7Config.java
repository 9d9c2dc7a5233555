package org.miroir.server.config;

import io.vertx.core.json.JsonObject;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Duration;

/**
 * The HL7 v2 listener's settings (the {@code hl7} object of the configuration; its port is {@code hl7Port}). Every
 * bound is there so that no peer can make the listener hold unbounded memory or connections.
 *
 * @param maxMessageBytes largest message accepted, MLLP framing excluded; a larger one is answered AR without being
 *                        kept (only its first bytes, for the MSH), and bytes outside frames beyond it close the
 *                        connection
 * @param frameTimeout    from a message's start block to its end block; then the connection is closed
 * @param idleTimeout     a connection without traffic for this long is closed
 * @param maxConnections  connections at once; more are closed at accept
 * @param charset         how messages without MSH-18 are decoded
 * @param tls             MLLP over TLS (the {@code tls} section's form: key store, trust store, client
 *                        authentication; the BCP 195 profile), or {@code null} for plain TCP
 */
public record Hl7Config(int maxMessageBytes, Duration frameTimeout, Duration idleTimeout, int maxConnections,
        Charset charset, TlsSettings tls) {

    public Hl7Config {
        if (maxMessageBytes < 1024 || maxMessageBytes > 64 * 1024 * 1024)
            throw new IllegalArgumentException("hl7.maxMessageBytes must be in 1 KiB..64 MiB: " + maxMessageBytes);
        if (frameTimeout.isNegative() || frameTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero())
            throw new IllegalArgumentException("hl7 timeouts must be positive");
        if (maxConnections < 1) throw new IllegalArgumentException("hl7.maxConnections must be positive");
    }

    static Hl7Config fromJson(JsonObject j) {
        JsonObject tls = j.getJsonObject("tls");
        String charset = j.getString("charset", "ISO-8859-1");
        Charset cs;
        try {
            cs = Charset.forName(charset);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new IllegalArgumentException("hl7.charset: unknown character set " + charset);
        }
        return new Hl7Config(
                j.getInteger("maxMessageBytes", 1024 * 1024),
                Duration.ofMillis(j.getLong("frameTimeoutMillis", 30_000L)),
                Duration.ofMillis(j.getLong("idleTimeoutMillis", 600_000L)),
                j.getInteger("maxConnections", 64),
                cs,
                tls == null ? null : TlsSettings.fromJson(tls, "hl7.tls"));
    }
}

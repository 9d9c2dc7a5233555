package org.miroir.dicom.net.service;

import io.vertx.core.net.ClientSSLOptions;

/** Where a C-MOVE destination AE title points; {@code tls} null for plain TCP. */
public record MoveDestination(String aeTitle, String host, int port, ClientSSLOptions tls) {
    public MoveDestination(String aeTitle, String host, int port) { this(aeTitle, host, port, null); }
}

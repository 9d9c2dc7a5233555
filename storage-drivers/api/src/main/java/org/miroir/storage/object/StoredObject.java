package org.miroir.storage.object;

/** A committed object: its size and the SHA-256 computed while it was written (lowercase hex). */
public record StoredObject(String key, long size, String sha256) {}

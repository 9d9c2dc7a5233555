package org.miroir.storage;

/** What a driver can store: the embedded driver does both, Cassandra only metadata, RADOS only objects. */
public enum StorageRole {
    METADATA,
    OBJECTS
}

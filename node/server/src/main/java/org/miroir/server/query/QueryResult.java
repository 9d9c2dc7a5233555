package org.miroir.server.query;

/**
 * How a query ended.
 *
 * @param matches   responses delivered
 * @param truncated more records matched than {@link QueryOptions#limit()} allowed (QIDO's Warning header;
 *                  C-FIND's 0xA700 after the last response)
 * @param cancelled stopped because the caller asked for it
 */
public record QueryResult(int matches, boolean truncated, boolean cancelled) {}

package org.miroir.dicom.net.pdu;

/**
 * SCP/SCU role selection sub-item (PS3.7 D.3.3.4). In a request: the roles the requestor offers to play;
 * in an accept: the roles the acceptor lets the requestor play.
 */
public record RoleSelection(String sopClassUid, boolean scu, boolean scp) {}

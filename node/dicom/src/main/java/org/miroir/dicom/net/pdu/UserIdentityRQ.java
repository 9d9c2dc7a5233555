package org.miroir.dicom.net.pdu;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** User identity negotiation request sub-item (PS3.7 D.3.3.7.1). */
public record UserIdentityRQ(int identityType, boolean positiveResponseRequested, byte[] primaryField, byte[] secondaryField) {
    public static final int USERNAME = 1;
    public static final int USERNAME_PASSCODE = 2;
    public static final int KERBEROS = 3;
    public static final int SAML = 4;
    public static final int JWT = 5;

    public UserIdentityRQ {
        primaryField = primaryField.clone();
        secondaryField = secondaryField == null ? new byte[0] : secondaryField.clone();
    }

    public static UserIdentityRQ username(String user, boolean positiveResponseRequested) {
        return new UserIdentityRQ(USERNAME, positiveResponseRequested, user.getBytes(StandardCharsets.UTF_8), null);
    }

    public static UserIdentityRQ usernamePasscode(String user, char[] passcode, boolean positiveResponseRequested) {
        return new UserIdentityRQ(USERNAME_PASSCODE, positiveResponseRequested,
                user.getBytes(StandardCharsets.UTF_8), new String(passcode).getBytes(StandardCharsets.UTF_8));
    }

    public static UserIdentityRQ jwt(String token, boolean positiveResponseRequested) {
        return new UserIdentityRQ(JWT, positiveResponseRequested, token.getBytes(StandardCharsets.UTF_8), null);
    }

    @Override
    public byte[] primaryField() { return primaryField.clone(); }

    @Override
    public byte[] secondaryField() { return secondaryField.clone(); }

    /** The primary field as UTF-8 text (user name, token). */
    public String primaryFieldAsString() { return new String(primaryField, StandardCharsets.UTF_8); }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserIdentityRQ u && u.identityType == identityType
                && u.positiveResponseRequested == positiveResponseRequested
                && Arrays.equals(u.primaryField, primaryField) && Arrays.equals(u.secondaryField, secondaryField);
    }

    @Override
    public int hashCode() { return identityType * 31 + Arrays.hashCode(primaryField); }

    /** Never prints the secondary field (a passcode). */
    @Override
    public String toString() {
        return "UserIdentityRQ[type=" + identityType + ", positiveResponseRequested=" + positiveResponseRequested
                + ", primary=" + primaryField.length + " bytes]";
    }
}

package org.miroir.dicom.net;

import java.util.List;

/**
 * What an {@link ApplicationEntity} accepts for one SOP class in one role: as {@link Role#SCP} it serves requests
 * (the usual case); as {@link Role#SCU} it lets a requestor that offers the SCP role (role selection) receive
 * requests from us, e.g. the C-STORE sub-operations of C-GET.
 *
 * <p>{@code "*"} as SOP class matches any SOP class not listed explicitly; {@code "*"} among the transfer syntaxes
 * accepts whatever the proposer offered first (compressed syntaxes pass through untouched). Otherwise the SCP takes
 * the first syntax of <em>this</em> list that the proposer offered, so list the preferred one first.
 */
public record TransferCapability(String sopClassUid, Role role, List<String> transferSyntaxes) {
    public static final String ANY = "*";

    public enum Role { SCU, SCP }

    public TransferCapability {
        if (transferSyntaxes.isEmpty()) throw new IllegalArgumentException("no transfer syntax for " + sopClassUid);
        transferSyntaxes = List.copyOf(transferSyntaxes);
    }

    public static TransferCapability scp(String sopClassUid, String... transferSyntaxes) {
        return new TransferCapability(sopClassUid, Role.SCP, List.of(transferSyntaxes));
    }

    public static TransferCapability scu(String sopClassUid, String... transferSyntaxes) {
        return new TransferCapability(sopClassUid, Role.SCU, List.of(transferSyntaxes));
    }

    /** The first of our syntaxes the proposer offered, or null. */
    public String select(List<String> offered) {
        for (String ts : transferSyntaxes) {
            if (ts.equals(ANY)) return offered.isEmpty() ? null : offered.get(0);
            if (offered.contains(ts)) return ts;
        }
        return null;
    }
}

package org.miroir.dicom.net.pdu;

import java.util.List;

/** A proposed presentation context (PS3.8 9.3.2.2): an odd id, one abstract syntax, one or more transfer syntaxes. */
public record PresentationContextRQ(int id, String abstractSyntax, List<String> transferSyntaxes) {
    public PresentationContextRQ {
        transferSyntaxes = List.copyOf(transferSyntaxes);
    }
}

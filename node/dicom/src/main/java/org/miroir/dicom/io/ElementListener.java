package org.miroir.dicom.io;

import org.miroir.dicom.data.VR;

/**
 * Sees every element header as the reader parses it, including item and delimitation tags, with the length as
 * encoded ({@code 0xFFFFFFFF} for undefined): for dumps and for checking lengths the parsed
 * {@link org.miroir.dicom.data.Attributes} no longer carry (sequences and items).
 */
@FunctionalInterface
public interface ElementListener {
    /**
     * @param depth    0 for the top level data set (group 0002 included), +1 inside each item
     * @param tag      the tag
     * @param vr       the VR in force (null for item and delimitation tags)
     * @param length   the encoded length, unsigned
     * @param position the offset of the element's header
     */
    void header(int depth, int tag, VR vr, long length, long position);
}

package org.miroir.dicom.net.dimse;

import java.util.Objects;

/**
 * A DIMSE status (PS3.7 Annex C): the code and an optional Error Comment. Constants cover the codes of PS3.4 and
 * PS3.7 that the toolkit's services use; any 16-bit code is accepted.
 */
public final class Status {
    /** PS3.7 C.1: every status code falls in one category. */
    public enum Category { SUCCESS, PENDING, CANCEL, WARNING, FAILURE }

    public static final Status SUCCESS = new Status(0x0000);
    /** Pending: matches/sub-operations are continuing. */
    public static final Status PENDING = new Status(0xFF00);
    /** Pending: matches are continuing, but one or more optional keys were not supported. */
    public static final Status PENDING_WARNING = new Status(0xFF01);
    public static final Status CANCEL = new Status(0xFE00);

    /** C-STORE: coercion of data elements; C-MOVE/C-GET: sub-operations complete, one or more failures or warnings. */
    public static final Status COERCION_OF_DATA_ELEMENTS = new Status(0xB000);
    public static final Status SUB_OPERATIONS_COMPLETE_WITH_FAILURES = COERCION_OF_DATA_ELEMENTS;
    public static final Status ELEMENTS_DISCARDED = new Status(0xB006);
    public static final Status DATA_SET_DOES_NOT_MATCH_SOP_CLASS_WARNING = new Status(0xB007);
    public static final Status ATTRIBUTE_LIST_ERROR = new Status(0x0107);
    public static final Status ATTRIBUTE_VALUE_OUT_OF_RANGE = new Status(0x0116);

    public static final Status OUT_OF_RESOURCES = new Status(0xA700);
    public static final Status OUT_OF_RESOURCES_NUMBER_OF_MATCHES = new Status(0xA701);
    public static final Status OUT_OF_RESOURCES_SUB_OPERATIONS = new Status(0xA702);
    public static final Status MOVE_DESTINATION_UNKNOWN = new Status(0xA801);
    public static final Status DATA_SET_DOES_NOT_MATCH_SOP_CLASS = new Status(0xA900);
    public static final Status IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS = DATA_SET_DOES_NOT_MATCH_SOP_CLASS;
    public static final Status CANNOT_UNDERSTAND = new Status(0xC000);
    public static final Status UNABLE_TO_PROCESS = CANNOT_UNDERSTAND;

    public static final Status NO_SUCH_ATTRIBUTE = new Status(0x0105);
    public static final Status INVALID_ATTRIBUTE_VALUE = new Status(0x0106);
    public static final Status PROCESSING_FAILURE = new Status(0x0110);
    public static final Status DUPLICATE_SOP_INSTANCE = new Status(0x0111);
    public static final Status NO_SUCH_SOP_INSTANCE = new Status(0x0112);
    public static final Status NO_SUCH_EVENT_TYPE = new Status(0x0113);
    public static final Status NO_SUCH_ARGUMENT = new Status(0x0114);
    public static final Status INVALID_ARGUMENT_VALUE = new Status(0x0115);
    public static final Status INVALID_OBJECT_INSTANCE = new Status(0x0117);
    public static final Status NO_SUCH_SOP_CLASS = new Status(0x0118);
    public static final Status CLASS_INSTANCE_CONFLICT = new Status(0x0119);
    public static final Status MISSING_ATTRIBUTE = new Status(0x0120);
    public static final Status MISSING_ATTRIBUTE_VALUE = new Status(0x0121);
    public static final Status SOP_CLASS_NOT_SUPPORTED = new Status(0x0122);
    public static final Status NO_SUCH_ACTION_TYPE = new Status(0x0123);
    public static final Status NOT_AUTHORIZED = new Status(0x0124);
    public static final Status DUPLICATE_INVOCATION = new Status(0x0210);
    public static final Status UNRECOGNIZED_OPERATION = new Status(0x0211);
    public static final Status MISTYPED_ARGUMENT = new Status(0x0212);
    public static final Status RESOURCE_LIMITATION = new Status(0x0213);

    private final int code;
    private final String errorComment;

    private Status(int code) { this(code, null); }

    private Status(int code, String errorComment) {
        if (code < 0 || code > 0xFFFF) throw new IllegalArgumentException("status code " + code);
        this.code = code;
        this.errorComment = errorComment;
    }

    public static Status of(int code) { return new Status(code); }

    public int code() { return code; }

    /** Error Comment (0000,0902), at most 64 characters (LO); null when none. */
    public String errorComment() { return errorComment; }

    /** The same code with an Error Comment, cut to the 64 characters an LO holds. */
    public Status withComment(String comment) {
        if (comment != null && comment.length() > 64) comment = comment.substring(0, 64);
        return new Status(code, comment);
    }

    public Category category() { return categoryOf(code); }

    public boolean isPending() { return category() == Category.PENDING; }

    public boolean isSuccess() { return code == 0; }

    /** PS3.7 C.1-C.5: 0000 success; FF00/FF01 pending; FE00 cancel; 0001, 0107, 0116, Bxxx warning; the rest failure. */
    public static Category categoryOf(int code) {
        if (code == 0x0000) return Category.SUCCESS;
        if (code == 0xFF00 || code == 0xFF01) return Category.PENDING;
        if (code == 0xFE00) return Category.CANCEL;
        if (code == 0x0001 || code == 0x0107 || code == 0x0116 || (code & 0xF000) == 0xB000) return Category.WARNING;
        return Category.FAILURE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Status s && s.code == code && Objects.equals(s.errorComment, errorComment);
    }

    @Override
    public int hashCode() { return code; }

    @Override
    public String toString() {
        return String.format("%04XH %s", code, category()) + (errorComment == null ? "" : " (" + errorComment + ")");
    }
}

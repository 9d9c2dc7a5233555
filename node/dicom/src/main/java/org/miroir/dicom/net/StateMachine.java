package org.miroir.dicom.net;

/**
 * The DICOM upper layer state machine of PS3.8 9.2: states Sta1-Sta13, events Evt1-Evt19, actions, and the
 * state transition table (PS3.8 Table 9-10). {@link Association} executes the actions.
 */
public final class StateMachine {
    private StateMachine() {}

    public enum State {
        STA1("Idle"),
        STA2("Transport connection open (awaiting A-ASSOCIATE-RQ PDU)"),
        STA3("Awaiting local A-ASSOCIATE response primitive"),
        STA4("Awaiting transport connection opening to complete"),
        STA5("Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU"),
        STA6("Association established and ready for data transfer"),
        STA7("Awaiting A-RELEASE-RP PDU"),
        STA8("Awaiting local A-RELEASE response primitive"),
        STA9("Release collision requestor side; awaiting A-RELEASE response primitive"),
        STA10("Release collision acceptor side; awaiting A-RELEASE-RP PDU"),
        STA11("Release collision requestor side; awaiting A-RELEASE-RP PDU"),
        STA12("Release collision acceptor side; awaiting A-RELEASE response primitive"),
        STA13("Awaiting Transport Connection Close Indication");

        private final String description;

        State(String description) { this.description = description; }

        public String description() { return description; }

        /** Sta6 and the release states in which P-DATA may still be received (PS3.8 AR-6) or sent (AR-7). */
        public boolean isEstablished() { return this == STA6 || this == STA7 || this == STA8; }
    }

    public enum Event {
        EVT1("A-ASSOCIATE request (local user)"),
        EVT2("Transport connection confirm (local transport service)"),
        EVT3("A-ASSOCIATE-AC PDU (received on transport connection)"),
        EVT4("A-ASSOCIATE-RJ PDU (received on transport connection)"),
        EVT5("Transport connection indication (local transport service)"),
        EVT6("A-ASSOCIATE-RQ PDU (received on transport connection)"),
        EVT7("A-ASSOCIATE response primitive (accept)"),
        EVT8("A-ASSOCIATE response primitive (reject)"),
        EVT9("P-DATA request primitive"),
        EVT10("P-DATA-TF PDU"),
        EVT11("A-RELEASE request primitive"),
        EVT12("A-RELEASE-RQ PDU (received on open transport connection)"),
        EVT13("A-RELEASE-RP PDU (received on transport connection)"),
        EVT14("A-RELEASE response primitive"),
        EVT15("A-ABORT request primitive"),
        EVT16("A-ABORT PDU (received on open transport connection)"),
        EVT17("Transport connection closed indication (local transport service)"),
        EVT18("ARTIM timer expired (Association reject/release timer)"),
        EVT19("Unrecognized or invalid PDU received");

        private final String description;

        Event(String description) { this.description = description; }

        public String description() { return description; }
    }

    /** The actions of PS3.8 Tables 9-6 to 9-9; {@link #NONE} marks a table cell left empty (not applicable). */
    public enum Action {
        AE_1, AE_2, AE_3, AE_4, AE_5, AE_6, AE_7, AE_8,
        DT_1, DT_2,
        AR_1, AR_2, AR_3, AR_4, AR_5, AR_6, AR_7, AR_8, AR_9, AR_10,
        AA_1, AA_2, AA_3, AA_4, AA_5, AA_6, AA_7, AA_8,
        NONE
    }

    /** PS3.8 Table 9-10. */
    public static Action action(State s, Event e) {
        int sta = s.ordinal() + 1;
        return switch (e) {
            case EVT1 -> sta == 1 ? Action.AE_1 : Action.NONE;
            case EVT2 -> sta == 4 ? Action.AE_2 : Action.NONE;
            case EVT3 -> sta == 5 ? Action.AE_3 : receivedPdu(sta);
            case EVT4 -> sta == 5 ? Action.AE_4 : receivedPdu(sta);
            case EVT5 -> sta == 1 ? Action.AE_5 : Action.NONE;
            case EVT6 -> sta == 2 ? Action.AE_6 : sta == 13 ? Action.AA_7 : receivedPdu(sta);
            case EVT7 -> sta == 3 ? Action.AE_7 : Action.NONE;
            case EVT8 -> sta == 3 ? Action.AE_8 : Action.NONE;
            case EVT9 -> sta == 6 ? Action.DT_1 : sta == 8 ? Action.AR_7 : Action.NONE;
            case EVT10 -> sta == 6 ? Action.DT_2 : sta == 7 ? Action.AR_6 : receivedPdu(sta);
            case EVT11 -> sta == 6 ? Action.AR_1 : Action.NONE;
            case EVT12 -> sta == 6 ? Action.AR_2 : sta == 7 ? Action.AR_8 : receivedPdu(sta);
            case EVT13 -> sta == 7 || sta == 11 ? Action.AR_3 : sta == 10 ? Action.AR_10 : receivedPdu(sta);
            case EVT14 -> sta == 8 || sta == 12 ? Action.AR_4 : sta == 9 ? Action.AR_9 : Action.NONE;
            case EVT15 -> sta == 4 ? Action.AA_2 : sta == 3 || (sta >= 5 && sta <= 12) ? Action.AA_1 : Action.NONE;
            case EVT16 -> sta == 2 || sta == 13 ? Action.AA_2 : sta == 3 || (sta >= 5 && sta <= 12) ? Action.AA_3 : Action.NONE;
            case EVT17 -> sta == 2 ? Action.AA_5 : sta == 13 ? Action.AR_5
                    : sta == 3 || sta == 4 || (sta >= 5 && sta <= 12) ? Action.AA_4 : Action.NONE;
            case EVT18 -> sta == 2 || sta == 13 ? Action.AA_2 : Action.NONE;
            case EVT19 -> sta == 2 ? Action.AA_1 : sta == 13 ? Action.AA_7
                    : sta == 3 || (sta >= 5 && sta <= 12) ? Action.AA_8 : Action.NONE;
        };
    }

    /** A PDU that the state does not expect: Sta2 AA-1, Sta13 AA-6 (ignore), else AA-8. */
    private static Action receivedPdu(int sta) {
        if (sta == 2) return Action.AA_1;
        if (sta == 13) return Action.AA_6;
        if (sta == 3 || (sta >= 5 && sta <= 12)) return Action.AA_8;
        return Action.NONE;
    }
}

package org.miroir.dicom.net;

import org.junit.jupiter.api.Test;
import org.miroir.dicom.net.StateMachine.Action;
import org.miroir.dicom.net.StateMachine.Event;
import org.miroir.dicom.net.StateMachine.State;

import static org.assertj.core.api.Assertions.assertThat;
import static org.miroir.dicom.net.StateMachine.action;

/** Cells of PS3.8 Table 9-10. */
class StateMachineTest {

    @Test
    void associationEstablishment() {
        assertThat(action(State.STA1, Event.EVT1)).isEqualTo(Action.AE_1);
        assertThat(action(State.STA4, Event.EVT2)).isEqualTo(Action.AE_2);
        assertThat(action(State.STA5, Event.EVT3)).isEqualTo(Action.AE_3);
        assertThat(action(State.STA5, Event.EVT4)).isEqualTo(Action.AE_4);
        assertThat(action(State.STA1, Event.EVT5)).isEqualTo(Action.AE_5);
        assertThat(action(State.STA2, Event.EVT6)).isEqualTo(Action.AE_6);
        assertThat(action(State.STA3, Event.EVT7)).isEqualTo(Action.AE_7);
        assertThat(action(State.STA3, Event.EVT8)).isEqualTo(Action.AE_8);
    }

    @Test
    void dataTransferAndRelease() {
        assertThat(action(State.STA6, Event.EVT9)).isEqualTo(Action.DT_1);
        assertThat(action(State.STA6, Event.EVT10)).isEqualTo(Action.DT_2);
        assertThat(action(State.STA8, Event.EVT9)).isEqualTo(Action.AR_7);
        assertThat(action(State.STA7, Event.EVT10)).isEqualTo(Action.AR_6);
        assertThat(action(State.STA6, Event.EVT11)).isEqualTo(Action.AR_1);
        assertThat(action(State.STA6, Event.EVT12)).isEqualTo(Action.AR_2);
        assertThat(action(State.STA7, Event.EVT13)).isEqualTo(Action.AR_3);
        assertThat(action(State.STA8, Event.EVT14)).isEqualTo(Action.AR_4);
        assertThat(action(State.STA13, Event.EVT17)).isEqualTo(Action.AR_5);
        // release collision
        assertThat(action(State.STA7, Event.EVT12)).isEqualTo(Action.AR_8);
        assertThat(action(State.STA9, Event.EVT14)).isEqualTo(Action.AR_9);
        assertThat(action(State.STA10, Event.EVT13)).isEqualTo(Action.AR_10);
        assertThat(action(State.STA11, Event.EVT13)).isEqualTo(Action.AR_3);
        assertThat(action(State.STA12, Event.EVT14)).isEqualTo(Action.AR_4);
    }

    @Test
    void abortsAndProtocolErrors() {
        assertThat(action(State.STA2, Event.EVT10)).as("P-DATA before association").isEqualTo(Action.AA_1);
        assertThat(action(State.STA2, Event.EVT19)).isEqualTo(Action.AA_1);
        assertThat(action(State.STA2, Event.EVT18)).as("ARTIM").isEqualTo(Action.AA_2);
        assertThat(action(State.STA2, Event.EVT17)).isEqualTo(Action.AA_5);
        assertThat(action(State.STA4, Event.EVT15)).isEqualTo(Action.AA_2);
        assertThat(action(State.STA6, Event.EVT16)).isEqualTo(Action.AA_3);
        assertThat(action(State.STA6, Event.EVT17)).isEqualTo(Action.AA_4);
        assertThat(action(State.STA6, Event.EVT6)).isEqualTo(Action.AA_8);
        assertThat(action(State.STA13, Event.EVT6)).isEqualTo(Action.AA_7);
        assertThat(action(State.STA13, Event.EVT10)).isEqualTo(Action.AA_6);
        assertThat(action(State.STA13, Event.EVT18)).isEqualTo(Action.AA_2);
        assertThat(action(State.STA13, Event.EVT19)).isEqualTo(Action.AA_7);
    }

    /** Every PDU a connected peer can send gets an action in every state with a transport connection. */
    @Test
    void noPduLeftUnhandledOnAnOpenConnection() {
        Event[] received = {Event.EVT3, Event.EVT4, Event.EVT6, Event.EVT10, Event.EVT12, Event.EVT13, Event.EVT16, Event.EVT17, Event.EVT19};
        for (State s : State.values()) {
            if (s == State.STA1 || s == State.STA4) continue;
            for (Event e : received) assertThat(action(s, e)).as(s + " " + e).isNotEqualTo(Action.NONE);
        }
    }
}

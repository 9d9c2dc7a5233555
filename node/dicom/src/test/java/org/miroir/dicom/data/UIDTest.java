package org.miroir.dicom.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.miroir.dicom.testing.PydicomCorpus;

class UIDTest {
    private static final String UID_SYNTAX = "(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*";

    @Test
    void wellKnownValues() {
        assertThat(UID.CTImageStorage).isEqualTo("1.2.840.10008.5.1.4.1.1.2");
        assertThat(UID.VerificationSOPClass).isEqualTo("1.2.840.10008.1.1");
        assertThat(UID.LittleEndianImplicitTransferSyntax).isEqualTo("1.2.840.10008.1.2");
        assertThat(UID.LittleEndianExplicitTransferSyntax).isEqualTo("1.2.840.10008.1.2.1");
        assertThat(UID.BigEndianExplicitTransferSyntax).isEqualTo("1.2.840.10008.1.2.2");
        assertThat(UID.DeflatedExplicitVRLittleEndianTransferSyntax).isEqualTo("1.2.840.10008.1.2.1.99");
        assertThat(UID.StandardApplicationContext).isEqualTo("1.2.840.10008.3.1.1.1");
        assertThat(UID.FINDStudyRootQueryRetrieveInformationModel).isEqualTo("1.2.840.10008.5.1.4.1.2.2.1");
        // A retired UID whose name a current one took keeps it with the suffix Retired.
        assertThat(UID.UltrasoundImageStorage).isEqualTo("1.2.840.10008.5.1.4.1.1.6.1");
        assertThat(UID.UltrasoundImageStorageRetired).isEqualTo("1.2.840.10008.5.1.4.1.1.6");
    }

    @Test
    void namesAndLookups() {
        assertThat(UID.nameOf("1.2.840.10008.5.1.4.1.1.2")).isEqualTo("CTImageStorage");
        assertThat(UID.nameOf("1.2.3.4")).isEqualTo("?");
        assertThat(UID.nameOf(null)).isEqualTo("?");
        assertThat(UID.forName("LittleEndianImplicitTransferSyntax")).isEqualTo("1.2.840.10008.1.2");
        assertThat(UID.forName("NoSuchName")).isNull();
        assertThat(UID.forName(null)).isNull();
    }

    @Test
    void storageSopClasses() {
        assertThat(UID.isStorageSopClass(UID.CTImageStorage)).isTrue();
        assertThat(UID.isStorageSopClass(UID.MRImageStorage)).isTrue();
        assertThat(UID.isStorageSopClass(UID.DigitalXRayImageStorageForPresentation)).isTrue();
        assertThat(UID.isStorageSopClass(UID.DICOS_CTImageStorage)).isTrue();
        assertThat(UID.isStorageSopClass(UID.ColorPaletteStorage)).isTrue();
        assertThat(UID.isStorageSopClass(UID.UltrasoundImageStorageRetired)).isTrue();
        assertThat(UID.isStorageSopClass(UID.VerificationSOPClass)).isFalse();
        assertThat(UID.isStorageSopClass(UID.LittleEndianExplicitTransferSyntax)).isFalse();
        assertThat(UID.isStorageSopClass(UID.MediaStorageDirectoryStorage)).isFalse();
        assertThat(UID.isStorageSopClass(UID.StorageCommitmentPushModelSOPClass)).isFalse();
        assertThat(UID.isStorageSopClass(UID.FINDStudyRootQueryRetrieveInformationModel)).isFalse();
        assertThat(UID.isStorageSopClass("1.2.3")).isFalse();
        assertThat(UID.isStorageSopClass(null)).isFalse();
    }

    @Test
    void everyConstantIsAValidUidFoundUnderItsName() throws IllegalAccessException {
        Map<String, String> all = constants();
        assertThat(all).hasSizeGreaterThan(400);
        all.forEach((name, uid) -> {
            assertThat(uid).as(name).matches(UID_SYNTAX).hasSizeLessThanOrEqualTo(64);
            assertThat(UID.forName(name)).as(name).isEqualTo(uid);
            assertThat(UID.nameOf(uid)).as(uid).isEqualTo(name);
        });
        assertThat(new HashSet<>(all.values())).hasSameSizeAs(all.values());
    }

    @Test
    void createdUidsAreUuidDerivedAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String uid = UID.createUID();
            assertThat(uid).startsWith("2.25.").matches(UID_SYNTAX).hasSizeLessThanOrEqualTo(64);
            assertThat(new BigInteger(uid.substring(5))).isLessThan(BigInteger.ONE.shiftLeft(128));
            assertThat(seen.add(uid)).isTrue();
        }
    }

    /**
     * pydicom's UID dictionary (from PS3.6 Table A-1, independently of dcmtk) is the oracle: it knows every
     * standard UID of ours, and isStorageSopClass holds exactly for its SOP classes named "... Storage ..."
     * (other than Storage Commitment and the DICOMDIR's Media Storage Directory Storage).
     */
    @Test
    void agreesWithPydicomsUidDictionary() throws IllegalAccessException {
        PydicomCorpus.assumeInstalled();
        JsonObject dict = new JsonObject(PydicomCorpus.python(String.join("\n",
                "import json",
                "from pydicom._uid_dict import UID_dictionary",
                "print(json.dumps({u: [v[0], v[1]] for u, v in UID_dictionary.items()}))")));
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<String, String> c : constants().entrySet()) {
            String uid = c.getValue();
            if (!dict.containsKey(uid)) {
                // dcmtk's private UIDs are not the standard's.
                if (!uid.startsWith("1.2.840.10008.")) continue;
                mismatches.add(c.getKey() + " " + uid + " unknown to pydicom");
                continue;
            }
            compared++;
            String name = dict.getJsonArray(uid).getString(0), type = dict.getJsonArray(uid).getString(1);
            boolean storage = type.equals("SOP Class") && name.contains("Storage") && !name.contains("Commitment")
                    && !name.contains("Media Storage Directory");
            if (storage != UID.isStorageSopClass(uid)) mismatches.add(c.getKey() + " " + uid + " (" + name + ", " + type + ")");
        }
        assertThat(compared).isGreaterThan(400);
        assertThat(mismatches).isEmpty();
    }

    private static Map<String, String> constants() throws IllegalAccessException {
        Map<String, String> out = new TreeMap<>();
        for (Field f : UID.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) out.put(f.getName(), (String) f.get(null));
        }
        return out;
    }
}

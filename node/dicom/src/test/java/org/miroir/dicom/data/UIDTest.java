package org.miroir.dicom.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void wellKnownValuesUnderTheStandardsKeywords() {
        assertThat(UID.CTImageStorage).isEqualTo("1.2.840.10008.5.1.4.1.1.2");
        assertThat(UID.Verification).isEqualTo("1.2.840.10008.1.1");
        assertThat(UID.ImplicitVRLittleEndian).isEqualTo("1.2.840.10008.1.2");
        assertThat(UID.ExplicitVRLittleEndian).isEqualTo("1.2.840.10008.1.2.1");
        assertThat(UID.ExplicitVRBigEndian).isEqualTo("1.2.840.10008.1.2.2");
        assertThat(UID.DeflatedExplicitVRLittleEndian).isEqualTo("1.2.840.10008.1.2.1.99");
        assertThat(UID.DICOMApplicationContext).isEqualTo("1.2.840.10008.3.1.1.1");
        assertThat(UID.StudyRootQueryRetrieveInformationModelFind).isEqualTo("1.2.840.10008.5.1.4.1.2.2.1");
        assertThat(UID.StudyRootQueryRetrieveInformationModelMove).isEqualTo("1.2.840.10008.5.1.4.1.2.2.2");
        assertThat(UID.StudyRootQueryRetrieveInformationModelGet).isEqualTo("1.2.840.10008.5.1.4.1.2.2.3");
        assertThat(UID.PatientRootQueryRetrieveInformationModelFind).isEqualTo("1.2.840.10008.5.1.4.1.2.1.1");
        assertThat(UID.ModalityWorklistInformationModelFind).isEqualTo("1.2.840.10008.5.1.4.31");
        assertThat(UID.ModalityPerformedProcedureStep).isEqualTo("1.2.840.10008.3.1.2.3.3");
        assertThat(UID.StorageCommitmentPushModel).isEqualTo("1.2.840.10008.1.20.1");
        // The standard's keyword of a retired UID whose name a current one took ends in Retired.
        assertThat(UID.UltrasoundImageStorage).isEqualTo("1.2.840.10008.5.1.4.1.1.6.1");
        assertThat(UID.UltrasoundImageStorageRetired).isEqualTo("1.2.840.10008.5.1.4.1.1.6");
    }

    @Test
    void namesAndLookups() {
        assertThat(UID.nameOf("1.2.840.10008.5.1.4.1.1.2")).isEqualTo("CTImageStorage");
        assertThat(UID.nameOf("1.2.3.4")).isEqualTo("?");
        assertThat(UID.nameOf(null)).isEqualTo("?");
        assertThat(UID.forName("ImplicitVRLittleEndian")).isEqualTo("1.2.840.10008.1.2");
        assertThat(UID.forName("NoSuchName")).isNull();
        assertThat(UID.forName(null)).isNull();
    }

    @Test
    void storageSopClasses() {
        assertThat(UID.isStorageSopClass(UID.CTImageStorage)).isTrue();
        assertThat(UID.isStorageSopClass(UID.MRImageStorage)).isTrue();
        assertThat(UID.isStorageSopClass(UID.DigitalXRayImageStorageForPresentation)).isTrue();
        assertThat(UID.isStorageSopClass(UID.DICOSCTImageStorage)).isTrue();
        assertThat(UID.isStorageSopClass(UID.ColorPaletteStorage)).isTrue();
        assertThat(UID.isStorageSopClass(UID.UltrasoundImageStorageRetired)).isTrue();
        assertThat(UID.isStorageSopClass(UID.TextSRStorageTrial)).isTrue();
        assertThat(UID.isStorageSopClass(UID.Verification)).isFalse();
        assertThat(UID.isStorageSopClass(UID.ExplicitVRLittleEndian)).isFalse();
        assertThat(UID.isStorageSopClass(UID.MediaStorageDirectoryStorage)).isFalse();
        assertThat(UID.isStorageSopClass(UID.StorageCommitmentPushModel)).isFalse();
        assertThat(UID.isStorageSopClass(UID.StudyRootQueryRetrieveInformationModelFind)).isFalse();
        assertThat(UID.isStorageSopClass("1.2.3")).isFalse();
        assertThat(UID.isStorageSopClass(null)).isFalse();
    }

    @Test
    void storageSopClassListIsSortedUnmodifiableAndAgreesWithThePredicate() throws IllegalAccessException {
        List<String> list = UID.storageSopClasses();
        assertThat(list).isSorted().doesNotHaveDuplicates().contains(UID.CTImageStorage, UID.UltrasoundImageStorageRetired)
                .allMatch(UID::isStorageSopClass);
        assertThat(constants().values().stream().filter(UID::isStorageSopClass)).hasSameSizeAs(list);
        assertThatThrownBy(() -> list.add("1.2.3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void transferSyntaxes() {
        assertThat(UID.isTransferSyntax(UID.ImplicitVRLittleEndian)).isTrue();
        assertThat(UID.isTransferSyntax(UID.ExplicitVRBigEndian)).isTrue();
        assertThat(UID.isTransferSyntax(UID.JPEGBaseline8Bit)).isTrue();
        assertThat(UID.isTransferSyntax(UID.JPIPReferencedDeflate)).isTrue();
        assertThat(UID.isTransferSyntax(UID.CTImageStorage)).isFalse();
        assertThat(UID.isTransferSyntax(UID.DICOMApplicationContext)).isFalse();
        assertThat(UID.isTransferSyntax("1.2.840.113619.5.2")).as("GE private syntax").isFalse();
        assertThat(UID.isTransferSyntax(null)).isFalse();
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
     * UID.java is generated from pydicom's copy of PS3.6 Table A-1; this reads the installed table back, so a stale
     * UID.java (table updated, generator not re-run) or a generator that drops or renames entries fails here. The
     * storage rule is checked against the table's names (the generator decides on keywords): SOP classes named
     * "... Storage ..." other than Storage Commitment and the DICOMDIR's Media Storage Directory Storage.
     */
    @Test
    void agreesWithTheInstalledUidTable() throws IllegalAccessException {
        PydicomCorpus.assumeInstalled();
        JsonObject dict = new JsonObject(PydicomCorpus.python(String.join("\n",
                "import json",
                "from pydicom._uid_dict import UID_dictionary",
                "print(json.dumps({u: [v[0], v[1], v[4]] for u, v in UID_dictionary.items()}))")));
        Map<String, String> constants = constants();
        List<String> mismatches = new ArrayList<>();
        int keywordless = 0;
        for (String uid : dict.fieldNames()) {
            String name = dict.getJsonArray(uid).getString(0), type = dict.getJsonArray(uid).getString(1);
            String keyword = dict.getJsonArray(uid).getString(2);
            if (keyword.isEmpty()) {
                keywordless++; // two retired SOP classes the standard lists with neither name nor keyword
                assertThat(UID.nameOf(uid)).isEqualTo("?");
                continue;
            }
            if (!uid.equals(constants.get(keyword))) mismatches.add(keyword + " " + uid + " missing or different");
            boolean storage = type.equals("SOP Class") && name.contains("Storage") && !name.contains("Commitment")
                    && !name.contains("Media Storage Directory");
            if (storage != UID.isStorageSopClass(uid)) mismatches.add(keyword + " " + uid + " (" + name + ", " + type + ") storage");
            if (type.equals("Transfer Syntax") != UID.isTransferSyntax(uid)) mismatches.add(keyword + " transfer syntax");
        }
        assertThat(mismatches).isEmpty();
        assertThat(keywordless).isEqualTo(2);
        assertThat(constants).hasSize(dict.size() - keywordless);
    }

    private static Map<String, String> constants() throws IllegalAccessException {
        Map<String, String> out = new TreeMap<>();
        for (Field f : UID.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) out.put(f.getName(), (String) f.get(null));
        }
        return out;
    }
}

package org.miroir.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.BulkData;
import org.miroir.dicom.data.Fragments;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.TagUtils;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.testing.DatasetAssert;
import org.miroir.dicom.testing.PydicomCorpus;

/** Write, read back, compare: every uncompressed transfer syntax, sequences, fragments, byte order, deflate, bulk data. */
class DicomStreamRoundTripTest {
    private static final String IMPLICIT = TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid();
    private static final String EXPLICIT = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();
    private static final String BIG = TransferSyntax.EXPLICIT_VR_BIG_ENDIAN.uid();
    private static final String DEFLATED = TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.uid();
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    /** A data set whose every element has its dictionary VR, so implicit VR reads it back unchanged. */
    static Attributes sample() {
        Attributes ds = new Attributes();
        ds.setString(0x00080005, VR.CS, "ISO_IR 192");
        ds.setString(0x00080008, VR.CS, "ORIGINAL", "PRIMARY", "AXIAL");
        ds.setString(0x00080016, VR.UI, CT);
        ds.setString(0x00080018, VR.UI, "1.2.3.4.5.6");
        ds.setString(0x00100010, VR.PN, "Müller^Jürgen=ミュラー^ユルゲン");
        ds.setString(0x00100020, VR.LO, "PID-1");
        ds.setInt(0x00280010, VR.US, 4);
        ds.setInt(0x00280011, VR.US, 2);
        ds.setInt(0x00280100, VR.US, 16);
        ds.setInt(0x00281050, VR.DS, 40);
        ds.setBytes(0x00189087, VR.FD, le(8).putDouble(1000.5).array());          // Diffusion b-value
        ds.setBytes(0x00200032, VR.DS, "-125\\-125\\0 ".getBytes());
        ds.setInt(0x00209165, VR.AT, 0x00200032, 0x7FE00010);                    // Dimension Index Pointer
        ds.setBytes(0x00180050, VR.DS, "1.5 ".getBytes());
        Sequence seq = ds.newSequence(0x00081115, 2);                            // Referenced Series Sequence
        Attributes item = seq.addNewItem();
        item.setString(0x0020000E, VR.UI, "1.2.3.9");
        Sequence inner = item.newSequence(0x00081199, 2);                        // Referenced SOP Sequence
        inner.addNewItem().setString(0x00081155, VR.UI, "1.2.3.9.1");
        inner.addNewItem();                                                       // an empty item
        seq.addNewItem().setBytes(0x00081160, VR.IS, "7 ".getBytes());          // Referenced Frame Number
        ds.newSequence(0x00082112, 0);                                            // an empty sequence
        ds.setBytes(0x00091010, VR.UN, new byte[] {1, 2, 3, 4});                 // private, VR unknown
        ds.setString(0x00090010, VR.LO, "MIROIR TEST");                          // its private creator
        ByteBuffer px = le(16);
        for (int k = 0; k < 8; k++) px.putShort((short) (k * 1000 - 3000));
        ds.setBytes(0x7FE00010, VR.OW, px.array());
        return ds;
    }

    private static ByteBuffer le(int size) { return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN); }

    private static byte[] write(Attributes fmi, Attributes ds, String ts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DicomOutputStream dos = new DicomOutputStream(out, ts)) {
            dos.writeDataset(fmi, ds);
        }
        return out.toByteArray();
    }

    private static DicomInputStream reader(byte[] b) throws IOException {
        return new DicomInputStream(new ByteArrayInputStream(b));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"})
    void part10FileRoundTripsInEveryUncompressedSyntax(String ts) throws IOException {
        Attributes ds = sample();
        Attributes fmi = FileMetaInformation.create("1.2.3.4.5.6", CT, ts);
        byte[] file = write(fmi, ds, EXPLICIT); // the meta information's syntax wins
        assertThat(new String(file, 128, 4)).isEqualTo("DICM");
        DicomInputStream dis = reader(file);
        assertThat(dis.getTransferSyntax()).isEqualTo(ts);
        Attributes readFmi = dis.readFileMetaInformation();
        assertThat(readFmi.getString(0x00020010)).isEqualTo(ts);
        assertThat(readFmi.getString(0x00020012)).isEqualTo(org.miroir.dicom.data.Implementation.CLASS_UID);
        assertThat(readFmi.getBytes(0x00020001)).containsExactly(0, 1);
        Attributes back = dis.readDataset();
        assertThat(back).as(back.toString()).isEqualTo(ds);
        assertThat(back.getString(0x00100010)).isEqualTo("Müller^Jürgen=ミュラー^ユルゲン");
        assertThat(back.getInts(0x7FE00010)).containsExactly(-3000 & 0xFFFF, -2000 & 0xFFFF, -1000 & 0xFFFF, 0, 1000, 2000, 3000, 4000);
        // and once more: the bytes we write from what we read are the bytes we read
        assertThat(write(readFmi, back, EXPLICIT)).isEqualTo(file);
    }

    /**
     * The VRs of later editions, each on a dictionary tag of its VR (so implicit VR reads them back the same): OV,
     * SV and UV (64-bit words, signed extremes and unsigned values above Long.MAX_VALUE), UR and UC (unlimited
     * text with a 32-bit length; UC longer than 64 KiB, multi-valued, in UTF-8), also inside a sequence item.
     */
    static Attributes laterVrs() {
        Attributes ds = new Attributes();
        ds.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        ds.setString(Tag.SOPClassUID, VR.UI, CT);
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4.5.6");
        ds.setString(Tag.RetrieveURL, VR.UR, "https://pacs.example.org/dicom-web/studies/1.2.3?x=a%20b");
        ds.setString(Tag.StrainDescription, VR.UC, "C57BL/6 ".repeat(9000) + "Müller");
        ds.setString(Tag.SelectorUCValue, VR.UC, "Müller", "ミュラー", "");
        ds.setString(Tag.SelectorURValue, VR.UR, "urn:oid:1.2.3 ");
        ds.setBytes(Tag.SelectorOVValue, VR.OV, le(16).putLong(0x0102030405060708L).putLong(-1L).array());
        ds.setBytes(Tag.SelectorSVValue, VR.SV, le(24).putLong(Long.MIN_VALUE).putLong(-1L).putLong(Long.MAX_VALUE).array());
        ds.setBytes(Tag.SelectorUVValue, VR.UV, le(16).putLong(-1L).putLong(Long.MIN_VALUE).array());
        Attributes item = ds.newSequence(Tag.ReferencedSeriesSequence, 1).addNewItem();
        item.setBytes(Tag.SelectorSVValue, VR.SV, le(8).putLong(-2L).array());
        item.setBytes(Tag.ExtendedOffsetTable, VR.OV, le(8).putLong(1L << 40).array());
        return ds;
    }

    private static final String[] SV_VALUES = {"-9223372036854775808", "-1", "9223372036854775807"};
    private static final String[] UV_VALUES = {"18446744073709551615", "9223372036854775808"};

    @ParameterizedTest
    @ValueSource(strings = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"})
    void laterVrsRoundTripInEverySyntax(String ts) throws IOException {
        Attributes ds = laterVrs();
        byte[] file = write(FileMetaInformation.create("1.2.3.4.5.6", CT, ts), ds, EXPLICIT);
        DicomInputStream dis = reader(file);
        Attributes back = dis.readDataset();
        assertThat(back).as(back.toString()).isEqualTo(ds);
        for (int tag : new int[] {Tag.RetrieveURL, Tag.StrainDescription, Tag.SelectorUCValue, Tag.SelectorURValue,
                Tag.SelectorOVValue, Tag.SelectorSVValue, Tag.SelectorUVValue})
            assertThat(back.getVR(tag)).as(TagUtils.toString(tag)).isEqualTo(ds.getVR(tag));
        assertThat(back.getStrings(Tag.SelectorSVValue)).containsExactly(SV_VALUES);
        assertThat(back.getStrings(Tag.SelectorUVValue)).containsExactly(UV_VALUES);
        assertThat(back.getStrings(Tag.SelectorOVValue)).containsExactly("72623859790382856", "18446744073709551615");
        assertThat(back.getStrings(Tag.SelectorUCValue)).containsExactly("Müller", "ミュラー", "");
        assertThat(back.getString(Tag.StrainDescription)).hasSize(9 * 8000 + 6).endsWith(" Müller");
        assertThat(back.getString(Tag.SelectorURValue)).isEqualTo("urn:oid:1.2.3");
        assertThat(back.getSequence(Tag.ReferencedSeriesSequence).get(0).getStrings(Tag.SelectorSVValue)).containsExactly("-2");
        assertThat(write(dis.readFileMetaInformation(), back, EXPLICIT)).isEqualTo(file);
    }

    /** On the wire: explicit VR gives all five the 4-byte length form; big endian swaps each 64-bit word whole. */
    @Test
    void laterVrsAreEncodedPerPs35() throws IOException {
        Attributes ds = laterVrs();
        byte[] explicit = write(null, ds, EXPLICIT);
        int sv = indexOf(explicit, new byte[] {0x72, 0x00, (byte) 0x82, 0x00, 'S', 'V', 0, 0, 24, 0, 0, 0});
        assertThat(ByteBuffer.wrap(explicit, sv + 12, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(Long.MIN_VALUE);
        int ucLength = ("C57BL/6 ".repeat(9000).length() + "Müller".getBytes(StandardCharsets.UTF_8).length + 1) & ~1;
        indexOf(explicit, ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x0010)
                .putShort((short) 0x0212).put((byte) 'U').put((byte) 'C').putShort((short) 0).putInt(ucLength).array());
        for (String vr : new String[] {"OV", "UV", "UR"}) indexOf(explicit, new byte[] {vr.getBytes()[0], vr.getBytes()[1], 0, 0});

        byte[] big = write(null, ds, BIG);
        int bsv = indexOf(big, new byte[] {0x00, 0x72, 0x00, (byte) 0x82, 'S', 'V', 0, 0, 0, 0, 0, 24});
        assertThat(ByteBuffer.wrap(big).order(ByteOrder.BIG_ENDIAN).getLong(bsv + 20)).isEqualTo(-1L);
        assertThat(Arrays.copyOfRange(big, bsv + 12, bsv + 20)).containsExactly(0x80, 0, 0, 0, 0, 0, 0, 0);
        int bov = indexOf(big, new byte[] {0x00, 0x72, 0x00, (byte) 0x81, 'O', 'V', 0, 0, 0, 0, 0, 16});
        assertThat(Arrays.copyOfRange(big, bov + 12, bov + 20)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);

        byte[] implicit = write(null, ds, IMPLICIT);
        int isv = indexOf(implicit, new byte[] {0x72, 0x00, (byte) 0x82, 0x00, 24, 0, 0, 0});
        assertThat(ByteBuffer.wrap(implicit, isv + 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(Long.MIN_VALUE);
    }

    /** pydicom, an independent reader, sees the same values in the files Miroir wrote, in every syntax. */
    @Test
    void pydicomReadsTheLaterVrsMiroirWrote(@TempDir Path dir) throws IOException {
        PydicomCorpus.assumeInstalled();
        List<String> files = new ArrayList<>();
        for (String ts : new String[] {IMPLICIT, EXPLICIT, BIG, DEFLATED}) {
            Path f = dir.resolve(ts + ".dcm");
            Files.write(f, write(FileMetaInformation.create("1.2.3.4.5.6", CT, ts), laterVrs(), EXPLICIT));
            files.add(f.toString());
        }
        String script = String.join("\n",
                "import sys, json, pydicom",
                "for path in sys.argv[1:]:",
                "    ds = pydicom.dcmread(path)",
                "    v = lambda e: [str(x) for x in e.value] if isinstance(e.value, (list, pydicom.multival.MultiValue)) else [str(e.value)]",
                "    item = ds.ReferencedSeriesSequence[0]",
                "    print(json.dumps({'sv': v(ds['SelectorSVValue']), 'uv': v(ds['SelectorUVValue']),",
                "        'ov': ds.SelectorOVValue.hex(), 'uc': v(ds['SelectorUCValue']), 'strain': ds.StrainDescription,",
                "        'url': ds.RetrieveURL, 'ur': ds.SelectorURValue, 'item_sv': v(item['SelectorSVValue']),",
                "        'item_ov': item.ExtendedOffsetTable.hex(),",
                "        'vrs': [ds[k].VR for k in ('SelectorOVValue', 'SelectorSVValue', 'SelectorUVValue', 'SelectorURValue', 'SelectorUCValue')]}))");
        String[] lines = PydicomCorpus.python(script, files.toArray(String[]::new)).strip().split("\n");
        assertThat(lines).hasSize(files.size());
        Attributes ds = laterVrs();
        for (int k = 0; k < lines.length; k++) {
            JsonObject py = new JsonObject(lines[k]);
            String at = files.get(k);
            boolean bigEndian = at.endsWith(BIG + ".dcm"); // pydicom keeps OV values as the bytes it read
            assertThat(py.getJsonArray("sv").getList()).as(at).containsExactly((Object[]) SV_VALUES);
            assertThat(py.getJsonArray("uv").getList()).as(at).containsExactly((Object[]) UV_VALUES);
            assertThat(py.getString("ov")).as(at)
                    .isEqualTo(bigEndian ? "0102030405060708ffffffffffffffff" : "0807060504030201ffffffffffffffff");
            assertThat(py.getJsonArray("uc").getList()).as(at).containsExactly("Müller", "ミュラー", "");
            assertThat(py.getString("strain")).as(at).isEqualTo(ds.getString(Tag.StrainDescription));
            assertThat(py.getString("url")).as(at).isEqualTo(ds.getString(Tag.RetrieveURL));
            assertThat(py.getString("ur")).as(at).isEqualTo("urn:oid:1.2.3");
            assertThat(py.getJsonArray("item_sv").getList()).as(at).containsExactly("-2");
            assertThat(py.getString("item_ov")).as(at).isEqualTo(bigEndian ? "0000010000000000" : "0000000000010000");
            assertThat(py.getJsonArray("vrs").getList()).as(at).containsExactly("OV", "SV", "UV", "UR", "UC");
        }
    }

    @Test
    void metaGroupLengthCountsTheGroup() throws IOException {
        byte[] file = write(FileMetaInformation.create("1.2.3", CT, EXPLICIT), new Attributes(), EXPLICIT);
        ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bb.getInt(132)).isEqualTo(0x00000002);           // (0002,0000)
        assertThat(bb.getShort(136)).isEqualTo((short) 0x4C55);       // "UL"
        assertThat(bb.getInt(140)).isEqualTo(file.length - 144);      // everything after it is group 0002
    }

    @Test
    void bigEndianSwapsNumbersOnTheWireOnly() throws IOException {
        Attributes ds = new Attributes();
        ds.setInt(0x00280010, VR.US, 0x1234);
        ds.setInt(0x00209165, VR.AT, 0x00201234);
        ds.setBytes(0x00189087, VR.FD, le(8).putDouble(2.5).array());
        byte[] raw = write(null, ds, BIG);
        int us = indexOf(raw, new byte[] {0x00, 0x28, 0x00, 0x10, 'U', 'S', 0x00, 0x02});
        assertThat(Arrays.copyOfRange(raw, us + 8, us + 10)).containsExactly(0x12, 0x34);
        // AT: each 16-bit half in big endian order
        int at = indexOf(raw, new byte[] {0x00, 0x20, (byte) 0x91, 0x65, 'A', 'T', 0x00, 0x04});
        assertThat(Arrays.copyOfRange(raw, at + 8, at + 12)).containsExactly(0x00, 0x20, 0x12, 0x34);
        int fd = indexOf(raw, new byte[] {0x00, 0x18, (byte) 0x90, (byte) 0x87, 'F', 'D', 0x00, 0x08});
        assertThat(ByteBuffer.wrap(raw, fd + 8, 8).order(ByteOrder.BIG_ENDIAN).getDouble()).isEqualTo(2.5);
        Attributes back = new DicomInputStream(new ByteArrayInputStream(raw), BIG).readDataset();
        assertThat(back).isEqualTo(ds);
        assertThat(back.getInt(0x00280010, 0)).isEqualTo(0x1234);
        assertThat(back.getStrings(0x00209165)).containsExactly("(0020,1234)");
        // and a raw big endian data set is recognised without being told
        assertThat(new DicomInputStream(new ByteArrayInputStream(raw)).getTransferSyntax()).isEqualTo(BIG);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) if (hay[i + k] != needle[k]) continue outer;
            return i;
        }
        throw new AssertionError("not found: " + HexFormat.of().formatHex(needle));
    }

    @Test
    void deflatedDataSetIsARawDeflateStreamAfterTheMeta() throws IOException {
        Attributes ds = sample();
        for (int k = 0; k < 200; k++) ds.setBytes(0x00091100 + k, VR.UN, new byte[16]); // compressible
        byte[] file = write(FileMetaInformation.create("1.2.3", CT, DEFLATED), ds, EXPLICIT);
        byte[] plain = write(FileMetaInformation.create("1.2.3", CT, EXPLICIT), ds, EXPLICIT);
        assertThat(file.length).isLessThan(plain.length);
        assertThat(reader(file).readDataset()).isEqualTo(ds);
        // raw deflated data sets (as on the network) too
        byte[] raw = write(null, ds, DEFLATED);
        assertThat(new DicomInputStream(new ByteArrayInputStream(raw), DEFLATED).readDataset()).isEqualTo(ds);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.201", "1.2.999.77"})
    void encapsulatedPixelDataPassesThroughAsFragments(String ts) throws IOException {
        Attributes ds = new Attributes();
        ds.setString(0x00080016, VR.UI, CT);
        Fragments frags = ds.newFragments(0x7FE00010, VR.OB, 3);
        frags.add(new byte[] {0, 0, 0, 0});                   // Basic Offset Table, one frame
        frags.add(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, 4, (byte) 0xFF, (byte) 0xD9});
        frags.add(new byte[] {5, 6, 7});                      // odd length, as some encoders write
        byte[] file = write(FileMetaInformation.create("1.2.3", CT, ts), ds, EXPLICIT);
        DicomInputStream dis = reader(file);
        assertThat(TransferSyntax.of(dis.getTransferSyntax()).encapsulated()).isTrue();
        Attributes back = dis.readDataset();
        assertThat(back).isEqualTo(ds);
        assertThat(back.getFragments(0x7FE00010)).hasSize(3);
        assertThat(write(dis.readFileMetaInformation(), back, EXPLICIT)).isEqualTo(file);
    }

    @Test
    void undefinedLengthUnIsAnImplicitVrSequenceAndStaysUn() throws IOException {
        Attributes ds = new Attributes();
        Sequence seq = ds.newSequence(0x00091001, 1);
        ds.setValue(0x00091001, VR.UN, seq);
        seq.addNewItem().setString(0x00100010, VR.PN, "Doe^John");
        ds.setString(0x00090010, VR.LO, "CREATOR");
        for (String ts : new String[] {EXPLICIT, BIG}) {
            byte[] raw = write(null, ds, ts);
            // the item inside is implicit VR little endian whatever the syntax around it (PS3.5 6.2.2)
            assertThat(indexOf(raw, new byte[] {0x10, 0x00, 0x10, 0x00, 8, 0, 0, 0, 'D', 'o', 'e'})).isPositive();
            Attributes back = new DicomInputStream(new ByteArrayInputStream(raw), ts).readDataset();
            assertThat(back.getVR(0x00091001)).isEqualTo(VR.UN);
            assertThat(back.getSequence(0x00091001).get(0).getString(0x00100010)).isEqualTo("Doe^John");
            assertThat(write(null, back, ts)).isEqualTo(raw);
        }
    }

    @Test
    void longValueOfAShortHeaderVrIsWrittenAsUnInExplicitVr() throws IOException {
        Attributes ds = new Attributes();
        byte[] big = new byte[0x10000 + 2];
        Arrays.fill(big, (byte) 'A');
        ds.setBytes(0x00081030, VR.LO, big);
        Attributes back = new DicomInputStream(new ByteArrayInputStream(write(null, ds, EXPLICIT)), EXPLICIT).readDataset();
        assertThat(back.getVR(0x00081030)).isEqualTo(VR.UN);
        assertThat(back.getBytes(0x00081030)).isEqualTo(big);
        // implicit VR has 4-byte lengths for every VR: nothing to change
        Attributes implicit = new DicomInputStream(new ByteArrayInputStream(write(null, ds, IMPLICIT)), IMPLICIT).readDataset();
        assertThat(implicit.getBytes(0x00081030)).isEqualTo(big);
    }

    @Test
    void commandSetsAreImplicitLittleEndianWithTheirGroupLength() throws IOException {
        Attributes cmd = new Attributes();
        cmd.setString(0x00000002, VR.UI, "1.2.840.10008.1.1");
        cmd.setInt(0x00000100, VR.US, 0x0030);
        cmd.setInt(0x00000110, VR.US, 1);
        cmd.setInt(0x00000800, VR.US, 0x0101);
        byte[] b = DicomOutputStream.encodeCommand(cmd);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bb.getInt(0)).isZero();                      // (0000,0000)
        assertThat(bb.getInt(4)).isEqualTo(4);
        assertThat(bb.getInt(8)).isEqualTo(b.length - 12);
        Attributes back = new DicomInputStream(new ByteArrayInputStream(b), IMPLICIT).readDataset();
        assertThat(back.getInt(0x00000000, -1)).isEqualTo(b.length - 12);
        assertThat(back.getString(0x00000002)).isEqualTo("1.2.840.10008.1.1");
        assertThat(back.getInt(0x00000100, 0)).isEqualTo(0x0030);
        assertThat(back.getVR(0x00000100)).isEqualTo(VR.US);
    }

    @Test
    void readUntilStopsBeforePixelDataAndCanGoOn() throws IOException {
        Attributes ds = sample();
        byte[] file = write(FileMetaInformation.create("1.2.3", CT, EXPLICIT), ds, EXPLICIT);
        DicomInputStream dis = reader(file);
        Attributes header = dis.readDatasetUntil(0x7FE00010);
        assertThat(header.contains(0x00280100)).isTrue();
        assertThat(header.contains(0x7FE00010)).isFalse();
        int pixelHeader = indexOf(file, new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W'});
        assertThat(dis.getPosition()).isEqualTo(pixelHeader);
        assertThat(dis.readDataset()).isSameAs(header).isEqualTo(ds);
    }

    @Test
    void bulkDataReferenceKeepsPixelDataOutOfHeapAndWritesItBack(@TempDir Path dir) throws IOException {
        Attributes ds = sample();
        byte[] pixels = new byte[3 << 20];
        for (int k = 0; k < pixels.length; k++) pixels[k] = (byte) (k * 31);
        ds.setBytes(0x7FE00010, VR.OW, pixels);
        for (String ts : new String[] {EXPLICIT, BIG}) {
            Path file = dir.resolve("ct-" + ts + ".dcm");
            Files.write(file, write(FileMetaInformation.create("1.2.3", CT, ts), ds, EXPLICIT));
            Attributes back;
            Attributes fmi;
            try (InputStream in = Files.newInputStream(file);
                 DicomInputStream dis = new DicomInputStream(in).withBulkData(BulkDataPolicy.reference(file, 1 << 20))) {
                back = dis.readDataset();
                fmi = dis.readFileMetaInformation();
            }
            BulkData bd = (BulkData) back.getValue(0x7FE00010);
            assertThat(bd.uri()).isEqualTo(file.toAbsolutePath().toString());
            assertThat(bd.length()).isEqualTo(pixels.length);
            assertThat(bd.bigEndian()).isEqualTo(ts.equals(BIG));
            DatasetAssert.assertDatasetsEqual(ds, back);   // reads the bulk data back from the file
            byte[] copy = write(fmi, back, EXPLICIT);      // streamed from the file, swapped as needed
            assertThat(copy).isEqualTo(Files.readAllBytes(file));
        }
    }

    @Test
    void bulkDataSkipDropsPixelDataAndLargeValues() throws IOException {
        Attributes ds = sample();
        ds.setBytes(0x00091012, VR.UN, new byte[5000]);
        byte[] file = write(FileMetaInformation.create("1.2.3", CT, EXPLICIT), ds, EXPLICIT);
        Attributes back = reader(file).withBulkData(BulkDataPolicy.skip(4096)).readDataset();
        assertThat(back.contains(0x7FE00010)).isFalse();
        assertThat(back.contains(0x00091012)).isFalse();
        assertThat(back.getString(0x00100020)).isEqualTo("PID-1");
        assertThat(back.getSequence(0x00081115)).hasSize(2);
    }

    @Test
    void referencedFileThatIsShorterThanItsValueFails(@TempDir Path dir) throws IOException {
        byte[] full = write(FileMetaInformation.create("1.2.3", CT, EXPLICIT), sample(), EXPLICIT);
        Path file = dir.resolve("cut.dcm");
        Files.write(file, Arrays.copyOf(full, full.length - 3));
        try (DicomInputStream dis = new DicomInputStream(Files.newInputStream(file))
                .withBulkData(BulkDataPolicy.reference(file, 1 << 20))) {
            assertThatThrownBy(dis::readDataset).isInstanceOf(DicomStreamException.class)
                    .hasMessageContaining("truncated").hasMessageContaining("(7FE0,0010)");
        }
    }

    @Test
    void deflatedWriterRefusesASecondDataSet() throws IOException {
        DicomOutputStream dos = new DicomOutputStream(new ByteArrayOutputStream(), DEFLATED);
        dos.writeDataset(sample());
        assertThatThrownBy(() -> dos.writeDataset(sample())).isInstanceOf(IllegalStateException.class);
    }
}

package org.miroir.server.e2e;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.testing.DatasetAssert;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.Processes;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** dcmtk's query/retrieve/store tools pointed at a node, with their results read back as data. */
final class Scu {
    static final String PATIENT_ROOT = "-P";
    static final String STUDY_ROOT = "-S";
    private static final Pattern SENDING = Pattern.compile("I: Sending file: (.*)");
    private static final Pattern STORE_RSP = Pattern.compile("I: Received Store Response \\((\\w+)");

    private Scu() {}

    /** findscu with {@code keys} ("Tag=value" or "Tag"); the responses' identifiers in arrival order. */
    static List<Attributes> find(int port, String root, Path scratch, String... keys) throws IOException {
        Path out = Files.createTempDirectory(scratch, "find-");
        List<String> args = new ArrayList<>(List.of(root, "-aec", ArchiveNode.AE_TITLE, "-X", "-od", out.toString()));
        for (String k : keys) args.addAll(List.of("-k", k));
        args.addAll(List.of("127.0.0.1", String.valueOf(port)));
        Processes.Result r = Dcmtk.run(Dcmtk.TIMEOUT, "findscu", args);
        assertThat(r.ok()).as("findscu %s\n%s", args, r.describe()).isTrue();
        List<Attributes> rsp = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("rsp")).sorted().toList()) rsp.add(read(f));
        }
        return rsp;
    }

    /** The values of {@code tag} in the responses of {@link #find}, as a set (duplicates would show in the count). */
    static Set<String> values(List<Attributes> rsp, int tag) {
        Set<String> out = new LinkedHashSet<>();
        for (Attributes a : rsp) out.add(a.getString(tag));
        assertThat(out).as("one response per %s", Integer.toHexString(tag)).hasSize(rsp.size());
        return out;
    }

    /**
     * storescu of {@code files} in one association (SOP classes and syntaxes of the files only, no halt on
     * failures); returns each file with storescu's word for its response ("Success", "Warning", ...), missing when
     * it was not sent.
     */
    static Map<Path, String> store(int port, List<Path> files, String... options) {
        return storeResults(storeOutput(port, files, options));
    }

    /** The storescu run of {@link #store}: its verbose output, with the text of each response's status. */
    static String storeOutput(int port, List<Path> files, String... options) {
        List<String> args = new ArrayList<>(List.of("-v", "-aec", ArchiveNode.AE_TITLE, "-nh", "-R"));
        args.addAll(List.of(options));
        args.addAll(List.of("127.0.0.1", String.valueOf(port)));
        files.forEach(f -> args.add(f.toString()));
        Processes.Result r = Dcmtk.run(Duration.ofMinutes(3), "storescu", args);
        assertThat(r.timedOut()).as("storescu timed out").isFalse();
        return r.stdout();
    }

    /** Per file, the status word of the C-STORE response storescu logged after "Sending file" (verbose output). */
    static Map<Path, String> storeResults(String verboseOutput) {
        Map<Path, String> results = new HashMap<>();
        Path current = null;
        for (String line : verboseOutput.split("\n")) {
            Matcher s = SENDING.matcher(line);
            if (s.find()) {
                current = Path.of(s.group(1).strip());
                continue;
            }
            Matcher rsp = STORE_RSP.matcher(line);
            if (rsp.find() && current != null) {
                results.put(current, rsp.group(1));
                current = null;
            }
        }
        return results;
    }

    static Processes.Result move(int port, String root, String destination, String... keys) {
        List<String> args = new ArrayList<>(List.of(root, "-aec", ArchiveNode.AE_TITLE, "-aem", destination));
        for (String k : keys) args.addAll(List.of("-k", k));
        args.addAll(List.of("127.0.0.1", String.valueOf(port)));
        return Dcmtk.run(Duration.ofMinutes(3), "movescu", args);
    }

    static Processes.Result get(int port, String root, Path outDir, String... keys) {
        List<String> args = new ArrayList<>(List.of(root, "-aec", ArchiveNode.AE_TITLE, "-od", outDir.toString()));
        for (String k : keys) args.addAll(List.of("-k", k));
        args.addAll(List.of("127.0.0.1", String.valueOf(port)));
        return Dcmtk.run(Duration.ofMinutes(3), "getscu", args);
    }

    static void echo(int port) {
        Dcmtk.run(Duration.ofSeconds(30), "echoscu", "-aec", ArchiveNode.AE_TITLE, "127.0.0.1", String.valueOf(port)).assertOk();
    }

    /** The data set of a DICOM file (meta information left out). */
    static Attributes read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
             DicomInputStream dis = new DicomInputStream(in)) {
            return dis.readDataset();
        }
    }

    /** Every received file under {@code dir} by its SOP Instance UID. */
    static Map<String, Path> bySopInstanceUid(Path dir) throws IOException {
        Map<String, Path> out = new HashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path prev = out.put(read(f).getString(Tag.SOPInstanceUID), f);
                assertThat(prev).as("one file per instance in %s", dir).isNull();
            }
        }
        return out;
    }

    /**
     * Differences between a data set as sent and as retrieved, less what the way allows: dcmtk drops Data Set
     * Trailing Padding, rewrites text padding and may write either VR PS3.6 allows for a tag.
     */
    static List<String> differences(Path sent, Path retrieved) throws IOException {
        Attributes expected = read(sent);
        expected.remove(Tag.DataSetTrailingPadding);
        Attributes actual = read(retrieved);
        actual.remove(Tag.DataSetTrailingPadding);
        return DatasetAssert.comparing().maxDifferences(10)
                .tolerate(DatasetAssert.Tolerance.TRAILING_PADDING, "dcmtk rewrites the padding of text values")
                .tolerate(DatasetAssert.Tolerance.AMBIGUOUS_VR, "either VR PS3.6 allows for a tag")
                .differences(expected, actual);
    }
}

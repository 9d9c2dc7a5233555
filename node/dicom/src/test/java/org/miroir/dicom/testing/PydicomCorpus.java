package org.miroir.dicom.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Debian's python3-pydicom test corpus (real files from many vendors and toolkits, including broken ones) and
 * pydicom itself as an independent oracle, through Debian's {@code /usr/bin/python3} (the {@code python3} first
 * on the PATH may be another interpreter without pydicom).
 */
public final class PydicomCorpus {
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    public static final Path DATA = Path.of("/usr/lib/python3/dist-packages/pydicom/data");
    public static final Path TEST_FILES = DATA.resolve("test_files");
    public static final Path CHARSET_FILES = DATA.resolve("charset_files");
    /** Default bound for one script run. */
    public static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** A script's stdout is data (an oracle), so it is never cut: beyond this the run fails instead. */
    public static final int MAX_STDOUT_BYTES = 64 << 20;

    /** Files in the corpus folders that are not DICOM: documentation, pydicom's JSON and dump fixtures, a gzip. */
    private static final Set<String> NOT_DICOM_SUFFIXES = Set.of(".txt", ".json", ".dump", ".gz", ".py", ".pyc");

    private PydicomCorpus() {}

    public static boolean isInstalled() {
        return Files.isExecutable(PYTHON) && Files.isDirectory(TEST_FILES) && Files.isDirectory(CHARSET_FILES);
    }

    /**
     * Skips the calling test when python3-pydicom is missing, or fails it when peers are
     * {@linkplain Peers#required() required}; {@code ops/miroir test} installs it.
     */
    public static void assumeInstalled() {
        Peers.assume(isInstalled(), "python3-pydicom (apt-get install python3-pydicom, or run ops/miroir test)");
    }

    /**
     * Every file of {@code test_files} (recursively, including the DICOMDIR test tree) and {@code charset_files}
     * that is meant to be DICOM, sorted by path. Includes files with no meta header and deliberately broken ones
     * (truncated, bad VR): callers decide what each must do.
     */
    public static List<Path> files() {
        List<Path> out = new ArrayList<>(list(TEST_FILES));
        out.addAll(list(CHARSET_FILES));
        return out;
    }

    /** The {@link #files()} of {@code charset_files}: one per Specific Character Set family. */
    public static List<Path> charsetFiles() {
        return list(CHARSET_FILES);
    }

    /** The {@link #files()} that start with a Part 10 preamble and "DICM" prefix. */
    public static List<Path> part10Files() {
        return files().stream().filter(PydicomCorpus::isPart10).toList();
    }

    /** True when the file has the 128-byte preamble followed by "DICM" (PS3.10 7.1). */
    public static boolean isPart10(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(132);
            return head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(PydicomCorpus::mayBeDicom).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static boolean mayBeDicom(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 || !NOT_DICOM_SUFFIXES.contains(name.substring(dot).toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Runs a Python script ({@code python3 -c script args...}) within {@link #TIMEOUT} and returns its stdout;
     * fails with its stderr when it exits non-zero or times out.
     */
    public static String python(String script, String... args) {
        return python(TIMEOUT, script, args);
    }

    public static String python(Duration timeout, String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), "-c", script));
        cmd.addAll(Arrays.asList(args));
        Processes.Result r = Processes.run(cmd, Map.of("PYTHONIOENCODING", "utf-8"), timeout, false, MAX_STDOUT_BYTES);
        r.assertOk();
        if (r.outputCut()) throw new AssertionError("python stdout over " + MAX_STDOUT_BYTES + " bytes: " + cmd);
        return r.stdout();
    }
}

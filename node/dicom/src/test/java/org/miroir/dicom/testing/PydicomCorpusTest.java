package org.miroir.dicom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PydicomCorpusTest {
    @BeforeAll
    static void pydicom() {
        PydicomCorpus.assumeInstalled();
    }

    @Test
    void listsTheDicomFilesOfBothFoldersOnly() {
        assertThat(PydicomCorpus.files())
                .hasSizeGreaterThan(80)
                .contains(PydicomCorpus.TEST_FILES.resolve("CT_small.dcm"),
                        PydicomCorpus.TEST_FILES.resolve("dicomdirtests/DICOMDIR"),
                        PydicomCorpus.CHARSET_FILES.resolve("chrJapMulti.dcm"))
                .noneMatch(p -> p.toString().endsWith(".txt") || p.toString().endsWith(".json"));
        assertThat(PydicomCorpus.charsetFiles()).allMatch(p -> p.startsWith(PydicomCorpus.CHARSET_FILES)).hasSizeGreaterThan(10);
    }

    @Test
    void part10FilesHaveThePreamble() {
        assertThat(PydicomCorpus.part10Files())
                .contains(PydicomCorpus.TEST_FILES.resolve("CT_small.dcm"))
                .doesNotContain(PydicomCorpus.TEST_FILES.resolve("no_meta.dcm"));
    }

    @Test
    void pythonRunsPydicomAndReturnsStdout() {
        Path f = PydicomCorpus.TEST_FILES.resolve("CT_small.dcm");
        String out = PydicomCorpus.python("import sys, pydicom; print(pydicom.dcmread(sys.argv[1]).PatientName)", f.toString());
        assertThat(out.strip()).isEqualTo("CompressedSamples^CT1");
    }

    @Test
    void failingScriptFailsWithItsStderr() {
        assertThatThrownBy(() -> PydicomCorpus.python("raise SystemExit('oracle broke')"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("oracle broke");
    }
}

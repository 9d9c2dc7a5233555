package org.miroir.dicom.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;

/**
 * What a test does when an external peer it needs (dcmtk, pydicom, Orthanc) is missing. An ad-hoc run (an IDE, a
 * bare {@code mvn test}) skips it; a run that must prove the peers were used fails instead: {@code ops/miroir test}
 * (which installs them, then exports {@value #REQUIRE}=1) and CI ({@code CI=true}). A green CI thus means the
 * interop suites ran.
 */
public final class Peers {
    /** The environment variable that makes a missing peer a failure. */
    public static final String REQUIRE = "MIROIR_REQUIRE_PEERS";

    private Peers() {}

    /** True when a missing peer must fail the test: {@value #REQUIRE}=1 or {@code CI=true}. */
    public static boolean required() {
        return required(System.getenv());
    }

    static boolean required(Map<String, String> env) {
        return "1".equals(env.get(REQUIRE)) || "true".equalsIgnoreCase(env.get("CI"));
    }

    /**
     * {@code installed}, unless the peer is missing while peers are {@link #required()}: then the test fails.
     * For tests that do part of their work without the peer; others use {@link #assume}.
     */
    public static boolean present(boolean installed, String what) {
        return present(installed, what, System.getenv());
    }

    static boolean present(boolean installed, String what, Map<String, String> env) {
        if (!installed && required(env))
            fail(what + " is not installed, and " + REQUIRE + "=1 or CI=true makes that a failure, not a skip");
        return installed;
    }

    /** Skips the calling test (JUnit assumption) when the peer is missing, or fails it when peers are required. */
    public static void assume(boolean installed, String what) {
        assume(installed, what, System.getenv());
    }

    static void assume(boolean installed, String what, Map<String, String> env) {
        assumeTrue(present(installed, what, env), what + " is not installed: skipped");
    }
}

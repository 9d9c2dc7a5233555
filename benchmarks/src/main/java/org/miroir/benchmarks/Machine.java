package org.miroir.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the figures were measured on, and how busy it was: the load average is the benchmark's noise. */
final class Machine {
    private Machine() {}

    /** CPUs, memory, operating system and Java version. */
    static String describe() {
        long bytes = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getTotalMemorySize();
        return String.format(Locale.ROOT, "%d CPUs, %.1f GiB RAM, %s %s, Java %s",
                Runtime.getRuntime().availableProcessors(), bytes / (double) (1L << 30),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"));
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg ("?" where unavailable). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "?";
        }
    }
}

package org.miroir.monitoring;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.miroir.dicom.testing.Peers;
import org.miroir.dicom.testing.Processes;
import org.miroir.drill.Roots;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Prometheus configuration and alert rules ({@code ops/prometheus}) as promtool sees them: the
 * configuration and the rules are valid, the rules' unit tests pass, every alert has unit tests in which it fires
 * and in which it does not, and a runbook section in {@code ops/RUNBOOK.md} that its {@code runbook_url} names.
 */
class AlertRulesTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Pattern ALERT = Pattern.compile("(?m)^\\s+- alert: (\\w+)$");
    private static final Pattern RUNBOOK = Pattern.compile("runbook_url: ops/RUNBOOK\\.md#(\\S+)");
    private static Path dir;

    @BeforeAll
    static void promtool() {
        Peers.assume(Files.isExecutable(PROMTOOL), "promtool (apt-get install prometheus, or run ops/miroir test)");
        dir = Roots.repo().resolve("ops/prometheus");
    }

    private static Processes.Result promtool(String... args) {
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        return Processes.run(command, Map.of(), Duration.ofMinutes(2), false, 1 << 20);
    }

    private static List<Path> ruleFiles() throws IOException {
        try (var files = Files.list(dir.resolve("rules"))) {
            return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
        }
    }

    private static Set<String> alerts() throws IOException {
        Set<String> alerts = new LinkedHashSet<>();
        for (Path f : ruleFiles()) {
            Matcher m = ALERT.matcher(Files.readString(f));
            while (m.find()) assertThat(alerts.add(m.group(1))).as("alert %s defined once", m.group(1)).isTrue();
        }
        return alerts;
    }

    @Test
    void theConfigurationAndTheRulesAreValid() throws IOException {
        Processes.Result config = promtool("check", "config", dir.resolve("prometheus.yml").toString());
        assertThat(config.ok()).as(config.describe()).isTrue();
        List<String> rules = new ArrayList<>(List.of("check", "rules"));
        for (Path f : ruleFiles()) rules.add(f.toString());
        Processes.Result checked = promtool(rules.toArray(String[]::new));
        assertThat(checked.ok()).as(checked.describe()).isTrue();
        assertThat(checked.stdout()).contains("SUCCESS: " + alerts().size() + " rules found");
    }

    @Test
    void theRulesUnitTestsPass() {
        Processes.Result r = promtool("test", "rules", dir.resolve("tests/miroir-alerts.test.yml").toString());
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.stdout()).contains("SUCCESS");
    }

    /** Each alert has a case where it is expected to fire and one where nothing is expected (promtool checks both). */
    @Test
    void everyAlertHasAUnitTestWhereItFiresAndOneWhereItDoesNot() throws IOException {
        String tests = Files.readString(dir.resolve("tests/miroir-alerts.test.yml"));
        Set<String> firing = new LinkedHashSet<>(), quiet = new LinkedHashSet<>();
        // A case: "- eval_time: ...", "alertname: X", then "exp_alerts: []" or a list of expected alerts.
        Matcher c = Pattern.compile("alertname: (\\w+)\\s+exp_alerts:( \\[\\])?").matcher(tests);
        while (c.find()) (c.group(2) == null ? firing : quiet).add(c.group(1));
        Set<String> alerts = alerts();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(11);
        assertThat(firing).as("alerts tested firing").containsExactlyInAnyOrderElementsOf(alerts);
        assertThat(quiet).as("alerts tested not firing").containsExactlyInAnyOrderElementsOf(alerts);
    }

    @Test
    void everyAlertHasARunbookSection() throws IOException {
        String runbook = Files.readString(Roots.repo().resolve("ops/RUNBOOK.md"));
        Set<String> anchors = new LinkedHashSet<>();
        for (String line : runbook.split("\n"))
            if (line.startsWith("## ")) anchors.add(line.substring(3).strip().toLowerCase(Locale.ROOT));
        for (Path f : ruleFiles()) {
            String text = Files.readString(f);
            for (String block : text.split("(?m)^\\s+- alert: ")) {
                if (!block.contains("expr:")) continue; // the head of the file
                String alert = block.substring(0, block.indexOf('\n')).strip();
                Matcher m = RUNBOOK.matcher(block);
                assertThat(m.find()).as("%s has a runbook_url into ops/RUNBOOK.md", alert).isTrue();
                assertThat(m.group(1)).as("%s's runbook anchor", alert).isEqualTo(alert.toLowerCase(Locale.ROOT));
                assertThat(anchors).as("runbook sections").contains(m.group(1));
            }
        }
    }
}

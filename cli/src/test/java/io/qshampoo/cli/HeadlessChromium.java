package io.qshampoo.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium for page tests: the DOM of a page after its load event and scripts ({@code --dump-dom}).
 * Found as {@code chromium} (Debian's package, which {@code .ci/run} installs), {@code chromium-browser} or
 * {@code google-chrome} on the PATH; tests skip with a message when none is there.
 */
final class HeadlessChromium {

    private HeadlessChromium() {
    }

    /** The browser executable, if one is on the PATH. */
    static Optional<Path> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path p = Path.of(dir).resolve(name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The serialized DOM of {@code page} once loaded (scripts run, up to 10 s of virtual time); the browser's
     * profile goes to {@code profile}, the DOM to {@code dom.html} beside it.
     */
    static String dumpDom(Path browser, Path page, Path profile) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--virtual-time-budget=10000",
                "--allow-file-access-from-files", "--dump-dom", page.toUri().toString())
                .redirectOutput(profile.resolveSibling("dom.html").toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {           // to a file, so a hung browser cannot block a read
            p.destroyForcibly();
            throw new IOException(browser + " did not finish within 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(browser + " exited with " + p.exitValue());
        }
        return Files.readString(profile.resolveSibling("dom.html"), StandardCharsets.UTF_8);
    }
}

package io.qshampoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of the README compiles against the installed qshampoo artifacts and runs: its
 * {@code import} lines become the imports of a generated class, the rest the body of its {@code main}. So the
 * README's code cannot rot. Also: the jars carry their Automatic-Module-Name, and the consumer example converges.
 */
class ReadmeSnippetsTest {

    /** The README's java blocks, in order. */
    static List<String> snippets() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("readme", "../README.md")));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Compiles a snippet as class {@code name} and runs its main; returns what it printed. */
    static String run(String name, String snippet, Path dir) throws Exception {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : snippet.split("\n", -1)) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        String source = imports + "public class " + name + " {\n    public static void main(String[] args) throws Exception {\n"
                + body + "    }\n}\n";
        Path file = dir.resolve(name + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-encoding", "UTF-8", "-proc:none",
                "-cp", System.getProperty("java.class.path"), "-d", dir.toString(), file.toString());
        assertEquals(0, rc, "README snippet " + name + " does not compile:\n" + diagnostics + "\n" + source);
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ReadmeSnippetsTest.class.getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass(name).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } catch (InvocationTargetException e) {
            throw new AssertionError("README snippet " + name + " throws:\n" + source, e.getCause());
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        return printed;
    }

    @Test
    void everyJavaBlockOfTheReadmeCompilesAndRuns() throws Exception {
        List<String> blocks = snippets();
        assertEquals(4, blocks.size(), "the README's java blocks: linalg, quant, shampoo, native kernels");
        Path dir = Files.createDirectories(Path.of("").toAbsolutePath().resolve("classes"));
        String linalg = run("ReadmeLinalg", blocks.get(0), dir);
        // The README's comments: the official preset stops unconverged at this κ, the converging one converges.
        assertTrue(linalg.contains("official preset: 10 iterations") && linalg.contains("converged false"), linalg);
        assertTrue(linalg.contains("converging:") && linalg.contains("converged true"), linalg);
        String quant = run("ReadmeQuant", blocks.get(1), dir);
        assertTrue(!quant.isBlank(), "the quant snippet prints the storage bytes");
        String shampoo = run("ReadmeShampoo", blocks.get(2), dir);
        assertTrue(!shampoo.isBlank(), "the shampoo snippet prints the state bytes");
        assertTrue(Files.size(Path.of("run.qsh")) > 0, "the shampoo snippet writes its checkpoint");
        String kernels = run("ReadmeKernels", blocks.get(3), dir);
        // the consumer depends on linalg-openblas: the native backend loads (a failure would print "ejml")
        assertTrue(kernels.startsWith("openblas: residual "), kernels);
    }

    @Test
    void theJarsCarryTheirAutomaticModuleNames() throws IOException {
        int found = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Matcher m = Pattern.compile("qshampoo-(quant|linalg|shampoo)-[0-9][^/]*\\.jar$").matcher(entry);
            if (m.find()) {
                try (JarFile jar = new JarFile(entry)) {
                    assertEquals("io.qshampoo." + m.group(1),
                            jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"), entry);
                }
                found++;
            }
        }
        assertEquals(3, found, "quant, linalg and shampoo jars on the class path: " + System.getProperty("java.class.path"));
    }

    @Test
    void theConsumerExampleConverges() {
        double first = ShampooQuickStart.run(1);
        double last = ShampooQuickStart.run(200);
        assertTrue(last < 0.01 * first, "loss " + first + " → " + last);
    }
}

package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** docs/design.md's "Where each equation lives" names classes that exist: the table cannot drift from the code. */
class DesignDocumentTest {

    @Test
    void everyClassNamedInTheEquationTableExists() throws Exception {
        Path doc = Path.of("..", "docs", "design.md");
        String text = Files.readString(doc);
        int start = text.indexOf("## Where each equation lives");
        int end = text.indexOf("\n## ", start + 1);
        assertTrue(start >= 0 && end > start, "docs/design.md has no section 'Where each equation lives'");
        Matcher m = Pattern.compile("`(io\\.qshampoo\\.[a-z]+\\.[A-Za-z0-9]+)`").matcher(text.substring(start, end));
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        // 16 rows name 19 classes today; fewer means the table lost rows or the pattern stopped matching
        assertTrue(names.size() >= 19, "only " + names.size() + " classes named: " + names);
        for (String name : names) {
            assertDoesNotThrow(() -> Class.forName(name), name + " is named in docs/design.md but does not exist");
        }
    }
}

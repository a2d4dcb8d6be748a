package io.controlplane.cancel.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code bulk-cancel --ids-file F}: one executionId per line (UTF-8); blank lines and lines starting
 * with {@code #} are skipped, the whitespace around an id (a CRLF's CR included) is not part of it,
 * and an id listed twice counts once. Whether the ids are ones the processor takes (at most 10,000,
 * no control characters) is the bulk's validation, as for any bulk.
 */
final class IdsFile {

    private IdsFile() {}

    static List<String> read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new OperatorException(
                    "Cannot read the ids file " + Text.clean(String.valueOf(file)) + ": " + Text.oneLine(e));
        }
    }

    /** The ids the lines list, in their order, each once. */
    static List<String> parse(List<String> lines) {
        Set<String> ids = new LinkedHashSet<>();
        for (String line : lines) {
            String id = line.strip();
            if (!id.isEmpty() && !id.startsWith("#")) {
                ids.add(id);
            }
        }
        return List.copyOf(ids);
    }
}

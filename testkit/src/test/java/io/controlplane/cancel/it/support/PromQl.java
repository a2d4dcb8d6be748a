package io.controlplane.cancel.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Just enough of PromQL to know what an expression selects: its series selectors with their label
 * matchers, and the labels it groups by. Strings outside selectors (label_replace's arguments),
 * durations, numbers and comments are skipped; so are functions, which are followed by a parenthesis.
 */
public final class PromQl {

    /** What an expression reads. */
    public record Query(List<Selector> selectors, Set<String> groupings) {}

    /** A metric name with its label matchers, e.g. {@code cancel_decisions_total{outcome="cancelled"}}. */
    public record Selector(String metric, List<LabelMatcher> matchers) {

        @Override
        public String toString() {
            return matchers.isEmpty()
                    ? metric
                    : metric + matchers.stream().map(LabelMatcher::toString).collect(Collectors.joining(",", "{", "}"));
        }
    }

    /** {@code label op "value"}: {@code =}, {@code !=}, {@code =~} or {@code !~}, the last two regexes matching whole values. */
    public record LabelMatcher(String label, String op, String value) {

        private static final Pattern LITERALS = Pattern.compile("[\\w:/-]+(\\|[\\w:/-]+)*");

        /** Whether a series whose label has {@code actual} (empty when it has no such label) is selected. */
        public boolean matches(String actual) {
            return switch (op) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                case "=~" -> Pattern.matches(value, actual);
                case "!~" -> !Pattern.matches(value, actual);
                default -> throw new IllegalStateException(op);
            };
        }

        /** The values the matcher names, when it is a literal or a regex that only lists literals ({@code A|B}). */
        public Optional<List<String>> literals() {
            boolean regex = op.endsWith("~");
            if (!regex) {
                return Optional.of(List.of(value));
            }
            return LITERALS.matcher(value).matches() ? Optional.of(List.of(value.split("\\|"))) : Optional.empty();
        }

        @Override
        public String toString() {
            return label + op + '"' + value + '"';
        }
    }

    /**
     * Words that read like metric names where no parenthesis follows them: binary operators,
     * modifiers, and aggregations followed by their by or without clause.
     */
    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "atan2",
            "offset",
            "bool",
            "group_left",
            "group_right",
            "Inf",
            "NaN",
            "sum",
            "min",
            "max",
            "avg",
            "group",
            "stddev",
            "stdvar",
            "count",
            "count_values",
            "bottomk",
            "topk",
            "quantile",
            "limitk",
            "limit_ratio");

    /** Clauses whose parenthesis holds label names, not an expression. */
    private static final Set<String> LABEL_CLAUSES =
            Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    private final String text;
    private int at;

    private PromQl(String text) {
        this.text = text;
    }

    public static Query parse(String expression) {
        try {
            return new PromQl(expression).query();
        } catch (IndexOutOfBoundsException unterminated) {
            // an unclosed string, brace or bracket runs past the end
            throw new IllegalArgumentException("Not PromQL this reader understands: " + expression, unterminated);
        }
    }

    private Query query() {
        List<Selector> selectors = new ArrayList<>();
        Set<String> groupings = new TreeSet<>();
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '#') {
                skipLine();
            } else if (c == '"' || c == '\'' || c == '`') {
                string();
            } else if (c == '[') {
                at = text.indexOf(']', at) + 1;
            } else if (Character.isDigit(c) || c == '.') {
                skipWhile("[\\w.]");
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                String word = word();
                skipSpace();
                boolean parenthesis = at < text.length() && text.charAt(at) == '(';
                if (LABEL_CLAUSES.contains(word) && parenthesis) {
                    List<String> labels = labelList();
                    if (word.equals("by")) {
                        groupings.addAll(labels);
                    }
                } else if (!parenthesis && !KEYWORDS.contains(word)) {
                    selectors.add(new Selector(word, matchers()));
                }
            } else {
                at++;
            }
        }
        return new Query(selectors, groupings);
    }

    /** The matchers in braces after a metric name, if any. */
    private List<LabelMatcher> matchers() {
        List<LabelMatcher> matchers = new ArrayList<>();
        if (at >= text.length() || text.charAt(at) != '{') {
            return matchers;
        }
        at++;
        while (true) {
            skipSpaceAndCommas();
            if (text.charAt(at) == '}') {
                at++;
                return matchers;
            }
            String label = word();
            skipSpace();
            String op = text.startsWith("=~", at) || text.startsWith("!=", at) || text.startsWith("!~", at)
                    ? text.substring(at, at + 2)
                    : text.substring(at, at + 1);
            at += op.length();
            skipSpace();
            matchers.add(new LabelMatcher(label, op, string()));
        }
    }

    private List<String> labelList() {
        int close = text.indexOf(')', at);
        List<String> labels = new ArrayList<>();
        for (String label : text.substring(at + 1, close).split(",")) {
            if (!label.isBlank()) {
                labels.add(label.strip());
            }
        }
        at = close + 1;
        return labels;
    }

    /** A quoted string, its escapes resolved (backquotes have none). */
    private String string() {
        char quote = text.charAt(at++);
        StringBuilder value = new StringBuilder();
        while (text.charAt(at) != quote) {
            if (text.charAt(at) == '\\' && quote != '`') {
                at++;
            }
            value.append(text.charAt(at++));
        }
        at++;
        return value.toString();
    }

    private String word() {
        int start = at;
        skipWhile("[\\w:]");
        return text.substring(start, at);
    }

    private void skipWhile(String characterClass) {
        while (at < text.length() && String.valueOf(text.charAt(at)).matches(characterClass)) {
            at++;
        }
    }

    private void skipSpace() {
        skipWhile("\\s");
    }

    private void skipSpaceAndCommas() {
        skipWhile("[\\s,]");
    }

    private void skipLine() {
        int end = text.indexOf('\n', at);
        at = end < 0 ? text.length() : end + 1;
    }
}

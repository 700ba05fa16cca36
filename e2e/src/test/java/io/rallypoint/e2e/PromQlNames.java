package io.rallypoint.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names a PromQL expression reads: its identifiers, less what is not a metric (function
 * and aggregation names, keywords, label names in {@code {...}} and {@code by (...)}, strings,
 * durations), and where the expressions of docker/observability are.
 */
final class PromQlNames {

  static final Path OBSERVABILITY = Path.of("..", "docker", "observability");
  static final Path ALERTS = OBSERVABILITY.resolve("alerts.yml");
  static final Path PROMETHEUS = OBSERVABILITY.resolve("prometheus.yml");
  static final Path DASHBOARD = OBSERVABILITY.resolve("grafana/dashboards/rallypoint.json");

  /** Series Prometheus makes itself, not exported by a service. */
  static final Set<String> PROMETHEUS_OWN = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped", "ALERTS");

  private static final Set<String> KEYWORDS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
      "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio", "by", "without", "on",
      "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "atan2", "inf", "nan");
  /** After these, the parenthesis holds label names. */
  private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  private PromQlNames() {}

  /** The metric names {@code expr} reads. */
  static Set<String> of(String expr) {
    Set<String> names = new TreeSet<>();
    int i = 0;
    int n = expr.length();
    while (i < n) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') { // a string: skip to its unescaped end
        int j = i + 1;
        while (j < n && expr.charAt(j) != c) {
          j += expr.charAt(j) == '\\' && c != '`' ? 2 : 1;
        }
        i = j + 1;
      } else if (c == '{') { // label matchers
        i = closing(expr, i, '{', '}') + 1;
      } else if (c == '[') { // a range or subquery: durations
        i = closing(expr, i, '[', ']') + 1;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
        int j = i; // a number or a duration (5m, 1e3, 0x1f)
        while (j < n && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '.')) {
          j++;
        }
        i = j;
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '_' || expr.charAt(j) == ':')) {
          j++;
        }
        String word = expr.substring(i, j);
        int next = j;
        while (next < n && Character.isWhitespace(expr.charAt(next))) {
          next++;
        }
        boolean call = next < n && expr.charAt(next) == '(';
        if (LABEL_LISTS.contains(word) && call) {
          i = closing(expr, next, '(', ')') + 1;
          continue;
        }
        if (!call && !KEYWORDS.contains(word)) {
          names.add(word);
        }
        i = j;
      } else {
        i++;
      }
    }
    return names;
  }

  private static int closing(String expr, int open, char opening, char closing) {
    int depth = 0;
    for (int i = open; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '"') { // label values may hold braces
        i++;
        while (i < expr.length() && expr.charAt(i) != '"') {
          i += expr.charAt(i) == '\\' ? 2 : 1;
        }
      } else if (c == opening) {
        depth++;
      } else if (c == closing && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("no closing " + closing + " for position " + open + " in " + expr);
  }

  /** Every rule's {@code expr} in a Prometheus rule file. */
  static List<String> ruleExpressions(Path rules) throws IOException {
    List<String> exprs = new ArrayList<>();
    for (JsonNode group : new ObjectMapper(new YAMLFactory()).readTree(rules.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        exprs.add(rule.path("expr").asText());
      }
    }
    return exprs;
  }

  /** Every target's {@code expr} in a Grafana dashboard, rows' panels included. */
  static List<String> dashboardExpressions(Path dashboard) throws IOException {
    List<String> exprs = new ArrayList<>();
    collect(new ObjectMapper().readTree(dashboard.toFile()).path("panels"), exprs);
    return exprs;
  }

  private static void collect(JsonNode panels, List<String> exprs) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          exprs.add(target.path("expr").asText());
        }
      }
      collect(panel.path("panels"), exprs);
    }
  }
}

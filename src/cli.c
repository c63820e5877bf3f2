/* SPDX-License-Identifier: MIT
 * cli.c - command-line parsing, the configuration file's place in it, and help.
 * `--opt value` and `--opt=value` both work; the last occurrence of a single-valued option
 * wins, repeatable ones accumulate. Precedence: defaults < pyproject.toml < argv. */
#include "alignrisk/cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alignrisk/config.h"

const char *ar_cli_usage(void)
{
  return "usage: alignrisk [check] [PATH...] [options]\n"
         "       alignrisk history [PATH] [--history FILE]\n"
         "       alignrisk explain CODE\n"
         "\n"
         "Finds where Python services and their SQLAlchemy models disagree, weights each\n"
         "finding by the untested lines around it, and prints a ranked work list.\n"
         "Defaults come from [tool.alignrisk] in the nearest pyproject.toml; options win.\n"
         "\n"
         "options:\n"
         "  --coverage FILE          Cobertura coverage.xml (repeatable; default ./coverage.xml if present)\n"
         "  --path-map FROM=TO       rewrite coverage paths starting with FROM (repeatable)\n"
         "  --history FILE           pattern history (default .alignrisk/history.json if present)\n"
         "  --record NAME            append this run to the history as checkpoint NAME\n"
         "  --now DATE               date to record (default: today, UTC)\n"
         "  --format FORMAT          text, json, markdown, sarif, gitlab or github (default text)\n"
         "  -o, --output FILE        write the report to FILE instead of standard output\n"
         "  --fail-over RISK         exit 1 when a pair's risk is over RISK\n"
         "  --fail-on SEVERITY       exit 1 on a finding of SEVERITY or worse (low|medium|high|critical)\n"
         "  --new-only               gates look only at findings new since the last checkpoint\n"
         "  --select CODES           only these rules (comma-separated: AR101,AR201)\n"
         "  --ignore CODES           not these rules\n"
         "  --exclude GLOB           skip matching paths (repeatable)\n"
         "  --include-tests          test files form pairs too\n"
         "  --min-confidence LEVEL   certain|likely|possible (default likely)\n"
         "  --guess-names            guess receivers from variable names (findings are 'possible')\n"
         "  -j, --jobs N             parser threads (default: one per CPU)\n"
         "  --color auto|always|never  colour in text output (default auto; NO_COLOR disables)\n"
         "  -q, --quiet              no warnings on standard error\n"
         "  --config FILE            read [tool.alignrisk] from FILE instead of the nearest pyproject.toml\n"
         "  --no-config              read no configuration file\n"
         "  --dump models|refs|coverage  print one stage's data instead of the report\n"
         "  -V, --version            print the version\n"
         "  -h, --help               print this help\n"
         "\n"
         "score: risk(pair) = sum(severity x confidence x (1 + 0.5 x (recurrence - 1))) x max(1, untested lines)\n"
         "       severity critical 10, high 5, medium 3, low 1; confidence certain 1.0, likely 0.7, possible 0.4\n"
         "exit:  0 ok and gates passed; 1 a gate failed; 2 usage or input error\n";
}

static bool check_rules(const char *opt, const char *list, ar_diag *dg)
{
  char *bad = ar_config_rule_check(list);
  if (!bad) return true;
  ar_diag_errorf(dg, NULL, 0, 0, "%s: unknown rule '%s' (expected a code such as AR101, or a prefix such as AR1)",
                 opt, bad);
  free(bad);
  return false;
}

static bool parse_double(const char *s, double *out)
{
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end || v < 0 || v != v || v > 1e300) return false; /* no nan, no inf */
  *out = v;
  return true;
}

static bool is_one_of(const char *name, const char *const *names)
{
  for (size_t k = 0; names[k]; k++)
    if (strcmp(name, names[k]) == 0) return true;
  return false;
}

int ar_cli_parse(ar_config *cfg, ar_cli *cli, int argc, char **argv, ar_diag *dg)
{
  static const char *const flags[] = {"--new-only", "--include-tests", "--guess-names", "--quiet",
                                      "-q", "--no-config", "--version", "-V", "--help", "-h", NULL};
  static const char *const valued[] = {"--coverage", "--path-map", "--history", "--record", "--now",
                                       "--format", "--output", "-o", "--fail-over", "--fail-on",
                                       "--select", "--ignore", "--exclude", "--min-confidence",
                                       "--jobs", "-j", "--color", "--dump", "--config", NULL};
  /* What `alignrisk history` takes; everything else belongs to the check. */
  static const char *const history_opts[] = {"--history", "--config", "--no-config", "--quiet",
                                             "-q", "--help", "-h", NULL};
  bool only_paths = false, rules_changed = false;
  bool seen_coverage = false, seen_path_map = false, seen_exclude = false, seen_ignore = false;
  int i = 1;

  cli->cmd = AR_CMD_CHECK;
  cli->explain_code = NULL;
  cli->config_file = NULL;
  cli->no_config = false;
  if (i < argc && strcmp(argv[i], "check") == 0) i++;
  else if (i < argc && strcmp(argv[i], "history") == 0) cli->cmd = AR_CMD_HISTORY, i++;
  else if (i < argc && strcmp(argv[i], "explain") == 0) {
    if (i + 1 >= argc) {
      ar_diag_errorf(dg, NULL, 0, 0, "explain needs a rule code, e.g. 'alignrisk explain AR101'");
      return AR_EUSAGE;
    }
    cli->cmd = AR_CMD_EXPLAIN;
    cli->explain_code = argv[i + 1];
    return AR_OK;
  }
  bool history = cli->cmd == AR_CMD_HISTORY;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
      if (history && cfg->paths.len == 1) {
        ar_diag_errorf(dg, NULL, 0, 0, "history takes one folder, got '%s' and '%s'",
                       cfg->paths.items[0], a);
        return AR_EUSAGE;
      }
      AR_VEC_PUSH(&cfg->paths, a);
      continue;
    }
    if (strcmp(a, "--") == 0) { only_paths = true; continue; }
    /* Split --opt=value, and -j4 / -oFILE (a short option with its value attached). */
    char name[64];
    const char *val = NULL;
    const char *eq = a[1] == '-' ? strchr(a, '=') : a[2] == '=' ? a + 2 : NULL;
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    if (!eq && a[1] != '-' && n > 2 && (a[1] == 'j' || a[1] == 'o')) n = 2, val = a + 2;
    if (n >= sizeof name) n = sizeof name - 1;
    memcpy(name, a, n);
    name[n] = '\0';
    if (eq) val = eq + 1;
    if (!is_one_of(name, flags) && !is_one_of(name, valued)) {
      ar_diag_errorf(dg, NULL, 0, 0, "unknown option %s (see alignrisk --help)", name);
      return AR_EUSAGE;
    }
    if (history && !is_one_of(name, history_opts)) {
      ar_diag_errorf(dg, NULL, 0, 0, "option %s does not apply to 'alignrisk history' (it takes --history FILE)",
                     name);
      return AR_EUSAGE;
    }
    if (is_one_of(name, flags)) {
      if (val) {
        ar_diag_errorf(dg, NULL, 0, 0, "option %s takes no value", name);
        return AR_EUSAGE;
      }
      val = ""; /* unused: keeps every branch below free of NULL checks */
    } else if (!val) {
      if (i + 1 >= argc) {
        ar_diag_errorf(dg, NULL, 0, 0, "option %s needs a value", name);
        return AR_EUSAGE;
      }
      val = argv[++i];
    }
    AR_ASSERT(val != NULL); /* argv[i] for i < argc is never NULL */
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) cli->cmd = AR_CMD_HELP;
    else if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) cli->cmd = AR_CMD_VERSION;
    else if (strcmp(name, "--new-only") == 0) cfg->new_only = true;
    else if (strcmp(name, "--include-tests") == 0) cfg->include_tests = true;
    else if (strcmp(name, "--guess-names") == 0) cfg->guess_names = true;
    else if (strcmp(name, "--quiet") == 0 || strcmp(name, "-q") == 0) cfg->quiet = true;
    else if (strcmp(name, "--no-config") == 0) cli->no_config = true;
    else if (strcmp(name, "--config") == 0) {
      if (!*val) { ar_diag_errorf(dg, NULL, 0, 0, "--config needs a file name"); return AR_EUSAGE; }
      cli->config_file = val;
    } else if (strcmp(name, "--coverage") == 0) {
      if (!seen_coverage) cfg->coverage.len = 0, seen_coverage = true;
      AR_VEC_PUSH(&cfg->coverage, val);
    } else if (strcmp(name, "--path-map") == 0) {
      const char *eqs = strchr(val, '=');
      if (!eqs || eqs == val) {
        ar_diag_errorf(dg, NULL, 0, 0, "--path-map %s: expected FROM=TO (a path prefix in the coverage report, and what it is here)", val);
        return AR_EUSAGE;
      }
      if (!seen_path_map) cfg->path_map.len = 0, seen_path_map = true;
      AR_VEC_PUSH(&cfg->path_map, val);
    }
    else if (strcmp(name, "--history") == 0) { cfg->history = val; cfg->history_explicit = true; }
    else if (strcmp(name, "--record") == 0) {
      if (!*val) { ar_diag_errorf(dg, NULL, 0, 0, "--record needs a non-empty checkpoint name"); return AR_EUSAGE; }
      cfg->record = val;
    } else if (strcmp(name, "--now") == 0) cfg->now = val;
    else if (strcmp(name, "--output") == 0 || strcmp(name, "-o") == 0) cfg->output = val;
    else if (strcmp(name, "--dump") == 0) cfg->dump = val;
    else if (strcmp(name, "--format") == 0) {
      if (strcmp(val, "text") == 0) cfg->format = AR_FMT_TEXT;
      else if (strcmp(val, "json") == 0) cfg->format = AR_FMT_JSON;
      else if (strcmp(val, "markdown") == 0) cfg->format = AR_FMT_MARKDOWN;
      else if (strcmp(val, "sarif") == 0) cfg->format = AR_FMT_SARIF;
      else if (strcmp(val, "gitlab") == 0) cfg->format = AR_FMT_GITLAB;
      else if (strcmp(val, "github") == 0) cfg->format = AR_FMT_GITHUB;
      else {
        ar_diag_errorf(dg, NULL, 0, 0, "--format %s: expected text, json, markdown, sarif, gitlab or github", val);
        return AR_EUSAGE;
      }
    } else if (strcmp(name, "--fail-over") == 0) {
      if (!parse_double(val, &cfg->fail_over)) {
        ar_diag_errorf(dg, NULL, 0, 0, "--fail-over %s: expected a number >= 0", val);
        return AR_EUSAGE;
      }
    } else if (strcmp(name, "--fail-on") == 0) {
      if ((cfg->fail_on = ar_severity_parse(val)) < 0) {
        ar_diag_errorf(dg, NULL, 0, 0, "--fail-on %s: expected low, medium, high or critical", val);
        return AR_EUSAGE;
      }
    } else if (strcmp(name, "--min-confidence") == 0) {
      int c = ar_confidence_parse(val);
      if (c < 0) {
        ar_diag_errorf(dg, NULL, 0, 0, "--min-confidence %s: expected certain, likely or possible", val);
        return AR_EUSAGE;
      }
      cfg->min_confidence = (ar_confidence)c;
    } else if (strcmp(name, "--select") == 0) {
      if (!check_rules("--select", val, dg)) return AR_EUSAGE;
      if (val[strspn(val, ", ")] == '\0') { /* selecting nothing would pass every gate */
        ar_diag_errorf(dg, NULL, 0, 0, "--select '%s': expected at least one rule code (AR101) or prefix (AR1)", val);
        return AR_EUSAGE;
      }
      cfg->select_spec = val; /* the last --select wins */
      rules_changed = true;
    } else if (strcmp(name, "--ignore") == 0) {
      if (!check_rules("--ignore", val, dg)) return AR_EUSAGE;
      if (!seen_ignore) cfg->ignore_specs.len = 0, seen_ignore = true;
      AR_VEC_PUSH(&cfg->ignore_specs, val);
      rules_changed = true;
    } else if (strcmp(name, "--exclude") == 0) {
      if (!seen_exclude) cfg->exclude.len = 0, seen_exclude = true;
      AR_VEC_PUSH(&cfg->exclude, val);
    } else if (strcmp(name, "--jobs") == 0 || strcmp(name, "-j") == 0) {
      char *end;
      long j = strtol(val, &end, 10);
      if (end == val || *end || j < 1 || j > 64) {
        ar_diag_errorf(dg, NULL, 0, 0, "--jobs %s: expected a whole number from 1 to 64", val);
        return AR_EUSAGE;
      }
      cfg->jobs = (int)j;
    } else if (strcmp(name, "--color") == 0) {
      if (strcmp(val, "never") == 0) cfg->color = 0;
      else if (strcmp(val, "always") == 0) cfg->color = 1;
      else if (strcmp(val, "auto") == 0) cfg->color = 2;
      else {
        ar_diag_errorf(dg, NULL, 0, 0, "--color %s: expected auto, always or never", val);
        return AR_EUSAGE;
      }
    } else {
      ar_diag_errorf(dg, NULL, 0, 0, "unknown option %s (see alignrisk --help)", name);
      return AR_EUSAGE;
    }
  }
  if (cli->config_file && cli->no_config) {
    ar_diag_errorf(dg, NULL, 0, 0, "--config and --no-config exclude each other");
    return AR_EUSAGE;
  }
  if (cfg->dump && strcmp(cfg->dump, "models") && strcmp(cfg->dump, "refs") && strcmp(cfg->dump, "coverage")) {
    ar_diag_errorf(dg, NULL, 0, 0, "--dump %s: expected models, refs or coverage", cfg->dump);
    return AR_EUSAGE;
  }
  /* --ignore applies after --select whatever their order, as `ignore` does in the file. */
  if (rules_changed) ar_config_update_select(cfg);
  return AR_OK;
}

int ar_cli_configure(ar_config *cfg, ar_cli *cli, int argc, char **argv, ar_diag *dg)
{
  ar_config pre;
  const char *start;
  char *found = NULL;
  bool quiet;
  int err;

  /* First pass on a scratch config: argv errors come out before the file is read, and
   * tell where to look for it. The second pass, below, applies argv over the file. */
  ar_config_init(&pre);
  err = ar_cli_parse(&pre, cli, argc, argv, dg);
  start = pre.paths.len == 1 ? pre.paths.items[0] : NULL; /* points into argv */
  quiet = pre.quiet;
  ar_config_dispose(&pre);
  if (err < 0) return err;
  if (cli->cmd != AR_CMD_CHECK && cli->cmd != AR_CMD_HISTORY) return ar_cli_parse(cfg, cli, argc, argv, dg);

  const char *path = cli->config_file;
  if (!path && !cli->no_config) path = found = ar_config_find(start);
  if (path) {
    bool saved = dg->quiet_warnings;
    dg->quiet_warnings = saved || quiet;
    err = ar_config_load(cfg, path, cli->config_file != NULL, dg);
    dg->quiet_warnings = saved;
  }
  free(found);
  if (err < 0) return err;
  return ar_cli_parse(cfg, cli, argc, argv, dg);
}

/* ---- explain ----------------------------------------------------------------------------- */

int ar_cli_explain(ar_buf *out, const char *code)
{
  const char *text = ar_rule_help(code);
  return text ? ar_buf_puts(out, text) : AR_ENOTFOUND;
}

/* SPDX-License-Identifier: MIT
 * cli.c - command-line parsing and help. `--opt value` and `--opt=value` both work;
 * the last occurrence of a single-valued option wins, repeatable ones accumulate. */
#include "alignrisk/cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *ar_cli_usage(void)
{
  return "usage: alignrisk [check] [PATH...] [options]\n"
         "       alignrisk explain CODE\n"
         "\n"
         "Finds where Python services and their SQLAlchemy models disagree, weights each\n"
         "finding by the untested lines around it, and prints a ranked work list.\n"
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
         "  -j, --jobs N             parser threads (default: one per CPU)\n"
         "  --color auto|always|never  colour in text output (default auto; NO_COLOR disables)\n"
         "  -q, --quiet              no warnings on standard error\n"
         "  --dump models|refs|coverage  print one stage's data instead of the report\n"
         "  -V, --version            print the version\n"
         "  -h, --help               print this help\n"
         "\n"
         "score: risk(pair) = sum(severity x confidence x (1 + 0.5 x (recurrence - 1))) x max(1, untested lines)\n"
         "       severity critical 10, high 5, medium 3, low 1; confidence certain 1.0, likely 0.7, possible 0.4\n"
         "exit:  0 ok and gates passed; 1 a gate failed; 2 usage or input error\n";
}

static int set_rules(ar_config *cfg, const char *list, bool on, bool exclusive, ar_diag *dg)
{
  char *copy = ar_xstrdup(list);
  int err = AR_OK;
  if (exclusive)
    for (int i = 0; i < AR_RULE_COUNT; i++) cfg->select[i] = false;
  for (char *save = NULL, *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
    bool any = false;
    size_t n = strlen(tok);
    /* "AR1" selects the whole AR1xx family, like ruff's prefixes. */
    for (int i = 0; i < AR_RULE_COUNT; i++) {
      if (strncasecmp(ar_rules[i].code, tok, n) == 0 || strcmp(ar_rules[i].name, tok) == 0) {
        cfg->select[i] = on;
        any = true;
      }
    }
    if (!any) {
      ar_diag_errorf(dg, NULL, 0, 0, "unknown rule '%s' (expected a code such as AR101, or a prefix such as AR1)", tok);
      err = AR_EUSAGE;
      break;
    }
  }
  free(copy);
  return err;
}

static bool parse_double(const char *s, double *out)
{
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end || v < 0 || v != v) return false;
  *out = v;
  return true;
}

int ar_cli_parse(ar_config *cfg, ar_cli *cli, int argc, char **argv, ar_diag *dg)
{
  cli->cmd = AR_CMD_CHECK;
  cli->explain_code = NULL;
  int i = 1;
  if (i < argc && strcmp(argv[i], "check") == 0) i++;
  else if (i < argc && strcmp(argv[i], "explain") == 0) {
    if (i + 1 >= argc) {
      ar_diag_errorf(dg, NULL, 0, 0, "explain needs a rule code, e.g. 'alignrisk explain AR101'");
      return AR_EUSAGE;
    }
    cli->cmd = AR_CMD_EXPLAIN;
    cli->explain_code = argv[i + 1];
    return AR_OK;
  }
  bool only_paths = false;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
      AR_VEC_PUSH(&cfg->paths, a);
      continue;
    }
    if (strcmp(a, "--") == 0) { only_paths = true; continue; }
    /* Split --opt=value. */
    char name[64];
    const char *val = NULL;
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    if (n >= sizeof name) n = sizeof name - 1;
    memcpy(name, a, n);
    name[n] = '\0';
    if (eq) val = eq + 1;
    static const char *const flags[] = {"--new-only", "--include-tests", "--quiet", "-q",
                                        "--version", "-V", "--help", "-h", NULL};
    bool is_flag = false;
    for (size_t k = 0; flags[k]; k++) is_flag = is_flag || strcmp(name, flags[k]) == 0;
    if (is_flag) {
      if (val) {
        ar_diag_errorf(dg, NULL, 0, 0, "option %s takes no value", name);
        return AR_EUSAGE;
      }
    } else if (!val) {
      if (i + 1 >= argc) {
        ar_diag_errorf(dg, NULL, 0, 0, "option %s needs a value", name);
        return AR_EUSAGE;
      }
      val = argv[++i];
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) cli->cmd = AR_CMD_HELP;
    else if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) cli->cmd = AR_CMD_VERSION;
    else if (strcmp(name, "--new-only") == 0) cfg->new_only = true;
    else if (strcmp(name, "--include-tests") == 0) cfg->include_tests = true;
    else if (strcmp(name, "--quiet") == 0 || strcmp(name, "-q") == 0) cfg->quiet = true;
    else if (strcmp(name, "--coverage") == 0) AR_VEC_PUSH(&cfg->coverage, val);
    else if (strcmp(name, "--path-map") == 0) {
      const char *eqs = strchr(val, '=');
      if (!eqs || eqs == val) {
        ar_diag_errorf(dg, NULL, 0, 0, "--path-map %s: expected FROM=TO (a path prefix in the coverage report, and what it is here)", val);
        return AR_EUSAGE;
      }
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
      if (set_rules(cfg, val, true, true, dg) < 0) return AR_EUSAGE;
    } else if (strcmp(name, "--ignore") == 0) {
      if (set_rules(cfg, val, false, false, dg) < 0) return AR_EUSAGE;
    } else if (strcmp(name, "--exclude") == 0) AR_VEC_PUSH(&cfg->exclude, val);
    else if (strcmp(name, "--jobs") == 0 || strcmp(name, "-j") == 0) {
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
  if (cfg->dump && strcmp(cfg->dump, "models") && strcmp(cfg->dump, "refs") && strcmp(cfg->dump, "coverage")) {
    ar_diag_errorf(dg, NULL, 0, 0, "--dump %s: expected models, refs or coverage", cfg->dump);
    return AR_EUSAGE;
  }
  return AR_OK;
}

const char *ar_cli_explain(const char *code) { return ar_rule_help(code); }

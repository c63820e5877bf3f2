/* SPDX-License-Identifier: MIT
 * test_config.c - unit tests of the configuration: [tool.alignrisk] in pyproject.toml (every
 * key, every TOML form of it, warnings with line:col, syntax errors), finding the nearest
 * file, the command line's precedence over it, and `explain` for every rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alignrisk/cli.h"
#include "alignrisk/config.h"
#include "capture.h"

/* ---- helpers --------------------------------------------------------------------------- */


/* Load `toml` as if read from `path` into a fresh `cfg`; returns the status. */
static int load(ar_config *cfg, capture *c, const char *path, const char *toml, bool strict)
{
  ar_config_init(cfg);
  cap_open(c);
  return ar_config_load_mem(cfg, toml, strlen(toml), path, strict, &c->dg);
}

static void done(ar_config *cfg, capture *c)
{
  ar_config_dispose(cfg);
  cap_close(c);
}

static void rm_tree(const char *path)
{
  struct stat st;
  DIR *d;
  struct dirent *e;
  if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && (d = opendir(path))) {
    while ((e = readdir(d))) {
      char sub[PATH_MAX];
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
      rm_tree(sub);
    }
    closedir(d);
  }
  remove(path);
}

static void write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  assert_int_equal(fclose(f), 0);
}

/* A temp folder that is also the working folder for the test; the old one comes back. */
typedef struct tmpdir {
  char path[PATH_MAX];
  char old[PATH_MAX];
} tmpdir;

static int setup_dir(void **state)
{
  tmpdir *t = calloc(1, sizeof *t);
  char tmpl[] = "/tmp/ar_test_config_XXXXXX";
  if (!t || !mkdtemp(tmpl) || !getcwd(t->old, sizeof t->old)) return -1;
  if (!realpath(tmpl, t->path) || chdir(t->path) != 0) return -1;
  *state = t;
  return 0;
}

static int teardown_dir(void **state)
{
  tmpdir *t = *state;
  if (chdir(t->old) != 0) return -1;
  rm_tree(t->path);
  free(t);
  return 0;
}

/* ---- every key --------------------------------------------------------------------------- */

static const char full_example[] =
    "[project]\n"
    "name = \"shop\"\n"
    "\n"
    "[tool.ruff]\n"
    "line-length = 100   # someone else's table: never read, never warned about\n"
    "\n"
    "[tool.alignrisk]\n"
    "coverage = [\"coverage.xml\", \"more/coverage.json\"]\n"
    "history = \".alignrisk/history.json\"\n"
    "format = \"json\"\n"
    "output = \"reports/alignrisk.json\"\n"
    "fail-over = 5000\n"
    "fail-on = \"high\"\n"
    "new-only = true\n"
    "select = [\"AR1\", \"AR201\"]\n"
    "ignore = [\"AR104\"]\n"
    "exclude = [\"migrations/*\", \"scripts/*\"]\n"
    "include-tests = true\n"
    "min-confidence = \"possible\"\n"
    "guess-names = true\n"
    "jobs = 4\n"
    "color = \"never\"\n"
    "quiet = true\n"
    "path-map = [\"/home/runner/work/shop/=\"]\n"
    "\n"
    "[tool.alignrisk.weights]\n"
    "severity = {critical = 20, high = 5.5, medium = 3, low = 0}\n"
    "confidence = {certain = 1.0, likely = 0.5, possible = 0.25}\n"
    "repeat = 1_000\n";

static void test_every_key(void **state)
{
  ar_config cfg;
  capture c;
  (void)state;
  assert_int_equal(load(&cfg, &c, "pyproject.toml", full_example, false), 0);
  assert_string_equal(cap_text(&c), "");
  assert_string_equal(cfg.config_path, "pyproject.toml");
  assert_int_equal(cfg.coverage.len, 2);
  assert_string_equal(cfg.coverage.items[0], "coverage.xml");
  assert_string_equal(cfg.coverage.items[1], "more/coverage.json");
  assert_string_equal(cfg.history, ".alignrisk/history.json");
  assert_false(cfg.history_explicit); /* a configured history may not exist yet */
  assert_int_equal(cfg.format, AR_FMT_JSON);
  assert_string_equal(cfg.output, "reports/alignrisk.json");
  assert_true(cfg.fail_over == 5000.0);
  assert_int_equal(cfg.fail_on, AR_SEV_HIGH);
  assert_true(cfg.new_only);
  assert_string_equal(cfg.select_spec, "AR1,AR201");
  assert_int_equal(cfg.ignore_specs.len, 1);
  for (int i = 0; i < AR_RULE_COUNT; i++) {
    bool want = i <= AR_R105 || i == AR_R201;
    if (i == AR_R104) want = false;
    assert_int_equal(cfg.select[i], want);
  }
  assert_int_equal(cfg.exclude.len, 2);
  assert_string_equal(cfg.exclude.items[1], "scripts/*");
  assert_true(cfg.include_tests);
  assert_int_equal(cfg.min_confidence, AR_CONF_POSSIBLE);
  assert_true(cfg.guess_names);
  assert_int_equal(cfg.jobs, 4);
  assert_int_equal(cfg.color, 0);
  assert_true(cfg.quiet);
  assert_int_equal(cfg.path_map.len, 1);
  assert_string_equal(cfg.path_map.items[0], "/home/runner/work/shop/=");
  assert_true(cfg.sev_weight[AR_SEV_CRITICAL] == 20);
  assert_true(cfg.sev_weight[AR_SEV_HIGH] == 5.5);
  assert_true(cfg.sev_weight[AR_SEV_LOW] == 0);
  assert_true(cfg.conf_weight[AR_CONF_LIKELY] == 0.5);
  assert_true(cfg.conf_weight[AR_CONF_POSSIBLE] == 0.25);
  assert_true(cfg.repeat_step == 1000);
  done(&cfg, &c);
}

static void test_no_section_changes_nothing(void **state)
{
  ar_config cfg, dflt;
  capture c;
  (void)state;
  ar_config_init(&dflt);
  assert_int_equal(load(&cfg, &c, "pyproject.toml", "[project]\nname = \"x\"\n[tool.black]\nfoo = 1\n", false), 0);
  assert_string_equal(cap_text(&c), "");
  assert_string_equal(cfg.config_path, "pyproject.toml");
  assert_int_equal(cfg.format, dflt.format);
  assert_true(cfg.fail_over == dflt.fail_over);
  assert_int_equal(cfg.coverage.len, 0);
  assert_memory_equal(cfg.select, dflt.select, sizeof cfg.select);
  assert_memory_equal(cfg.sev_weight, dflt.sev_weight, sizeof cfg.sev_weight);
  ar_config_dispose(&dflt);
  done(&cfg, &c);
}

/* ---- TOML forms ---------------------------------------------------------------------------- */

static void test_toml_forms(void **state)
{
  static const struct {
    const char *toml;
    ar_format format;
    double critical, repeat;
    const char *map0;
  } rows[] = {
      /* dotted keys at the top level and inside [tool] */
      {"tool.alignrisk.format = \"sarif\"\n", AR_FMT_SARIF, 10, 0.5, NULL},
      {"[tool]\nalignrisk.format = \"gitlab\"\nalignrisk.weights.repeat = 2\n", AR_FMT_GITLAB, 10, 2, NULL},
      /* inline tables all the way down */
      {"tool = {alignrisk = {format = \"markdown\", weights = {severity = {critical = 7}}}}\n",
       AR_FMT_MARKDOWN, 7, 0.5, NULL},
      /* a header per level, quoted keys, and a path-map table */
      {"[\"tool\".'alignrisk']\nformat = 'github'\n[tool.alignrisk.weights.severity]\ncritical = 1e1\n"
       "[tool.alignrisk.path-map]\n\"/ci/build/\" = \"src/\"\n",
       AR_FMT_GITHUB, 10, 0.5, "/ci/build/=src/"},
      /* dotted keys inside our table; path-map as a table of dotted-looking quoted keys */
      {"[tool.alignrisk]\nweights.severity.critical = 3\nweights.repeat = 0\n"
       "path-map = {\"/a.b/\" = \"c/\"}\n",
       AR_FMT_TEXT, 3, 0, "/a.b/=c/"},
  };
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    ar_config cfg;
    capture c;
    assert_int_equal(load(&cfg, &c, "pyproject.toml", rows[i].toml, false), 0);
    if (strcmp(cap_text(&c), "") != 0) fail_msg("row %zu warned: %s", i, cap_text(&c));
    assert_int_equal(cfg.format, rows[i].format);
    assert_true(cfg.sev_weight[AR_SEV_CRITICAL] == rows[i].critical);
    assert_true(cfg.repeat_step == rows[i].repeat);
    if (rows[i].map0) {
      assert_int_equal(cfg.path_map.len, 1);
      assert_string_equal(cfg.path_map.items[0], rows[i].map0);
    } else {
      assert_int_equal(cfg.path_map.len, 0);
    }
    done(&cfg, &c);
  }
}

static void test_strings(void **state)
{
  static const struct {
    const char *value, *want;
  } rows[] = {
      {"\"a\\tb\\\\c\\\"d\\u00e9\\U0001F600\"", "a\tb\\c\"d\xc3\xa9\xf0\x9f\x98\x80"},
      {"'C:\\path\\no\\escapes'", "C:\\path\\no\\escapes"},
      {"\"\"\"\nfirst\nsecond\"\"\"", "first\nsecond"},
      {"\"\"\"one \\\n      two\"\"\"", "one two"},
      {"'''\nraw \\n'''", "raw \\n"},
      {"\"\"", ""},
  };
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    char toml[256];
    ar_config cfg;
    capture c;
    snprintf(toml, sizeof toml, "[tool.alignrisk]\nhistory = %s\n", rows[i].value);
    assert_int_equal(load(&cfg, &c, "pyproject.toml", toml, false), 0);
    if (strcmp(cap_text(&c), "") != 0) fail_msg("row %zu warned: %s", i, cap_text(&c));
    assert_non_null(cfg.history);
    assert_string_equal(cfg.history, rows[i].want);
    done(&cfg, &c);
  }
}

/* Paths in the file are relative to the file's folder; globs and path-map are not. */
static void test_relative_paths(void **state)
{
  static const char toml[] =
      "[tool.alignrisk]\n"
      "coverage = \"cov/coverage.xml\"\n"
      "history = \"/abs/history.json\"\n"
      "output = \"out.sarif\"\n"
      "exclude = \"legacy/*\"\n";
  ar_config cfg;
  capture c;
  (void)state;
  assert_int_equal(load(&cfg, &c, "../proj/pyproject.toml", toml, false), 0);
  assert_string_equal(cap_text(&c), "");
  assert_int_equal(cfg.coverage.len, 1);
  assert_string_equal(cfg.coverage.items[0], "../proj/cov/coverage.xml");
  assert_string_equal(cfg.history, "/abs/history.json");
  assert_string_equal(cfg.output, "../proj/out.sarif");
  assert_int_equal(cfg.exclude.len, 1);
  assert_string_equal(cfg.exclude.items[0], "legacy/*"); /* a single string is a list of one */
  done(&cfg, &c);
}

/* ---- warnings ------------------------------------------------------------------------------ */

static void test_warnings(void **state)
{
  static const struct {
    const char *toml, *want;
  } rows[] = {
      {"[tool.alignrisk]\nforma = \"json\"\n",
       "pyproject.toml:2:1: warning: unknown key 'forma' in [tool.alignrisk] (did you mean 'format'?); ignored\n"},
      {"[tool.alignrisk]\nfail_over = 3\n",
       "pyproject.toml:2:1: warning: unknown key 'fail_over' in [tool.alignrisk] (did you mean 'fail-over'?); ignored\n"},
      {"[tool.alignrisk]\nbanana = 1\n",
       "pyproject.toml:2:1: warning: unknown key 'banana' in [tool.alignrisk]; ignored\n"},
      {"[tool.alignrisk]\n\nfail-over = \"5000\"\n",
       "pyproject.toml:3:13: warning: [tool.alignrisk] fail-over: expected a number >= 0, found a string; ignored\n"},
      {"[tool.alignrisk]\nfail-over = -1\n",
       "pyproject.toml:2:13: warning: [tool.alignrisk] fail-over: expected a number >= 0, found an integer; ignored\n"},
      {"[tool.alignrisk]\nnew-only = \"yes\"\n",
       "pyproject.toml:2:12: warning: [tool.alignrisk] new-only: expected true or false, found a string; ignored\n"},
      {"[tool.alignrisk]\nformat = \"xml\"\n",
       "pyproject.toml:2:10: warning: [tool.alignrisk] format: \"xml\": expected text, json, markdown, sarif, gitlab or github; ignored\n"},
      {"[tool.alignrisk]\njobs = 2.5\n",
       "pyproject.toml:2:8: warning: [tool.alignrisk] jobs: expected a whole number from 1 to 64, found a float; ignored\n"},
      {"[tool.alignrisk]\ncoverage = [\"a.xml\", 3]\n",
       "pyproject.toml:2:22: warning: [tool.alignrisk] coverage: expected an array of strings, found an integer in it; ignored\n"},
      {"[tool.alignrisk]\nselect = [\"AR101\", \"AR9\"]\n",
       "pyproject.toml:2:20: warning: [tool.alignrisk] select: unknown rule 'AR9' (expected a code such as AR101, or a prefix such as AR1); ignored\n"},
      {"[tool.alignrisk]\nrecord = \"week-5\"\n",
       "pyproject.toml:2:1: warning: [tool.alignrisk] record: only on the command line (--record); ignored\n"},
      {"[tool.alignrisk]\nformat = \"json\"\nformat = \"text\"\n",
       "pyproject.toml:3:1: warning: [tool.alignrisk] format: defined again (first on line 2); ignored\n"},
      {"[tool.alignrisk.weights]\nseverity = {critcal = 1}\n",
       "pyproject.toml:2:13: warning: unknown key 'weights.severity.critcal' in [tool.alignrisk] (did you mean 'weights.severity.critical'?); ignored\n"},
      {"[tool.alignrisk.weights]\nrepeat = true\n",
       "pyproject.toml:2:10: warning: [tool.alignrisk] weights.repeat: expected a number >= 0, found a boolean; ignored\n"},
      {"[tool.alignrisk]\nweights = 3\n",
       "pyproject.toml:2:11: warning: [tool.alignrisk] weights: expected a table, found an integer; ignored\n"},
      {"[tool.alignrisk.format]\nx = 1\n",
       "pyproject.toml:1:2: warning: [tool.alignrisk] format: expected a value, found a table; ignored\n"},
      {"[[tool.alignrisk]]\nformat = \"json\"\n",
       "pyproject.toml:1:3: warning: [[tool.alignrisk]]: expected a table [tool.alignrisk], not an array of tables; ignored\n"},
      {"[tool.alignrisk]\npath-map = [\"nothing\"]\n",
       "pyproject.toml:2:13: warning: [tool.alignrisk] path-map: \"nothing\": expected FROM=TO; ignored\n"},
      {"[tool.alignrisk]\ncolor = true\n",
       "pyproject.toml:2:9: warning: [tool.alignrisk] color: expected a string, found a boolean; ignored\n"},
      {"[tool.alignrisk]\nselect = []\n",
       "pyproject.toml:2:10: warning: [tool.alignrisk] select: an empty list would select no rule; ignored\n"},
      {"[tool.alignrisk]\nselect = [\"\", \" , \"]\n",
       "pyproject.toml:2:10: warning: [tool.alignrisk] select: an empty list would select no rule; ignored\n"},
      {"[tool.alignrisk]\nformat = \"json\"\n[tool.alignrisk.weights]\n[tool.alignrisk]\nquiet = true\n",
       "pyproject.toml:4:2: warning: [tool.alignrisk] is defined again (first on line 1)\n"},
      {"tool.alignrisk = 1\n",
       "pyproject.toml:1:18: warning: [tool.alignrisk] tool.alignrisk: expected a table, found an integer; ignored\n"},
  };
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    ar_config cfg;
    capture c;
    assert_int_equal(load(&cfg, &c, "pyproject.toml", rows[i].toml, false), 0);
    if (strcmp(cap_text(&c), rows[i].want) != 0)
      fail_msg("row %zu:\n got  %s want %s", i, cap_text(&c), rows[i].want);
    assert_int_equal(c.dg.errors, 0);
    done(&cfg, &c);
  }
}

/* A warning drops only its key: the rest of the file still applies. */
static void test_bad_key_keeps_the_rest(void **state)
{
  ar_config cfg;
  capture c;
  (void)state;
  assert_int_equal(load(&cfg, &c, "pyproject.toml",
                        "[tool.alignrisk]\nfail-over = \"high\"\nformat = \"json\"\nfail-on = \"extreme\"\n", false),
                   0);
  assert_int_equal(c.dg.warnings, 2);
  assert_int_equal(cfg.format, AR_FMT_JSON);
  assert_true(cfg.fail_over < 0);
  assert_int_equal(cfg.fail_on, -1);
  done(&cfg, &c);
}

static void test_syntax_error(void **state)
{
  static const char toml[] = "[tool.alignrisk]\nformat = \"json\"\nfail-over = = 3\n";
  ar_config cfg;
  capture c;
  (void)state;
  /* Found by itself: a warning, and nothing of the file applies. */
  assert_int_equal(load(&cfg, &c, "pyproject.toml", toml, false), 0);
  assert_contains(cap_text(&c), "pyproject.toml:3:");
  assert_contains(cap_text(&c), ": warning: not valid TOML: ");
  assert_contains(cap_text(&c), "its [tool.alignrisk] settings are ignored\n");
  assert_int_equal(cfg.format, AR_FMT_TEXT);
  assert_null(cfg.config_path);
  done(&cfg, &c);
  /* Named by --config: an error. */
  assert_int_equal(load(&cfg, &c, "cfg.toml", toml, true), AR_EPARSE);
  assert_contains(cap_text(&c), "cfg.toml:3:");
  assert_contains(cap_text(&c), ": error: not valid TOML: ");
  assert_int_equal(c.dg.errors, 1);
  done(&cfg, &c);
  /* An unterminated table header. */
  assert_int_equal(load(&cfg, &c, "pyproject.toml", "[tool.alignrisk\nformat = \"json\"\n", false), 0);
  assert_contains(cap_text(&c), "pyproject.toml:1:");
  assert_int_equal(cfg.format, AR_FMT_TEXT);
  done(&cfg, &c);
}

/* Unknown keys and a wrong type are warnings even with --config. */
static void test_strict_only_for_syntax(void **state)
{
  ar_config cfg;
  capture c;
  (void)state;
  assert_int_equal(load(&cfg, &c, "cfg.toml", "[tool.alignrisk]\nnope = 1\nformat = \"json\"\n", true), 0);
  assert_int_equal(c.dg.warnings, 1);
  assert_int_equal(c.dg.errors, 0);
  assert_int_equal(cfg.format, AR_FMT_JSON);
  done(&cfg, &c);
}

/* ---- the file on disk ------------------------------------------------------------------------ */

static void test_find_nearest(void **state)
{
  tmpdir *t = *state;
  char *p;
  assert_int_equal(mkdir("repo", 0777), 0);
  assert_int_equal(mkdir("repo/.git", 0777), 0);
  assert_int_equal(mkdir("repo/pkg", 0777), 0);
  assert_int_equal(mkdir("repo/pkg/sub", 0777), 0);
  write_text("pyproject.toml", "# above the repository: never read\n");

  /* None inside the repository: the search stops at the folder holding .git. */
  assert_null(ar_config_find("repo/pkg/sub"));
  assert_int_equal(chdir("repo/pkg"), 0);
  assert_null(ar_config_find(NULL));
  assert_int_equal(chdir(t->path), 0);

  write_text("repo/pyproject.toml", "[tool.alignrisk]\n");
  p = ar_config_find("repo/pkg/sub");
  assert_string_equal(p, "repo/pyproject.toml");
  free(p);
  p = ar_config_find("repo/pkg/sub/missing.py"); /* a path that does not exist: the working folder */
  assert_string_equal(p, "pyproject.toml");
  free(p);
  write_text("repo/pkg/mod.py", "x = 1\n");
  p = ar_config_find("repo/pkg/mod.py"); /* a file: its folder */
  assert_string_equal(p, "repo/pyproject.toml");
  free(p);

  /* Relative to the working folder, which may be below the file. */
  assert_int_equal(chdir("repo/pkg/sub"), 0);
  p = ar_config_find(NULL);
  assert_string_equal(p, "../../pyproject.toml");
  free(p);
  p = ar_config_find("..");
  assert_string_equal(p, "../../pyproject.toml");
  free(p);
  write_text("pyproject.toml", "");
  p = ar_config_find(".");
  assert_string_equal(p, "pyproject.toml"); /* the nearest wins */
  free(p);
  assert_int_equal(chdir(t->path), 0);
}

static void test_load_file(void **state)
{
  ar_config cfg;
  capture c;
  (void)state;
  assert_int_equal(mkdir("proj", 0777), 0);
  write_text("proj/pyproject.toml", "[tool.alignrisk]\ncoverage = \"coverage.xml\"\n");
  ar_config_init(&cfg);
  cap_open(&c);
  assert_int_equal(ar_config_load(&cfg, "proj/pyproject.toml", false, &c.dg), 0);
  assert_string_equal(cap_text(&c), "");
  assert_string_equal(cfg.config_path, "proj/pyproject.toml");
  assert_string_equal(cfg.coverage.items[0], "proj/coverage.xml");
  /* Missing: a warning when found by the search (a race), an error when named. */
  assert_int_equal(ar_config_load(&cfg, "nope.toml", false, &c.dg), 0);
  assert_int_equal(c.dg.warnings, 1);
  assert_int_equal(ar_config_load(&cfg, "nope.toml", true, &c.dg), AR_ENOTFOUND);
  assert_contains(cap_text(&c), "nope.toml: error: cannot open: No such file or directory\n");
  done(&cfg, &c);
}

/* ---- the command line on top ------------------------------------------------------------------ */

static int configure(ar_config *cfg, ar_cli *cli, capture *c, const char *const *args)
{
  char *argv[32];
  int argc = 0;
  argv[argc++] = (char *)"alignrisk";
  for (size_t i = 0; args[i]; i++) argv[argc++] = (char *)args[i];
  argv[argc] = NULL;
  ar_config_init(cfg);
  cap_open(c);
  return ar_cli_configure(cfg, cli, argc, argv, &c->dg);
}

static const char project_toml[] =
    "[tool.alignrisk]\n"
    "format = \"json\"\n"
    "coverage = [\"a.xml\", \"b.xml\"]\n"
    "exclude = [\"legacy/*\"]\n"
    "ignore = [\"AR201\"]\n"
    "select = [\"AR1\", \"AR2\"]\n"
    "fail-over = 100\n"
    "path-map = {\"/ci/\" = \"\"}\n";

static void test_cli_wins(void **state)
{
  ar_config cfg;
  ar_cli cli;
  capture c;
  (void)state;
  write_text("pyproject.toml", project_toml);

  /* The file alone. */
  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){NULL}), 0);
  assert_string_equal(cap_text(&c), "");
  assert_string_equal(cfg.config_path, "pyproject.toml");
  assert_int_equal(cfg.format, AR_FMT_JSON);
  assert_int_equal(cfg.coverage.len, 2);
  assert_false(cfg.select[AR_R201]);
  assert_true(cfg.select[AR_R101]);
  done(&cfg, &c);

  /* Single values replace; a repeatable option replaces the file's whole list. */
  assert_int_equal(configure(&cfg, &cli, &c,
                             (const char *const[]){"--format", "text", "--coverage", "c.xml", "--exclude=x/*",
                                                   "--exclude", "y/*", "--fail-over", "7", "--path-map",
                                                   "/b/=", NULL}),
                   0);
  assert_int_equal(cfg.format, AR_FMT_TEXT);
  assert_int_equal(cfg.coverage.len, 1);
  assert_string_equal(cfg.coverage.items[0], "c.xml");
  assert_int_equal(cfg.exclude.len, 2);
  assert_string_equal(cfg.exclude.items[0], "x/*");
  assert_true(cfg.fail_over == 7);
  assert_int_equal(cfg.path_map.len, 1);
  assert_string_equal(cfg.path_map.items[0], "/b/=");
  done(&cfg, &c);

  /* --ignore replaces the file's ignore; the file's select still applies. */
  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"--ignore", "AR101", NULL}), 0);
  assert_false(cfg.select[AR_R101]);
  assert_true(cfg.select[AR_R201]);
  done(&cfg, &c);
  /* --select replaces the file's select; the file's ignore still applies. */
  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"--select", "AR2", NULL}), 0);
  assert_false(cfg.select[AR_R101]);
  assert_false(cfg.select[AR_R201]);
  assert_true(cfg.select[AR_R202]);
  done(&cfg, &c);

  /* --no-config: defaults only. */
  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"--no-config", NULL}), 0);
  assert_null(cfg.config_path);
  assert_int_equal(cfg.format, AR_FMT_TEXT);
  assert_int_equal(cfg.coverage.len, 0);
  assert_true(cfg.select[AR_R201]);
  done(&cfg, &c);
}

static void test_cli_config_option(void **state)
{
  ar_config cfg;
  ar_cli cli;
  capture c;
  (void)state;
  assert_int_equal(mkdir("conf", 0777), 0);
  write_text("conf/alignrisk.toml", "[tool.alignrisk]\nformat = \"sarif\"\nhistory = \"h.json\"\n");
  write_text("pyproject.toml", project_toml);
  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"--config", "conf/alignrisk.toml", NULL}), 0);
  assert_string_equal(cfg.config_path, "conf/alignrisk.toml");
  assert_int_equal(cfg.format, AR_FMT_SARIF);
  assert_string_equal(cfg.history, "conf/h.json");
  assert_int_equal(cfg.coverage.len, 0); /* the pyproject.toml is not read */
  done(&cfg, &c);

  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"--config", "none.toml", NULL}), AR_ENOTFOUND);
  assert_string_equal(cap_text(&c), "none.toml: error: cannot open: No such file or directory\n");
  done(&cfg, &c);

  write_text("broken.toml", "[tool.alignrisk\n");
  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"--config=broken.toml", NULL}), AR_EPARSE);
  assert_contains(cap_text(&c), "broken.toml:1:");
  done(&cfg, &c);

  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"--config", "x.toml", "--no-config", NULL}),
                   AR_EUSAGE);
  assert_string_equal(cap_text(&c), "alignrisk: error: --config and --no-config exclude each other\n");
  done(&cfg, &c);
}

/* Warnings about the file follow -q; argv errors come before the file is read. */
static void test_cli_quiet_and_order(void **state)
{
  ar_config cfg;
  ar_cli cli;
  capture c;
  (void)state;
  write_text("pyproject.toml", "[tool.alignrisk]\nunknown = 1\n");
  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"-q", NULL}), 0);
  assert_string_equal(cap_text(&c), "");
  assert_int_equal(c.dg.warnings, 1);
  done(&cfg, &c);
  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"--format", "yaml", NULL}), AR_EUSAGE);
  assert_string_equal(cap_text(&c),
                      "alignrisk: error: --format yaml: expected text, json, markdown, sarif, gitlab or github\n");
  done(&cfg, &c);
}

static void test_cli_history_command(void **state)
{
  ar_config cfg;
  ar_cli cli;
  capture c;
  (void)state;
  write_text("pyproject.toml", "[tool.alignrisk]\nhistory = \"h/history.json\"\n");
  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"history", NULL}), 0);
  assert_int_equal(cli.cmd, AR_CMD_HISTORY);
  assert_string_equal(cfg.history, "h/history.json");
  done(&cfg, &c);
  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"history", "--history", "x.json", NULL}), 0);
  assert_string_equal(cfg.history, "x.json");
  assert_true(cfg.history_explicit);
  done(&cfg, &c);
  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"history", "--format", "json", NULL}), AR_EUSAGE);
  assert_string_equal(cap_text(&c),
                      "alignrisk: error: option --format does not apply to 'alignrisk history' (it takes --history FILE)\n");
  done(&cfg, &c);
  assert_int_equal(configure(&cfg, &cli, &c, (const char *const[]){"history", "a", "b", NULL}), AR_EUSAGE);
  done(&cfg, &c);
}

/* ---- rules and explain ------------------------------------------------------------------------ */

static void test_rule_match(void **state)
{
  bool mask[AR_RULE_COUNT] = {false};
  char *bad;
  (void)state;
  assert_true(ar_config_rule_match("ar10", mask));
  for (int i = 0; i < AR_RULE_COUNT; i++) assert_int_equal(mask[i], i <= AR_R105);
  assert_true(ar_config_rule_match("unknown-enum-member", NULL));
  assert_false(ar_config_rule_match("AR3", NULL));
  assert_false(ar_config_rule_match("", NULL));
  assert_null(ar_config_rule_check("AR101, AR2,unknown-attribute-read"));
  bad = ar_config_rule_check("AR101,AR777,AR9");
  assert_string_equal(bad, "AR777");
  free(bad);
}

static void test_explain_every_rule(void **state)
{
  (void)state;
  for (int i = 0; i < AR_RULE_COUNT; i++) {
    ar_buf b;
    ar_buf_init(&b, 1u << 20);
    assert_int_equal(ar_cli_explain(&b, ar_rules[i].code), 0);
    assert_true(strncmp(b.ptr, ar_rules[i].code, 5) == 0);
    assert_contains(b.ptr, ar_rules[i].name);
    assert_contains(b.ptr, "What: ");
    assert_contains(b.ptr, "Why it breaks: ");
    assert_contains(b.ptr, "Example");
    assert_contains(b.ptr, "Fix");
    if (ar_rule_help(ar_rules[i].code)) assert_string_equal(b.ptr, ar_rule_help(ar_rules[i].code));
    ar_buf_dispose(&b);
  }
}

static void test_explain_seed_fixes(void **state)
{
  ar_buf b;
  (void)state;
  ar_buf_init(&b, 1u << 20);
  assert_int_equal(ar_cli_explain(&b, "ar101"), 0); /* any case */
  assert_contains(b.ptr, "1. Add the column");
  assert_contains(b.ptr, "2. Use the field the model does have");
  assert_contains(b.ptr, "3. ");
  ar_buf_clear(&b);
  assert_int_equal(ar_cli_explain(&b, "AR999"), AR_ENOTFOUND);
  assert_int_equal(ar_cli_explain(&b, "AR"), AR_ENOTFOUND); /* a prefix is not a rule */
  assert_int_equal(ar_cli_explain(&b, "value-too-long"), AR_ENOTFOUND); /* a code, not a name */
  assert_int_equal(ar_cli_explain(&b, "ar204"), 0);
  assert_contains(b.ptr, "AR204 value-too-long (medium)\n\nWhat: a string literal longer than");
  assert_contains(b.ptr, "Example:\n    user.country");
  ar_buf_dispose(&b);
}

#define DIR_TEST(f) cmocka_unit_test_setup_teardown(f, setup_dir, teardown_dir)

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_key),
      cmocka_unit_test(test_no_section_changes_nothing),
      cmocka_unit_test(test_toml_forms),
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_relative_paths),
      cmocka_unit_test(test_warnings),
      cmocka_unit_test(test_bad_key_keeps_the_rest),
      cmocka_unit_test(test_syntax_error),
      cmocka_unit_test(test_strict_only_for_syntax),
      DIR_TEST(test_find_nearest),
      DIR_TEST(test_load_file),
      DIR_TEST(test_cli_wins),
      DIR_TEST(test_cli_config_option),
      DIR_TEST(test_cli_quiet_and_order),
      DIR_TEST(test_cli_history_command),
      cmocka_unit_test(test_rule_match),
      cmocka_unit_test(test_explain_every_rule),
      cmocka_unit_test(test_explain_seed_fixes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

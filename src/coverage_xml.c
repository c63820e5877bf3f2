/* SPDX-License-Identifier: MIT
 * coverage_xml.c - stage "coverage", Cobertura reader: stream coverage.xml through
 * libxml2's xmlTextReader, keep <source> roots and each <class filename>'s <line number
 * hits> (plus branch counts), sealing a file's lines when its </class> ends.
 * Before editing: the byte guard (io_read) keeps every DTD away from libxml2; the reader's
 * node-type checks are only the second line of defence. Keep both. Nothing here may
 * allocate per <line>: that is what keeps memory flat on a 500 MB report. */
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "alignrisk/buf.h"
#include "alignrisk/mem.h"
#include "coverage_int.h"

#define SOURCE_MAX 4096u /* longer <source> text is not a path we could ever match */

/* ---- input guard ---------------------------------------------------------------------- */

/* The xmlTextReader parses ahead of the node it hands out, so by the time it reports a
 * DOCUMENT_TYPE node the internal subset, and possibly the first entity references, have
 * been processed. We therefore feed libxml2 the bytes ourselves (xmlReaderForIO) and refuse
 * a DOCTYPE with an internal subset ("<!DOCTYPE x [ ... ]>") before libxml2 sees it. A bare
 * external identifier, as Cobertura and older coverage.py write it
 * (<!DOCTYPE coverage SYSTEM "...coverage-04.dtd">), is harmless and allowed: the DTD is
 * never loaded (no DTDLOAD, NONET). Without an internal subset no entity can be declared,
 * so any `&name;` other than the five predefined ones is a well-formedness error. The byte
 * scan only sees markup the parser will see if both agree on the encoding: the parser is
 * held to UTF-8 (see ar_cov__read_xml), and NUL bytes, never legal in XML, are refused. */
typedef struct guard {
  ar_cov__input *in;
  size_t match, close_match; /* bytes of "<!DOCTYPE", "</coverage" matched so far */
  bool in_doctype;           /* between "<!DOCTYPE" and its closing '>' */
  char quote;                /* inside a quoted literal of the DOCTYPE: its quote character */
  long line;                 /* 1 + newlines passed to libxml2 so far */
  long bad_line;             /* line of the refused byte ('[' of the subset, the NUL) */
  const char *bad;           /* why the input was refused; NULL while it is acceptable */
  bool closed;               /* saw "</coverage": a stream cut before it is truncated */
} guard;

/* Feed one byte to a matcher for `pat`; true when the whole pattern has just matched.
 * '<' occurs only at the start of our patterns, so a mismatch restarts at 0 or 1. */
static bool step(size_t *m, const char *pat, unsigned char c)
{
  if (c != (unsigned char)pat[*m]) {
    *m = c == '<';
    return false;
  }
  if (pat[++*m] != '\0') return false;
  *m = 0;
  return true;
}

/* Newlines in p[0..n). This sees every byte of the report, so it goes 16 bytes at a time
 * where SSE2 is there (every x86-64), else 8 at a time in a register. */
static long count_newlines(const unsigned char *p, size_t n)
{
  long k = 0;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n');
  while (n - i >= 16) {
    __m128i acc = _mm_setzero_si128();
    // Each compare gives -1 per newline; subtracting counts up, at most 255 rounds a byte.
    for (int r = 0; r < 255 && n - i >= 16; r++, i += 16)
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), nl));
    __m128i sum = _mm_sad_epu8(acc, _mm_setzero_si128());
    k += _mm_cvtsi128_si32(sum) + _mm_extract_epi16(sum, 4);
  }
#else
  const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fu, nls = 0x0a0a0a0a0a0a0a0au;
  for (; n - i >= 8; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    w ^= nls;
    w = ~(((w & lo7) + lo7) | w | lo7) >> 7; /* 1 in each byte that was '\n' */
    k += (long)((w * 0x0101010101010101u) >> 56);
  }
#endif
  for (; i < n; i++) k += p[i] == '\n';
  return k;
}

/* Refuse the input at p[off] (p: the chunk being checked, g->line: its first line). */
static bool refuse(guard *g, const char *why, const unsigned char *p, size_t off)
{
  g->bad = why;
  g->bad_line = g->line + count_newlines(p, off);
  return false;
}

/* p[i], the slow way: inside a DOCTYPE or a possible "<!DOCTYPE" / "</coverage". */
static bool guard_byte(guard *g, const unsigned char *p, size_t i)
{
  unsigned char c = p[i];
  if (g->in_doctype) {
    if (g->quote) {
      if (c == (unsigned char)g->quote) g->quote = 0;
    } else if (c == '"' || c == '\'') {
      g->quote = (char)c;
    } else if (c == '[') {
      return refuse(g, "DTDs and entities are not allowed", p, i);
    } else if (c == '>') {
      g->in_doctype = false;
    }
    return true;
  }
  if (step(&g->close_match, "</coverage", c)) g->closed = true;
  if (step(&g->match, "<!DOCTYPE", c)) g->in_doctype = true;
  return true;
}

/* Check `n` bytes about to go to libxml2. Only "<!" and "</" can start what we look for,
 * so the common case is one memchr per element and a look at the byte after its '<';
 * NUL bytes and newlines are found once per chunk. */
static bool guard_bytes(guard *g, const unsigned char *p, size_t n)
{
  const unsigned char *nul = memchr(p, 0, n);
  size_t lim = nul ? (size_t)(nul - p) : n, i = 0;
  while (i < lim) {
    if (g->in_doctype || g->match || g->close_match) {
      if (!guard_byte(g, p, i)) return false;
      i++;
      continue;
    }
    const unsigned char *lt = memchr(p + i, '<', lim - i);
    if (!lt) break;
    i = (size_t)(lt - p) + 1;
    if (i == lim || p[i] == '!' || p[i] == '/') g->match = g->close_match = 1;
  }
  if (nul) return refuse(g, "NUL byte: only UTF-8 coverage reports are supported", p, lim);
  g->line += count_newlines(p, n);
  return true;
}

static int io_read(void *ctx, char *buf, int len)
{
  guard *g = ctx;
  if (g->bad || g->in->read_errno) return -1;
  if (len <= 0) return 0;
  size_t n = ar_cov__read(g->in, buf, (size_t)len);
  if (g->in->read_errno) return -1;
  return guard_bytes(g, (const unsigned char *)buf, n) ? (int)n : -1;
}

/* ---- streaming parse ------------------------------------------------------------------ */

typedef struct loader {
  ar_cov *stage;
  xmlTextReaderPtr r;
  const char *name;   /* path for diagnostics */
  ar_diag *dg;
  guard g;
  char *xml_msg;      /* first libxml2 error, captured instead of printed */
  long xml_line;
  int xml_code;
  bool xml_at_eof;    /* raised after the input ran out */
  bool saw_root;
  ar_cov__entry *cls; /* the <class> being read; NULL outside one */
  int cls_depth;
  bool in_lines;      /* inside class/lines (not method/lines, which repeats them) */
  bool in_source;
  bool warned_branch; /* one warning per report for unreadable branch data */
  ar_buf source;
  /* Element and attribute names interned in the reader's dictionary: compared by pointer
   * (with a strcmp fallback, see name_is). */
  const xmlChar *k_line, *k_lines, *k_class, *k_source, *k_number, *k_hits, *k_cond;
} loader;

static bool name_is(const xmlChar *got, const xmlChar *interned, const char *lit)
{
  return got == interned || (got && got[0] == (xmlChar)lit[0] && !strcmp((const char *)got, lit));
}

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
  loader *ld = ctx;
  if (!e || e->level < XML_ERR_ERROR || ld->xml_msg) return;
  const char *m = e->message ? e->message : "parse error";
  size_t n = strcspn(m, "\n"); /* some messages add a "Bytes: 0x.." line */
  while (n && m[n - 1] == ' ') n--;
  ld->xml_msg = ar_xstrndup(m, n);
  ld->xml_line = e->line;
  ld->xml_code = e->code;
  ld->xml_at_eof = ld->g.in->eof;
}

/* Line of the node the reader stands on. Not xmlTextReaderGetParserLineNumber: the parser
 * runs up to a chunk ahead of the reader. Exact up to line 65535; past it libxml2 2.9 (with
 * XML_PARSE_BIG_LINES) borrows the line of a neighbouring text node, which can be one more. */
static long node_line(loader *ld)
{
  xmlNodePtr node = xmlTextReaderCurrentNode(ld->r);
  long line = node ? xmlGetLineNo(node) : -1;
  return line > 0 ? line : xmlTextReaderGetParserLineNumber(ld->r);
}

/* ar_cov__parse_u32 on a NUL-terminated value, without the strlen (once per attribute). */
static bool parse_attr_u32(const char *s, bool saturate, uint32_t *out)
{
  uint64_t v = 0;
  if (!*s) return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return false;
    v = v * 10 + (uint64_t)(*s - '0');
    if (v > UINT32_MAX) {
      if (!saturate) return false;
      v = UINT32_MAX;
    }
  }
  *out = (uint32_t)v;
  return true;
}

/* "50% (1/2)" -> 1 taken of 2. False when there is no "(a/b)" with a <= b, b >= 1. */
static bool parse_condition(const char *s, uint32_t *covered, uint32_t *total)
{
  const char *open = strchr(s, '('), *slash = open ? strchr(open, '/') : NULL;
  const char *close = slash ? strchr(slash, ')') : NULL;
  return close &&
         ar_cov__parse_u32(open + 1, (size_t)(slash - open - 1), UINT32_MAX, true, covered) &&
         ar_cov__parse_u32(slash + 1, (size_t)(close - slash - 1), UINT32_MAX, true, total) &&
         *total >= 1 && *covered <= *total;
}

/* The value of attribute `a`: its text child as it is (the common case: no allocation),
 * else a copy in *owned (xmlFree) built by libxml2. */
static const char *attr_value(xmlAttrPtr a, xmlChar **owned)
{
  xmlNodePtr t = a->children;
  if (t && t->type == XML_TEXT_NODE && !t->next && t->content) return (const char *)t->content;
  *owned = xmlNodeGetContent((xmlNodePtr)a);
  return (const char *)*owned;
}

/* Up to 32 bytes of an attribute value for a message. */
static void quote_value(char *dst, size_t size, const char *v)
{
  snprintf(dst, size, "%.32s", v ? v : "(missing)");
}

static int on_line(loader *ld)
{
  char num_raw[40], hits_raw[40], cond_raw[40]; /* filled when a value does not parse */
  bool have_num = false, have_hits = false, num_ok = false, hits_ok = false, branch_ok = true;
  uint32_t num = 0, hits = 0, covered = 0, total = 0;
  // The attributes are read straight off the reader's current node: this runs for every
  // <line>, and the MoveTo.../Const... calls per attribute cost more than the parsing.
  // The node lives until the next xmlTextReaderRead; only a value that fails to parse is
  // copied, for the message.
  xmlNodePtr node = xmlTextReaderCurrentNode(ld->r);
  for (xmlAttrPtr a = node ? node->properties : NULL; a; a = a->next) {
    const xmlChar *an = a->name;
    xmlChar *owned = NULL;
    const char *av = attr_value(a, &owned);
    if (!an || !av) continue;
    if (name_is(an, ld->k_number, "number")) {
      have_num = true;
      num_ok = parse_attr_u32(av, false, &num) && num > 0;
      if (!num_ok) quote_value(num_raw, sizeof num_raw, av);
    } else if (name_is(an, ld->k_hits, "hits")) {
      have_hits = true;
      hits_ok = parse_attr_u32(av, true, &hits);
      if (!hits_ok) quote_value(hits_raw, sizeof hits_raw, av);
    } else if (name_is(an, ld->k_cond, "condition-coverage")) {
      branch_ok = parse_condition(av, &covered, &total);
      if (!branch_ok) quote_value(cond_raw, sizeof cond_raw, av);
    }
    xmlFree(owned);
  }
  const char *cls = ld->cls->pub.name;
  if (!have_num) {
    ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0,
                   "<line> without a 'number' attribute in <class filename=\"%s\">", cls);
    return AR_EPARSE;
  }
  if (!num_ok) {
    ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0,
                   "<line number=\"%s\"> in <class filename=\"%s\">: the line number must be "
                   "a positive integer", num_raw, cls);
    return AR_EPARSE;
  }
  if (!have_hits || !hits_ok) {
    ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0,
                   "<line number=\"%u\"> in <class filename=\"%s\">: hits=\"%s\" is not a "
                   "non-negative integer", num, cls, have_hits ? hits_raw : "(missing)");
    return AR_EPARSE;
  }
  if (!branch_ok) {
    if (!ld->warned_branch)
      ar_diag_warnf(ld->dg, ld->name, node_line(ld), 0,
                    "<line number=\"%u\"> in <class filename=\"%s\">: condition-coverage=\"%s\""
                    " is not \"N%% (taken/total)\"; branch data ignored (reported once)",
                    num, cls, cond_raw);
    ld->warned_branch = true;
    covered = total = 0;
  }
  ar_cov__add_line(ld->cls, num, hits, covered, total);
  return 0;
}

static int on_class(loader *ld, int depth, bool empty)
{
  ar_cov__entry *e = NULL;
  if (xmlTextReaderMoveToAttribute(ld->r, BAD_CAST "filename") == 1) {
    const char *fn = (const char *)xmlTextReaderConstValue(ld->r);
    if (fn) e = ar_cov__file(ld->stage, fn, strlen(fn));
    xmlTextReaderMoveToElement(ld->r);
  }
  if (!e) {
    ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0,
                   "<class> without a 'filename' attribute (expected the measured file's path)");
    return AR_EPARSE;
  }
  // Registered even when it has no lines: an empty __init__.py is measured, not unknown.
  ld->cls = empty ? NULL : e;
  ld->cls_depth = depth;
  ld->in_lines = false;
  return 0;
}

static int on_element(loader *ld, const xmlChar *tag, int depth)
{
  if (ld->cls) {
    if (ld->in_lines && depth == ld->cls_depth + 2 && name_is(tag, ld->k_line, "line"))
      return on_line(ld);
    if (depth == ld->cls_depth + 1 && name_is(tag, ld->k_lines, "lines"))
      ld->in_lines = xmlTextReaderIsEmptyElement(ld->r) != 1;
    return 0;
  }
  bool empty = xmlTextReaderIsEmptyElement(ld->r) == 1;
  if (depth == 0) {
    ld->saw_root = true;
    if (tag && !strcmp((const char *)tag, "coverage")) return 0;
    ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0,
                   "root element is <%s>, expected <coverage> (not a Cobertura report)",
                   tag ? (const char *)tag : "");
    return AR_EPARSE;
  }
  if (name_is(tag, ld->k_class, "class")) return on_class(ld, depth, empty);
  if (name_is(tag, ld->k_source, "source") && !empty) {
    ld->in_source = true;
    ar_buf_clear(&ld->source);
  }
  return 0;
}

static void end_source(loader *ld)
{
  const char *s = ld->source.ptr, *e = s + ld->source.len;
  while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) s++;
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) e--;
  ar_cov__add_source(ld->stage, s, (size_t)(e - s));
  ld->in_source = false;
}

static void end_element(loader *ld, const xmlChar *tag, int depth)
{
  if (ld->cls) {
    if (depth == ld->cls_depth + 1 && name_is(tag, ld->k_lines, "lines")) ld->in_lines = false;
    if (depth == ld->cls_depth) {
      ar_cov__seal(ld->cls); /* the file's lines shrink to their packed form now */
      ld->cls = NULL;
    }
  }
  if (ld->in_source) end_source(ld);
}

static int read_all(loader *ld)
{
  int ret, err = 0;
  for (;;) {
    ret = xmlTextReaderRead(ld->r);
    if (ret != 1) break;
    int type = xmlTextReaderNodeType(ld->r);
    switch (type) {
    case XML_READER_TYPE_ELEMENT:
      err = on_element(ld, xmlTextReaderConstLocalName(ld->r), xmlTextReaderDepth(ld->r));
      break;
    case XML_READER_TYPE_END_ELEMENT:
      end_element(ld, xmlTextReaderConstLocalName(ld->r), xmlTextReaderDepth(ld->r));
      break;
    case XML_READER_TYPE_DOCUMENT_TYPE: /* external identifier only (see the guard) */
      break;
    case XML_READER_TYPE_ENTITY_REFERENCE:
    case XML_READER_TYPE_ENTITY:
      ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0, "DTDs and entities are not allowed");
      return AR_EPARSE;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
      if (ld->in_source) {
        const char *v = (const char *)xmlTextReaderConstValue(ld->r);
        if (v && ar_buf_puts(&ld->source, v) < 0) {
          ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0, "<source> longer than %u bytes",
                         SOURCE_MAX);
          return AR_EPARSE;
        }
      }
      break;
    default: break;
    }
    if (err < 0) return err;
  }
  // The guard's verdict first: once it refuses input, libxml2 only sees a cut-off stream
  // (and a "<!DOCTYPE" after the root element would otherwise look like a clean end).
  if (ld->g.bad) {
    ar_diag_errorf(ld->dg, ld->name, ld->g.bad_line, 0, "%s", ld->g.bad);
    return AR_EPARSE;
  }
  if (ld->g.in->read_errno) {
    ar_diag_errorf(ld->dg, ld->name, 0, 0, "cannot read coverage file: %s",
                   strerror(ld->g.in->read_errno));
    return AR_ENOTFOUND;
  }
  if (ret < 0) {
    // libxml2 2.9 words a cut-off stream as "Extra content at the end of the document";
    // say what it is: the root was opened, its end tag never came, and the error was
    // raised only once the input ran out.
    const char *msg = ld->xml_msg ? ld->xml_msg : "parse error";
    if (ld->xml_code == XML_ERR_DOCUMENT_END && ld->saw_root && !ld->g.closed && ld->xml_at_eof)
      msg = "unexpected end of file inside <coverage>: the report is truncated";
    ar_diag_errorf(ld->dg, ld->name, ld->xml_msg ? ld->xml_line : node_line(ld), 0,
                   "malformed XML: %s", msg);
    return AR_EPARSE;
  }
  return 0;
}

int ar_cov__read_xml(ar_cov *stage, ar_cov__input *in, const char *name, ar_diag *dg)
{
  loader ld = {.stage = stage, .name = name, .dg = dg, .g = {.in = in, .line = 1}};
  int err = 0;
  ar_buf_init(&ld.source, SOURCE_MAX);
  xmlInitParser();
  // Errors raised outside the reader's context (I/O layer) go to the thread's global
  // handler: route those to us too, so libxml2 never prints on its own.
  xmlStructuredErrorFunc old_fn = xmlStructuredError;
  void *old_ctx = xmlStructuredErrorContext;
  xmlSetStructuredErrorFunc(&ld, on_xml_error);

  // NONET; never NOENT (it *enables* substitution), DTDLOAD or DTDATTR. UTF-8 is forced:
  // no detection from the first bytes, no encoding="..." switch, since in EBCDIC (say) the
  // byte guard would not recognise a DOCTYPE. BIG_LINES: line numbers past 65535.
  // COMPACT: short text is stored inside its node (xmllint --stream uses it too).
  // NOBLANKS: the indentation between elements makes no nodes (one per <line> otherwise).
  ld.r = xmlReaderForIO(io_read, NULL, &ld.g, name, "UTF-8",
                        XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_BIG_LINES |
                            XML_PARSE_COMPACT | XML_PARSE_NOBLANKS);
  if (!ld.r) { /* only if the very first read failed or libxml2 is out of memory */
    err = ld.g.bad ? AR_EPARSE : in->read_errno ? AR_ENOTFOUND : AR_ERROR;
    if (ld.g.bad)
      ar_diag_errorf(dg, name, ld.g.bad_line, 0, "%s", ld.g.bad);
    else
      ar_diag_errorf(dg, name, 0, 0, "cannot read coverage file: %s",
                     in->read_errno ? strerror(in->read_errno) : "cannot start XML reader");
    goto done;
  }
  xmlTextReaderSetStructuredErrorHandler(ld.r, on_xml_error, &ld);
  ld.k_line = xmlTextReaderConstString(ld.r, BAD_CAST "line");
  ld.k_lines = xmlTextReaderConstString(ld.r, BAD_CAST "lines");
  ld.k_class = xmlTextReaderConstString(ld.r, BAD_CAST "class");
  ld.k_source = xmlTextReaderConstString(ld.r, BAD_CAST "source");
  ld.k_number = xmlTextReaderConstString(ld.r, BAD_CAST "number");
  ld.k_hits = xmlTextReaderConstString(ld.r, BAD_CAST "hits");
  ld.k_cond = xmlTextReaderConstString(ld.r, BAD_CAST "condition-coverage");
  err = read_all(&ld);

done:
  if (ld.r) xmlFreeTextReader(ld.r);
  xmlSetStructuredErrorFunc(old_ctx, old_fn);
  ar_buf_dispose(&ld.source);
  free(ld.xml_msg);
  return err;
}

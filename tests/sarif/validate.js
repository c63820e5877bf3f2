// SPDX-License-Identifier: MIT
// validate.js DEST FILE... - validate SARIF logs written by alignrisk: first against the
// SARIF 2.1.0 JSON schema (draft-04, Ajv with string formats), then against what GitHub
// code scanning needs that the schema does not say (relative URIs under %SRCROOT%, a
// startLine, ruleIndex pointing at its rule, one unique partial fingerprint per result).
// DEST is where validate.sh unpacked the pinned packages. One line per file, then
// "sarif: N passed, N failed".
'use strict';
const fs = require('fs');
const path = require('path');

const dest = process.argv[2];
const need = (name) => require(path.join(dest, 'node_modules', name));
const Ajv04 = need('ajv-draft-04');
const addFormats = need('ajv-formats');
const schema = JSON.parse(fs.readFileSync(
  path.join(dest, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

// unicodeRegExp off: the schema's "language" pattern ("...-[a-zA-Z]{2}]?$") has a stray ']'
// that is an error with the u flag and a literal without it, as in the schema's own era.
const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const LEVELS = new Set(['error', 'warning', 'note']);
const RULES = ['AR101', 'AR102', 'AR103', 'AR104', 'AR105', 'AR201', 'AR202', 'AR203', 'AR204', 'AR205'];

function codeScanningChecks(log) {
  const errs = [];
  const bad = (m) => errs.push(m);
  if (log.version !== '2.1.0') bad(`version is ${log.version}`);
  if (!Array.isArray(log.runs) || log.runs.length !== 1) return [...errs, 'expected exactly one run'];
  const run = log.runs[0];
  const driver = run.tool && run.tool.driver;
  if (!driver || driver.name !== 'alignrisk') return [...errs, 'tool.driver.name is not alignrisk'];
  const rules = driver.rules || [];
  const ids = rules.map((r) => r.id);
  if (JSON.stringify(ids) !== JSON.stringify(RULES)) bad(`rules are ${ids.join(',')}`);
  for (const r of rules) {
    for (const k of ['name', 'shortDescription', 'fullDescription', 'help', 'defaultConfiguration'])
      if (!r[k]) bad(`rule ${r.id}: no ${k}`);
    if (r.help && !(r.help.text && r.help.markdown)) bad(`rule ${r.id}: help needs text and markdown`);
    if (r.defaultConfiguration && !LEVELS.has(r.defaultConfiguration.level)) bad(`rule ${r.id}: level`);
  }
  const seen = new Set();
  (run.results || []).forEach((res, i) => {
    const at = `results[${i}]`;
    if (!ids.includes(res.ruleId)) bad(`${at}: ruleId ${res.ruleId} is not a rule`);
    if (rules[res.ruleIndex] === undefined || rules[res.ruleIndex].id !== res.ruleId)
      bad(`${at}: ruleIndex ${res.ruleIndex} is not ${res.ruleId}`);
    if (!LEVELS.has(res.level)) bad(`${at}: level ${res.level}`);
    if (!(res.message && res.message.text)) bad(`${at}: no message.text`);
    const loc = res.locations && res.locations[0] && res.locations[0].physicalLocation;
    if (!loc) return bad(`${at}: no physicalLocation`);
    const uri = loc.artifactLocation && loc.artifactLocation.uri;
    if (!uri || /^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/') || uri.includes('\\'))
      bad(`${at}: uri ${uri} is not a relative URI with '/' separators`);
    if (loc.artifactLocation.uriBaseId !== '%SRCROOT%') bad(`${at}: uriBaseId`);
    if (!(loc.region && loc.region.startLine >= 1)) bad(`${at}: no region.startLine`);
    const fp = res.partialFingerprints && res.partialFingerprints['alignrisk/v1'];
    if (!fp) bad(`${at}: no partialFingerprints["alignrisk/v1"]`);
    else if (seen.has(fp)) bad(`${at}: fingerprint ${fp} repeats`);
    seen.add(fp);
    const p = res.properties || {};
    for (const k of ['confidence', 'pattern', 'recurrence', 'trend'])
      if (p[k] === undefined) bad(`${at}: no properties.${k}`);
    if (p.risk !== undefined && typeof p.risk !== 'number') bad(`${at}: properties.risk is not a number`);
  });
  return errs;
}

let pass = 0, fail = 0;
for (const file of process.argv.slice(3)) {
  const name = path.basename(file);
  let errs;
  try {
    const log = JSON.parse(fs.readFileSync(file, 'utf8'));
    errs = validate(log) ? [] : validate.errors.map((e) => `schema: ${e.instancePath || '/'} ${e.message}`);
    errs = errs.concat(codeScanningChecks(log));
  } catch (e) {
    errs = [`not JSON: ${e.message}`];
  }
  if (errs.length === 0) {
    pass++;
    console.log(`ok ${name}`);
  } else {
    fail++;
    console.log(`FAIL ${name}`);
    for (const m of errs.slice(0, 20)) console.log(`  ${m}`);
  }
}
console.log(`sarif: ${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);

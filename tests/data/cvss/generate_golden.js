#!/usr/bin/env node
// Regenerates golden.tsv ("VECTOR<TAB>SCORE") for tests/unit/formats/cvss_test.cpp: seeded random CVSS 3.0, 3.1 and
// 4.0 vectors scored by the reference implementation ae-cvss-calculator (npm), outside the repository:
//   mkdir -p /tmp/cvssref && cd /tmp/cvssref && npm install ae-cvss-calculator@1.0.13 cvss4@1.0.7
//   NODE_PATH=/tmp/cvssref/node_modules node tests/data/cvss/generate_golden.js > tests/data/cvss/golden.tsv
// cvss4 (a port of an older FIRST calculator: no rounding epsilon), when installed, cross-checks 3.1 and 4.0;
// disagreements are listed on stderr for review but kept, ae-cvss-calculator following FIRST's current calculator.
'use strict';
const ae = require('ae-cvss-calculator');
let first = null;
try {
  first = require('cvss4');
} catch (e) {
  process.stderr.write('note: cvss4 not installed, no cross-check\n');
}

// Mulberry32: small, seeded, reproducible.
let state = 0x5eed2024;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (values) => values[Math.floor(rand() * values.length)];

const V3_BASE = [['AV', 'NALP'], ['AC', 'LH'], ['PR', 'NLH'], ['UI', 'NR'], ['S', 'UC'], ['C', 'HLN'], ['I', 'HLN'],
                 ['A', 'HLN']];
const V3_OPTIONAL = [['E', 'XHFPU'], ['RL', 'XUWTO'], ['RC', 'XCRU'], ['CR', 'XHML'], ['IR', 'XHML'], ['AR', 'XHML'],
                     ['MAV', 'XNALP'], ['MAC', 'XLH'], ['MPR', 'XNLH'], ['MUI', 'XNR'], ['MS', 'XUC'],
                     ['MC', 'XHLN'], ['MI', 'XHLN'], ['MA', 'XHLN']];
const V4_BASE = [['AV', 'NALP'], ['AC', 'LH'], ['AT', 'NP'], ['PR', 'NLH'], ['UI', 'NPA'], ['VC', 'HLN'],
                 ['VI', 'HLN'], ['VA', 'HLN'], ['SC', 'HLN'], ['SI', 'HLN'], ['SA', 'HLN']];
const V4_THREAT_ENV = [['E', 'XAPU'], ['CR', 'XHML'], ['IR', 'XHML'], ['AR', 'XHML'], ['MAV', 'XNALP'],
                       ['MAC', 'XLH'], ['MAT', 'XNP'], ['MPR', 'XNLH'], ['MUI', 'XNPA'], ['MVC', 'XHLN'],
                       ['MVI', 'XHLN'], ['MVA', 'XHLN'], ['MSC', 'XHLN'], ['MSI', 'XSHLN'], ['MSA', 'XSHLN']];
const V4_SUPPLEMENTAL = [['S', ['X', 'N', 'P']], ['AU', ['X', 'N', 'Y']], ['R', ['X', 'A', 'U', 'I']],
                         ['V', ['X', 'D', 'C']], ['RE', ['X', 'L', 'M', 'H']],
                         ['U', ['X', 'Clear', 'Green', 'Amber', 'Red']]];

// Base metrics always; each optional metric with probability p (p = 0: base only).
function vector(prefix, base, optional, p) {
  const parts = base.map(([k, vs]) => `${k}:${pick([...vs])}`);
  for (const [k, vs] of optional) {
    if (rand() < p) parts.push(`${k}:${pick([...vs])}`);
  }
  return `${prefix}/${parts.join('/')}`;
}

function reference(v) {
  if (v.startsWith('CVSS:3.0/')) return new ae.Cvss3P0(v).calculateScores().base;
  if (v.startsWith('CVSS:3.1/')) return new ae.Cvss3P1(v).calculateScores().base;
  return new ae.Cvss4P0(v).calculateScores().base;
}

function crossCheck(v) {
  if (!first) return null;
  if (v.startsWith('CVSS:3.1/')) return first.calculateBaseScore(v);
  if (v.startsWith('CVSS:4.0/')) return first.calculateBaseScoreV4(v);
  return null;
}

const jobs = [
  ['CVSS:3.0', V3_BASE, V3_OPTIONAL, 0, 500], ['CVSS:3.0', V3_BASE, V3_OPTIONAL, 0.3, 200],
  ['CVSS:3.1', V3_BASE, V3_OPTIONAL, 0, 700], ['CVSS:3.1', V3_BASE, V3_OPTIONAL, 0.3, 300],
  ['CVSS:4.0', V4_BASE, [], 0, 1200], ['CVSS:4.0', V4_BASE, V4_THREAT_ENV.slice(0, 1), 1, 300],
  ['CVSS:4.0', V4_BASE, V4_THREAT_ENV, 0.25, 600], ['CVSS:4.0', V4_BASE, V4_THREAT_ENV.concat(V4_SUPPLEMENTAL), 0.5, 300],
];
const seen = new Set();
let disagreements = 0;
const lines = [];
for (const [prefix, base, optional, p, count] of jobs) {
  for (let n = 0; n < count; n++) {
    const v = vector(prefix, base, optional, p);
    if (seen.has(v)) continue;
    seen.add(v);
    const score = reference(v);
    const other = crossCheck(v);
    if (other !== null && other.toFixed(1) !== score.toFixed(1)) {
      disagreements++;
      process.stderr.write(`disagree: ${v} ae=${score} cvss4=${other}\n`);
    }
    lines.push(`${v}\t${score.toFixed(1)}`);
  }
}
process.stdout.write(lines.join('\n') + '\n');
process.stderr.write(`${lines.length} vectors, ${disagreements} with a cvss4 disagreement (kept: ae is the reference)\n`);

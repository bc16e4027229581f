#!/usr/bin/env node
// libarmoede benchmark peer: DuckDB through the npm package @duckdb/node-api.
// Copyright (C) 2026 the libarmoede authors.
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Computes what armoede-bench computes, in SQL (see datatable.R for the definitions):
//   minima:    read_csv of the gzip CSV into a table (CREATE TABLE AS), join the annual
//              norms written by armoede-bench, CBS population filters, test
//              cents(income) <= cents(p x norm), GROUP BY year, wijk for persons and
//              households (distinct household_id).
//   durations: the same population on a panel; spells of k years from LAG() over the
//              person's years.
//
// Usage: node duckdb.mjs minima|durations DATA.csv.gz NORMS_ANNUAL.csv OUT.csv
//        [THRESHOLDS=1.1,1.2] [THREADS=2] [REPEATS=3] [DURATIONS=1,4]
// Prints machine-readable lines: step=... tool=duckdb seconds=... rows=...

import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
if (args.length < 4 || !['minima', 'durations'].includes(args[0])) {
  process.stderr.write('usage: duckdb.mjs minima|durations DATA.csv.gz NORMS_ANNUAL.csv OUT.csv ' +
    '[THRESHOLDS] [THREADS] [REPEATS] [DURATIONS]\n');
  process.exit(2);
}
const [mode, dataPath, normsPath, outPath] = args;
const thresholds = (args[4] ?? '1.1,1.2').split(',').map(Number);
const nthreads = parseInt(args[5] ?? '2', 10);
const repeats = parseInt(args[6] ?? '3', 10);
const durations = (args[7] ?? '1,4').split(',').map((s) => parseInt(s, 10));
if (thresholds.some((p) => !(p > 0)) || durations.some((k) => !(k >= 1))) {
  process.stderr.write('duckdb.mjs: bad thresholds or durations\n');
  process.exit(2);
}

const q = (s) => "'" + String(s).replaceAll("'", "''") + "'";
const now = () => Number(process.hrtime.bigint()) / 1e9;
const fmt = (x) => x.toFixed(6);

const instance = await DuckDBInstance.create(':memory:', { threads: String(nthreads) });
const con = await instance.connect();
await con.run(`SET threads = ${nthreads}`);
await con.run('SET preserve_insertion_order = false');

// --- read ----------------------------------------------------------------------------
const types = {
  person_id: 'BIGINT', household_id: 'BIGINT', year: 'INTEGER', birth_year: 'INTEGER',
  wijk: 'VARCHAR', household_type: 'VARCHAR', head_age_band: 'VARCHAR', income: 'DOUBLE',
  whole_year: 'INTEGER', student: 'INTEGER', institutional: 'INTEGER',
};
const cols = Object.keys(types);
const typeStruct = '{' + cols.map((c) => `${q(c)}: ${q(types[c])}`).join(', ') + '}';
let t0 = now();
await con.run(`CREATE TABLE t AS SELECT ${cols.join(', ')} FROM read_csv(${q(dataPath)},
  header = true, delim = ',', quote = '"', nullstr = ['', 'NA', '-', '.'],
  types = ${typeStruct})`);
const tRead = now() - t0;
const nrows = Number((await con.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
process.stdout.write(`step=read_${mode === 'minima' ? 'national' : 'panel'} tool=duckdb ` +
  `seconds=${fmt(tRead)} rows=${nrows} rows_per_s=${(nrows / tRead).toFixed(0)} ` +
  `peak_rss_kib_after=${process.resourceUsage().maxRSS}\n`);

await con.run(`CREATE TABLE norms AS SELECT * FROM read_csv(${q(normsPath)}, header = true,
  types = {'year': 'INTEGER', 'household_type': 'VARCHAR', 'head_age_band': 'VARCHAR',
           'norm': 'DOUBLE'})`);

// Population and the test, as in the library: cents rounded half away from zero. One
// boolean column per threshold (poor_0, poor_1, ...).
const ths = thresholds.map((p, i) => ({ i, lit: `${p.toPrecision(17)}::DOUBLE`, p }));
const popSql = `
  pop AS (
    SELECT t.person_id, t.household_id, t.year, t.wijk,
           ${ths.map(({ i, lit }) =>
             `floor(t.income * 100 + 0.5) <= floor(${lit} * n.norm * 100 + 0.5) AS poor_${i}`)
             .join(',\n           ')}
    FROM t JOIN norms n USING (year, household_type, head_age_band)
    WHERE t.whole_year = 1 AND t.student = 0 AND t.institutional = 0
      AND t.income IS NOT NULL AND t.income >= 0 AND t.wijk IS NOT NULL)`;

let sql;
const sel = [];
if (mode === 'minima') {
  const aggs = ['count(*) AS dp', 'count(DISTINCT household_id) AS dh'];
  for (const { i, lit } of ths) {
    aggs.push(`count(*) FILTER (WHERE poor_${i}) AS np_${i}`,
      `count(DISTINCT household_id) FILTER (WHERE poor_${i}) AS nh_${i}`);
    sel.push(`SELECT 'minima' AS indicator, 'persons' AS unit, ${lit} AS threshold,
                     NULL::INTEGER AS duration, year, wijk, np_${i} AS numerator,
                     dp AS denominator FROM g`,
      `SELECT 'minima', 'households', ${lit}, NULL, year, wijk, nh_${i}, dh FROM g`);
  }
  sql = `WITH ${popSql},
    g AS (SELECT year, wijk, ${aggs.join(', ')} FROM pop GROUP BY year, wijk)
    ${sel.join('\n    UNION ALL\n    ')}`;
} else {
  // A spell of k years at t: at or below in t and in the k-1 rows before of the same
  // person, which are the years t-1 .. t-k+1 (a person has one row a year).
  const maxk = Math.max(...durations);
  const lags = [];
  for (let j = 1; j < maxk; j++) {
    lags.push(`lag(year, ${j}) OVER w AS year_${j}`);
    for (const { i } of ths) lags.push(`lag(poor_${i}, ${j}) OVER w AS poor_${i}_${j}`);
  }
  const spell = (i, k) => {
    const c = [`poor_${i}`];
    for (let j = 1; j < k; j++) c.push(`coalesce(poor_${i}_${j} AND year_${j} = year - ${j}, false)`);
    return c.join(' AND ');
  };
  const aggs = ['count(*) AS dp'];
  for (const { i, lit } of ths) {
    aggs.push(`count(*) FILTER (WHERE poor_${i}) AS np_${i}`);
    for (const k of durations) {
      aggs.push(`count(*) FILTER (WHERE ${spell(i, k)}) AS s_${i}_${k}`);
      sel.push(`SELECT 'duration' AS indicator, 'persons' AS unit, ${lit} AS threshold,
                       ${k} AS duration, year, wijk, s_${i}_${k} AS numerator,
                       dp AS denominator FROM g`,
        `SELECT 'duration_of_minima', 'persons', ${lit}, ${k}, year, wijk, s_${i}_${k}, np_${i}
         FROM g WHERE np_${i} > 0`);
    }
  }
  sql = `WITH ${popSql},
    l AS (SELECT *${lags.length ? ', ' + lags.join(', ') : ''}
          FROM pop WINDOW w AS (PARTITION BY person_id ORDER BY year)),
    g AS (SELECT year, wijk, ${aggs.join(', ')} FROM l GROUP BY year, wijk)
    ${sel.join('\n    UNION ALL\n    ')}`;
}

// --- group (best of `repeats`) -------------------------------------------------------
let best = Infinity;
for (let r = 0; r < repeats; r++) {
  t0 = now();
  await con.run(`CREATE OR REPLACE TABLE res AS ${sql}`);
  best = Math.min(best, now() - t0);
}
const ncells = Number((await con.runAndReadAll('SELECT count(*) FROM res')).getRows()[0][0]);
process.stdout.write(`step=${mode} tool=duckdb seconds=${fmt(best)} rows=${nrows} ` +
  `rows_per_s=${(nrows / best).toFixed(0)} repeats=${repeats} cells=${ncells}\n`);
await con.run(`COPY (SELECT * FROM res ORDER BY indicator, unit, threshold, duration, year, wijk)
  TO ${q(outPath)} (HEADER, DELIMITER ',')`);
process.stdout.write(`peak_rss_kib=${process.resourceUsage().maxRSS}\n`);

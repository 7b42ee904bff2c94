// duckdb_peer.mjs — the DuckDB peer of glasscage's rule evaluation (bench/peers.sh).
//
//   node bench/duckdb_peer.mjs DIR [REPEATS]      (DIR from bench_rules or
//                                                  glasscage run --export-observations DIR)
//
// Loads DIR/observations-*.csv, places.csv and rules.csv into DuckDB tables
// (load time printed apart: it is not part of the comparison), then evaluates
// in SQL every copresence and frequency rule of rules.csv whose selector is
// list-only ('everyone' or 'lists'), over all days at once, with the same
// semantics as src/rules/gc_rule_copresence.c and gc_rule_frequency.c:
//   watched      (lists & exempt) = 0, and the selector on the observed
//                person's lists as the rules saw them that day;
//   frequency    today's matching records of a person, plus those of the
//                window_days - 1 days before, >= min_count (distinct: distinct
//                `other` over the window); count = today's records;
//   copresence   every candidate (a located record at the rule's place types,
//                not at a home) is an anchor on its own day; its group is the
//                distinct persons of candidates up to that day at places of
//                the same region within radius_m, within within_minutes;
//                groups >= min_people flag every member; count = anchors.
// One warm-up run, then the best of REPEATS (default 3).  The (day, rule,
// person, count) alerts must equal DIR/alerts-*.csv for those rules: prints
// MATCH or MISMATCH (and exits 1).  Prints lines "key value" for peers.sh.
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const repeats = Number(process.argv[3] || 3);
if (!dir || !existsSync(join(dir, 'rules.csv'))) {
  console.error('usage: node bench/duckdb_peer.mjs DIR [REPEATS]  (DIR holds rules.csv, observations-*.csv)');
  process.exit(2);
}
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const now = () => Number(process.hrtime.bigint()) / 1e9;

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const all = async (sql) => (await con.runAndReadAll(sql)).getRowObjects();

const t0 = now();
await con.run(`CREATE TABLE obs AS SELECT * FROM read_csv(${q(join(dir, 'observations-*.csv'))}, header = true,
  columns = {'day': 'INTEGER', 'kind': 'UTINYINT', 'person': 'UINTEGER', 'place': 'UINTEGER', 'sub': 'UTINYINT',
             'flags': 'UTINYINT', 'time': 'USMALLINT', 'other': 'UINTEGER', 'value': 'DOUBLE', 'lists': 'USMALLINT'})`);
await con.run(`CREATE TABLE places AS SELECT * FROM read_csv(${q(join(dir, 'places.csv'))}, header = true,
  columns = {'place': 'UINTEGER', 'type': 'UTINYINT', 'region': 'UTINYINT', 'x': 'DOUBLE', 'y': 'DOUBLE'})`);
await con.run(`CREATE TABLE expected AS SELECT * FROM read_csv(${q(join(dir, 'alerts-*.csv'))}, header = true,
  columns = {'day': 'INTEGER', 'rule': 'INTEGER', 'person': 'UINTEGER', 'count': 'INTEGER'})`);
const rules = await all(`SELECT * FROM read_csv(${q(join(dir, 'rules.csv'))}, header = true, all_varchar = true)`);
const loadSeconds = now() - t0;
const nobs = Number((await all('SELECT count(*) AS n FROM obs'))[0].n);

const int = (v) => Number(v);
function watched(r) {
  const ex = `(lists & ${int(r.exempt_lists)}) = 0`;
  if (r.selector === 'everyone') return ex;
  const any = int(r.lists_any), allm = int(r.lists_all);
  return `${ex} AND ${any ? `(lists & ${any}) <> 0` : 'true'} AND (lists & ${allm}) = ${allm}`;
}

function frequencySql(r) {
  const sub = int(r.match_sub), fl = int(r.match_flags), w = int(r.window_days) > 0 ? int(r.window_days) : 1;
  const m = `SELECT day, person, other FROM obs WHERE kind = ${int(r.obs_kind)}
             ${sub >= 0 ? `AND sub = ${sub}` : ''} AND (flags & ${fl}) = ${fl} AND ${watched(r)}
             ${int(r.distinct) ? 'AND other IS NOT NULL' : ''}`;
  if (int(r.distinct))
    return `WITH m AS (${m}), t AS (SELECT day, person, count(*) AS n FROM m GROUP BY day, person)
      SELECT t.day, ${int(r.rule)} AS rule, t.person, t.n AS count FROM t JOIN m ON m.person = t.person
        AND m.day BETWEEN t.day - ${w - 1} AND t.day
      GROUP BY t.day, t.person, t.n HAVING count(DISTINCT m.other) >= ${int(r.min_count)}`;
  return `WITH t AS (SELECT day, person, count(*) AS n FROM (${m}) GROUP BY day, person),
    s AS (SELECT day, person, n, sum(n) OVER (PARTITION BY person ORDER BY day
            RANGE BETWEEN ${w - 1} PRECEDING AND CURRENT ROW) AS c FROM t)
    SELECT day, ${int(r.rule)} AS rule, person, n AS count FROM s WHERE c >= ${int(r.min_count)}`;
}

function copresenceSql(r) {
  const radius = Number(r.radius_m), within = int(r.within_minutes), mask = int(r.where_mask);
  return `WITH c AS (SELECT row_number() OVER () AS id, day, person, place, day * 1440 + time AS t FROM obs
        WHERE kind IN (0, 6, 7, 8) AND (flags & 2) = 0 AND ((${mask} >> sub) & 1) = 1 AND ${watched(r)}),
      p AS (SELECT * FROM places WHERE ((${mask} >> type) & 1) = 1),
      near AS (SELECT a.place AS p, b.place AS q FROM p a JOIN p b ON a.region = b.region
        WHERE a.place = b.place OR (b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y) <= ${radius * radius}),
      g AS (SELECT DISTINCT a.id, a.day, m.person FROM c a JOIN near n ON n.p = a.place
        JOIN c m ON m.place = n.q AND m.day <= a.day AND abs(m.t - a.t) <= ${within}),
      big AS (SELECT id FROM g GROUP BY id HAVING count(*) >= ${int(r.min_people)})
    SELECT day, ${int(r.rule)} AS rule, person, count(*) AS count FROM g SEMI JOIN big USING (id)
    GROUP BY day, person`;
}

const peer = rules.filter((r) => (r.kind === 'copresence' || r.kind === 'frequency') &&
                                 (r.selector === 'everyone' || r.selector === 'lists'));
const sql = peer.map((r) => (r.kind === 'copresence' ? copresenceSql(r) : frequencySql(r)));
let best = Infinity, got = 0;
for (let k = 0; k <= repeats; k++) {                    // k = 0: warm-up
  const t = now();
  for (let i = 0; i < sql.length; i++)
    await con.run(`CREATE OR REPLACE TABLE got_${i} AS ${sql[i]}`);
  const el = now() - t;
  if (k > 0) best = Math.min(best, el);
}
await con.run(`CREATE TABLE got AS ${sql.map((_, i) => `SELECT * FROM got_${i}`).join(' UNION ALL ')}`);
got = Number((await all('SELECT count(*) AS n FROM got'))[0].n);
const ids = peer.map((r) => int(r.rule)).join(', ') || '-1';
const diff = await all(`SELECT 'missing' AS what, * FROM (SELECT day, rule, person, count FROM expected WHERE rule IN (${ids})
      EXCEPT ALL SELECT day, rule, person, count FROM got)
    UNION ALL SELECT 'extra', * FROM (SELECT day, rule, person, count FROM got
      EXCEPT ALL SELECT day, rule, person, count FROM expected WHERE rule IN (${ids})) ORDER BY 2, 3, 4 LIMIT 10`);
const rss = process.resourceUsage().maxRSS / 1024;
console.log(`duckdb ${(await all('SELECT version() AS v'))[0].v}, rules: ${peer.map((r) => r.name).join(' ')}`);
console.log(`observations ${nobs}`);
console.log(`load_seconds ${loadSeconds.toFixed(3)}`);
console.log(`alerts ${got}`);
console.log(`rule_seconds ${best.toFixed(6)}`);
console.log(`obs_per_second ${(nobs / best).toFixed(0)}`);
console.log(`peak_rss_mib ${rss.toFixed(1)}`);
if (diff.length) {
  console.log('equivalence MISMATCH');
  for (const d of diff) console.log(`  ${d.what}: day ${d.day} rule ${d.rule} person ${d.person} count ${d.count}`);
  process.exit(1);
}
console.log('equivalence MATCH');

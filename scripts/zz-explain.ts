import pg from 'pg';
const URL_ = process.argv[3] as string;
const orig = pg.Client.prototype.query;
let captured: any;
(pg.Client.prototype as any).query = function (this: any, q: any, ...rest: any[]) {
  const text = typeof q === 'string' ? q : q?.text;
  if (text?.includes('WITH pairs') && !captured) captured = { text, values: q.values ?? rest[0] };
  return (orig as any).call(this, q, ...rest);
};
const { buildApp } = await import('../server/app.ts');
const { loadConfig } = await import('../server/config.ts');
const app = await buildApp({ config: loadConfig({ DATABASE_URL: URL_, DISTRICT: '08118', RATE_LIMIT_FIGURES_PER_MINUTE: '0' }), webDist: '/nonexistent', monthlyFigures: { rebuild: 'off' } });
await app.ready();
let t = performance.now();
const r0 = await app.inject({ url: process.argv[2] as string });
console.log('first', r0.statusCode, performance.now() - t);
t = performance.now();
await app.close();
const c = new pg.Client({ connectionString: URL_ });
await c.connect();
for (let i = 0; i < 2; i++) {
const r = await c.query(`EXPLAIN (ANALYZE) ${captured.text}`, captured.values);
const lines = r.rows.map((x: any) => x['QUERY PLAN']);
console.log(lines.filter((l: string) => /Scan|Time|rows=\d{4,}/.test(l)).slice(0, 30).join('\n'));
}
await c.end();

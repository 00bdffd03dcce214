// The floor under capture: the least a Node server can do per request on this machine, measured with
// the same load as Worklane's capture. Plain node:http (no framework), the body parsed as JSON, and
// either answered at once (BARE_MODE=http) or first written durably (BARE_MODE=insert: the requests of
// one event-loop tick as one INSERT of one row each, answered after its commit, pool of 10 like
// Worklane's). Prints `listening <port>` when ready. Bench only: it is not a product.
import { createServer } from 'node:http';
import pg from 'pg';

const mode = process.env.BARE_MODE ?? 'http';
const pool = mode === 'insert' ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) : null;
if (pool) {
  pool.on('error', () => {});
  await pool.query('create table if not exists bare_captures (id bigserial primary key, body jsonb not null)');
}

/** @type {{ body: unknown, done: (err: Error | null, id?: string) => void }[]} */
let pending = [];
let scheduled = false;
function flush() {
  scheduled = false;
  const batch = pending;
  pending = [];
  pool
    .query('insert into bare_captures (body) select value from jsonb_array_elements($1::jsonb) returning id', [JSON.stringify(batch.map((p) => p.body))])
    .then((r) => batch.forEach((p, i) => p.done(null, r.rows[i]?.id)), (err) => batch.forEach((p) => p.done(err)));
}

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return answer(res, 400, { title: 'Bad Request' });
    }
    if (!pool) return answer(res, 201, { id: String(Date.now()), state: 'queued' });
    pending.push({ body, done: (err, id) => (err ? answer(res, 503, { title: err.message }) : answer(res, 201, { id, state: 'queued' })) });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool?.end().finally(() => process.exit(0));
  if (!pool) process.exit(0);
});

// The crash scenarios, shared by the short test inside `npm test` (crash.test.ts) and the long run
// (`npm run reliability`):
//
// 1. kills: a real server process on PostgreSQL, under steady load, killed with SIGKILL at random
//    moments and started again; after each restart the invariants are read from the database.
// 2. PostgreSQL restarts: the same on a private PostgreSQL instance that is restarted (fast and
//    immediate, i.e. crash-like) under load; the server process must stay up, answer 503 problem
//    details with Retry-After meanwhile, reconnect, and carry on.
//
// Every figure goes into a ReportSection; a violation is a failed check, never a thrown error, so
// a run reports everything it saw.
import { randomBytes } from 'node:crypto';
import { figures, lastEventId, webhooksPending, offerOutcomes, outboxDue, pendingOffers, stateChecks, timerChecks, wakeOutcomes, type Expectations, type Violation } from './checks.js';
import { Load, random } from './load.js';
import { startPrivatePostgres, freePort, type PrivatePostgres } from './postgres.js';
import { ApiClient, freshDatabase, HttpSink, MailSink, ServerProcess, sleep, Tally, TEST_DATABASE_URL } from './rig.js';
import { reliabilityLevel, type ReportSection } from './report.js';

export interface CrashOptions {
  /** SIGKILL cycles (scenario 1). */
  kills: number;
  /** PostgreSQL restarts (scenario 2). */
  pgRestarts: number;
  /** Load time before each kill / restart: between these (ms). */
  phaseMs: [number, number];
  /** How long PostgreSQL stays down on each restart (ms). */
  pgDownMs: [number, number];
  captureLoops: number;
  capturePauseMs: number;
  seed: number;
  log: (line: string) => void;
}

/** Timers due more than this long ago must have fired (the server was up meanwhile). */
const GRACE_MS = 5000;
/** A timer still unfired this long after its grace is lost (see timersFired). */
const TIMER_LOST_MS = 30_000;
/** Offer timeouts in the run: the shortest the configuration allows. */
const OFFER_TIMEOUT_S = 5;

/** Fast retries and short leases, so a run sees deliveries through. */
function serverEnv(http: HttpSink, mail: MailSink): Record<string, string> {
  return {
    WORKLANE_SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
    WORKLANE_SMS_URL: `${http.base}/sms`,
    WORKLANE_PUSH_URL: `${http.base}/push`,
    WORKLANE_WEBHOOK_TIMEOUT_MS: '3000',
    WORKLANE_WEBHOOK_BACKOFF_MS: '200,500,1000,2000',
    WORKLANE_WEBHOOK_POLL_MS: '500',
    WORKLANE_NOTIFY_TIMEOUT_MS: '3000',
    WORKLANE_NOTIFY_BACKOFF_MS: '200,500,1000,2000',
    WORKLANE_NOTIFY_POLL_MS: '500',
  };
}

/** Short timers everywhere, a webhook subscription to everything: done once, through the API. */
async function configure(base: () => string, tally: Tally, http: HttpSink): Promise<void> {
  const admin = new ApiClient(base, tally);
  if (!(await admin.login('admin@worklane.local', 'admin123'))) throw new Error('admin login failed');
  const must = async (what: string, method: string, path: string, body?: unknown) => {
    const a = await admin.req('setup', method, path, body);
    if (a.outcome !== 'ok') throw new Error(`${what}: ${a.status} ${JSON.stringify(a.json)}`);
    return a.json;
  };
  for (const q of ['finance', 'credit', 'sales', 'back-office', 'field-service', 'express-delivery'])
    await must(`queue ${q}`, 'PATCH', `/api/v1/queues/${q}`, { offerTimeoutSeconds: OFFER_TIMEOUT_S, ...(q === 'finance' ? { afterWorkSeconds: 2 } : {}) });
  // Replacement cases: SLA 9 s (warning at 50 %), OLAs 12 s: warnings and breaches fire all the time.
  const ct = await must('case type', 'GET', '/api/v1/case-types/replacement');
  const ola = { duration: 0.2, unit: 'minutes', mode: 'calendar', warnAtPercent: 50 };
  const procedure = { ...ct.procedure, steps: ct.procedure.steps.map((s: object) => ({ ...s, ola })) };
  await must('case type', 'PATCH', '/api/v1/case-types/replacement', { sla: { duration: 0.15, unit: 'minutes', mode: 'calendar', warnAtPercent: 50 }, procedure });
  await must('webhook', 'POST', '/api/v1/webhooks', { url: `${http.base}/webhook`, events: ['*'], description: 'crash test receiver' });
}

interface Run {
  url: string;
  server: ServerProcess;
  tally: Tally;
  load: Load;
  http: HttpSink;
  mail: MailSink;
  webhookSince: number;
}

type Acknowledged = Pick<Expectations, 'captures' | 'cases'>;

/** What the load had acknowledged so far, copied: the load goes on, and an id acknowledged after a
 * check's snapshot would read as lost. */
function acknowledged(r: Run): Acknowledged {
  return { captures: new Map(r.load.ackedCaptures), cases: [...r.load.ackedCases.keys()] };
}

function expectations(r: Run, acked: Acknowledged = acknowledged(r)): Expectations {
  return { ...acked, webhooksReceived: r.http.webhooks, messagesReceived: r.http.messages, mailsReceived: r.mail.mails, webhookSince: r.webhookSince };
}

function record(section: ReportSection, violations: Violation[], context: string): number {
  let bad = 0;
  for (const v of violations) {
    section.held(v.name, v.count, v.count === 0, v.count ? `${context}: ${v.examples.join('; ')}` : undefined);
    bad += v.count;
  }
  return bad;
}

/**
 * Timers due more than GRACE_MS ago must have fired. After a restart the server first catches up on
 * everything that came due while it was down (SLA/OLA clocks in batches, each escalation and offer
 * timeout its own transaction), which on a busy machine can take longer than the grace: look again
 * until all fired or `TIMER_LOST_MS` passed; only what is still unfired then counts as lost. The
 * wait is reported as catch-up time.
 */
async function timersFired(r: Run, section: ReportSection, context: string): Promise<void> {
  const t0 = Date.now();
  let v = await timerChecks(r.url, GRACE_MS);
  while (v.some((x) => x.count > 0) && Date.now() - t0 < TIMER_LOST_MS) {
    await sleep(500);
    v = await timerChecks(r.url, GRACE_MS);
  }
  const waited = Date.now() - t0;
  if (waited > section.count('slowest timer catch-up beyond the grace (ms)')) section.tried('slowest timer catch-up beyond the grace (ms)', waited);
  record(section, v, context);
}

/** Waits until the outboxes have nothing due (deliveries leased by a killed process become due after their lease). */
async function drain(url: string, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const due = await outboxDue(url);
    if (due === 0 || Date.now() > end) return due;
    await sleep(500);
  }
}

async function setUp(databaseUrl: string, o: CrashOptions, tag: string): Promise<Run> {
  const http = new HttpSink();
  const mail = new MailSink();
  await http.start();
  await mail.start();
  const server = new ServerProcess({ port: await freePort(), databaseUrl, env: serverEnv(http, mail) });
  const ms = await server.start();
  o.log(`${tag}: server ready in ${ms} ms (pid ${server.pid})`);
  const tally = new Tally();
  await configure(() => server.base, tally, http);
  const webhookSince = await lastEventId(databaseUrl);
  const load = new Load({ base: () => server.base, tally, runId: `${tag}-${randomBytes(3).toString('hex')}`, seed: o.seed, captureLoops: o.captureLoops, capturePauseMs: o.capturePauseMs });
  await load.login();
  return { url: databaseUrl, server, tally, load, http, mail, webhookSince };
}

/** The end of a run: stop the load, resend what got no answer, let timers and outboxes finish, check everything. */
async function finish(r: Run, section: ReportSection, o: CrashOptions, tag: string): Promise<void> {
  await r.load.stop();
  await r.load.resendUnanswered(Date.now() + 20_000);
  section.held(`${tag}: captures still unanswered after resending`, r.load.unanswered.size, r.load.unanswered.size === 0);
  await r.load.allOffline();
  // Let the last timers come due and fire, and the outboxes drain.
  await sleep(GRACE_MS + 1000);
  const due = await drain(r.url, 45_000);
  section.held(`${tag}: outbox rows due but not sent at the end`, due, due === 0);
  if (reliabilityLevel() === 'long') {
    // Deliveries a killed process had leased come due after their lease (timeout + 30 s): see them through.
    const end = Date.now() + 60_000;
    let left = await webhooksPending(r.url);
    while (left > 0 && Date.now() < end) {
      await sleep(1000);
      left = await webhooksPending(r.url);
    }
    section.held(`${tag}: webhook deliveries still pending a minute after the load`, left, left === 0);
  }
  record(section, await stateChecks(r.url, expectations(r)), `${tag} final`);
  await timersFired(r, section, `${tag} final`);
  const woke = await wakeOutcomes(r.url, [...r.load.rescheduled.keys()]);
  // Each was rescheduled once: woken once, or not at all when its case canceled it while it slept.
  const twice = woke.filter((w) => w.woken > 1 || (w.woken === 0 && w.state !== 'canceled'));
  section.held('rescheduled tasks not woken exactly once', twice.length, twice.length === 0, twice.slice(0, 3).map((w) => JSON.stringify(w)).join('; '));
  section.add('tasks rescheduled by the load', r.load.rescheduled.size);
  section.add('of which woken exactly once', woke.filter((w) => w.woken === 1).length);
  const f = await figures(r.url);
  for (const [k, v] of Object.entries(f)) section.add(`${tag}: ${k}`, v);
  section.add('acknowledged captures', r.load.ackedCaptures.size);
  section.add('captures acknowledged only after a resend', r.load.resentAcked);
  section.add('acknowledged cases', r.load.ackedCases.size);
  section.add('webhook redeliveries (same webhook-id again; at least once)', [...r.http.webhooks.values()].reduce((s, n) => s + n - 1, 0));
  section.add('offers accepted by agents', r.load.stats.accepted);
  section.add('offers declined', r.load.stats.declined);
  section.add('offers left to time out', r.load.stats.ignored);
  section.add('tasks completed', r.load.stats.completed);
  section.add('presence changes', r.load.stats.presence);
  section.add('case updates and comments', r.load.stats.caseUpdates + r.load.stats.comments);
  o.log(`${tag}: ${r.tally.sent} requests, ${r.tally.ok} ok, ${r.tally.unavailable} 503, ${r.tally.down} while down; ${r.load.ackedCaptures.size} captures acknowledged`);
  for (const [why, n] of r.tally.unavailableWhy) o.log(`${tag}: ${n} × 503 "${why}"`);
}

function tallyInto(section: ReportSection, r: Run, tag: string): void {
  section.add('requests sent', r.tally.sent);
  section.add(`${tag}: requests answered 2xx`, r.tally.ok);
  section.add(`${tag}: requests answered 503 + Retry-After`, r.tally.unavailable);
  section.add(`${tag}: requests refused while the server was down`, r.tally.down);
  section.held('5xx answers that were not a 503 problem with Retry-After', r.tally.dirty, r.tally.dirty === 0, r.tally.badAnswers.slice(0, 5).join(' | '));
  section.held('server process exits nobody asked for', r.server.unexpectedExits.length, r.server.unexpectedExits.length === 0, r.server.unexpectedExits.map((e) => `${e.code ?? e.signal}: ${e.output.slice(-1500)}`).join(' | '));
}

async function tearDown(r: Run | undefined): Promise<void> {
  if (!r) return;
  await r.load.stop().catch(() => {});
  await r.server.stop().catch(() => {});
  await r.http.close().catch(() => {});
  await r.mail.close().catch(() => {});
}

/** Scenario 1: SIGKILL the server under load, `o.kills` times, on a fresh database of the shared server. */
export async function killScenario(section: ReportSection, o: CrashOptions): Promise<void> {
  const rnd = random(o.seed ^ 0x5eed);
  const db = await freshDatabase(TEST_DATABASE_URL, 'worklane_crash');
  let r: Run | undefined;
  try {
    r = await setUp(db.url, o, 'kill');
    r.load.start();
    let restartMs = 0;
    for (let k = 1; k <= o.kills; k++) {
      await sleep(o.phaseMs[0] + rnd() * (o.phaseMs[1] - o.phaseMs[0]));
      const acked = acknowledged(r);
      const pendingAtKill = await pendingOffers(r.url);
      await r.server.kill();
      section.add('kills (SIGKILL under load)');
      await sleep(rnd() * 1000); // down for a moment; the load keeps knocking
      const ms = await r.server.start();
      restartMs = Math.max(restartMs, ms);
      section.add('kills survived (restarted and ready)');
      o.log(`kill ${k}/${o.kills}: restarted in ${ms} ms; ${acked.captures.size} captures acknowledged before the kill, ${pendingAtKill.length} offers pending`);
      // Right after the restart: everything acknowledged before the kill is there, nothing is held twice.
      record(section, await stateChecks(r.url, expectations(r, acked)), `after kill ${k}`);
      // Offers that were pending at the kill time out exactly once (their deadline passed while down, or soon after).
      const lastDeadline = Math.max(0, ...pendingAtKill.map((p) => new Date(p.expires_at).getTime()));
      await sleep(Math.max(0, lastDeadline + GRACE_MS - Date.now(), r.server.readyAt + GRACE_MS - Date.now()));
      const outcomes = await offerOutcomes(r.url, pendingAtKill.map((p) => p.id));
      const stuck = outcomes.filter((x) => x.state === 'pending');
      const twice = outcomes.filter((x) => x.rona > 1 || (x.state === 'timed-out') !== (x.rona === 1));
      section.add('offers pending at a kill', pendingAtKill.length);
      section.add('of which timed out after the restart (RONA)', outcomes.filter((x) => x.state === 'timed-out').length);
      section.held('offers pending at a kill that never ended', stuck.length, stuck.length === 0, stuck.map((x) => x.id).join(', '));
      section.held('offers pending at a kill that timed out other than once', twice.length, twice.length === 0, twice.map((x) => JSON.stringify(x)).join(', '));
      await timersFired(r, section, `after kill ${k}`);
    }
    section.tried('slowest restart until ready (ms)', restartMs);
    await finish(r, section, o, 'kill');
    tallyInto(section, r, 'kill');
  } finally {
    await tearDown(r);
    await db.drop().catch((err) => o.log(`could not drop ${db.name}: ${(err as Error).message}`));
  }
}

/** Scenario 2: restart a private PostgreSQL under load, `o.pgRestarts` times; the server must carry on. */
export async function postgresScenario(section: ReportSection, o: CrashOptions): Promise<void> {
  const rnd = random(o.seed ^ 0x0b5e55ed);
  let pg: PrivatePostgres | undefined;
  let r: Run | undefined;
  const cleanup = () => pg?.destroy();
  process.once('exit', cleanup);
  try {
    pg = await startPrivatePostgres();
    o.log(`private PostgreSQL on port ${pg.port} (${pg.dir})`);
    r = await setUp(pg.url, o, 'pg');
    r.load.start();
    const pid = r.server.pid;
    let slowest = 0;
    for (let k = 1; k <= o.pgRestarts; k++) {
      await sleep(o.phaseMs[0] + rnd() * (o.phaseMs[1] - o.phaseMs[0]));
      const mode = k % 2 === 1 ? 'immediate' : 'fast';
      const before = { ok: r.tally.ok, unavailable: r.tally.unavailable, captures: r.load.ackedCaptures.size };
      const t0 = Date.now();
      await pg.restart(mode, o.pgDownMs[0] + rnd() * (o.pgDownMs[1] - o.pgDownMs[0]));
      section.add(`PostgreSQL restarts under load (-m ${mode})`);
      // The same server process reconnects by itself: ready again, then serving the load.
      let recovered = -1;
      while (Date.now() - t0 < 60_000) {
        const ok = await fetch(r.server.base + '/readyz', { signal: AbortSignal.timeout(2000) }).then((x) => x.ok, () => false);
        if (ok) {
          recovered = Date.now() - t0;
          break;
        }
        await sleep(100);
      }
      const capturesBefore = r.load.ackedCaptures.size;
      await sleep(3000);
      const progressed = r.load.ackedCaptures.size - capturesBefore;
      slowest = Math.max(slowest, recovered);
      o.log(`PostgreSQL restart ${k}/${o.pgRestarts} (-m ${mode}): ready again after ${recovered} ms; ${r.tally.unavailable - before.unavailable} answers 503 meanwhile; ${progressed} captures acknowledged in the 3 s after`);
      section.held('PostgreSQL restarts the server did not recover from', recovered < 0 || progressed === 0 ? 1 : 0, recovered >= 0 && progressed > 0, `restart ${k}: ready=${recovered} ms, captures after=${progressed}`);
      section.held('server process replaced during PostgreSQL restarts', r.server.pid === pid && r.server.running ? 0 : 1, r.server.pid === pid && r.server.running);
      record(section, await stateChecks(r.url, expectations(r)), `after PostgreSQL restart ${k}`);
      await sleep(Math.max(0, OFFER_TIMEOUT_S * 1000 + GRACE_MS - 3000));
      await timersFired(r, section, `after PostgreSQL restart ${k}`);
      section.add('PostgreSQL restarts survived');
    }
    section.tried('slowest recovery after a PostgreSQL restart (ms)', slowest);
    await finish(r, section, o, 'pg');
    tallyInto(section, r, 'pg');
  } finally {
    await tearDown(r);
    pg?.destroy();
    process.off('exit', cleanup);
  }
}

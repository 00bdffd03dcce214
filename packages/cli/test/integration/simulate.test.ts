import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startServer, type Running } from '@worklane/server';
import { attributesFor } from '../../src/simulate.js';
import { seededRandom } from '@worklane/core';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/worklane.mjs');

describe('worklane simulate against a running server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'worklane-sim-'));
  let server: Running;
  beforeAll(async () => {
    server = await startServer({ ...process.env, PORT: '0', HOST: '127.0.0.1', WORKLANE_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'warn', WORKLANE_DEMO_HISTORY: '0' });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('captures at its rate, and its agents accept, claim and complete the demo work', async () => {
    const url = server.url.replace('localhost', '127.0.0.1');
    const r = await run(process.execPath, [BIN, 'simulate', '--url', url, '--duration', '10', '--rate', '240', '--handle', '1', '--accept', '0.2', '--seed', '7', '--chats', '20'], { env: process.env, timeout: 60_000 });
    const done = /Done: captured (\d+), accepted (\d+), claimed (\d+), completed (\d+), errors (\d+), chats (\d+)/.exec(r.stdout);
    expect(done, r.stdout + r.stderr).toBeTruthy();
    const [captured, accepted, claimed, completed, errors, chats] = done!.slice(1).map(Number) as [number, number, number, number, number, number];
    expect(errors, r.stdout).toBe(0);
    expect(captured).toBeGreaterThan(10);
    expect(accepted + claimed).toBeGreaterThan(0);
    expect(completed).toBeGreaterThan(0);
    // What it says it did is what the server holds.
    const db = server.store.db;
    const rows = await db.selectFrom('tasks').select(['state']).where('source', '=', 'simulator').execute();
    expect(rows).toHaveLength(captured);
    const chatsDone = await db.selectFrom('tasks').select('id').where('source', '=', 'chat').where('state', '=', 'completed').execute();
    expect(rows.filter((t) => t.state === 'completed').length + chatsDone.length).toBe(completed); // chats are completed work too
    // Visitors chatted: each chat a task, those answered with the agent's line.
    expect(chats).toBeGreaterThan(0);
    const chatTasks = await db.selectFrom('tasks').select(['id', 'state', 'external_id']).where('source', '=', 'chat').execute();
    expect(chatTasks).toHaveLength(chats);
    const answered = new Set((await db.selectFrom('chat_messages').select('chat_id').where('sender', '=', 'agent').execute()).map((m) => m.chat_id));
    for (const t of chatTasks.filter((x) => x.state === 'completed')) expect(answered.has(t.external_id!), `chat ${t.external_id} completed unanswered`).toBe(true);
    // The agents went offline when it ended.
    const online = await db.selectFrom('presence').innerJoin('users', 'users.id', 'presence.user_id').select(['users.email', 'presence.status']).where('users.email', 'in', ['alice@worklane.local', 'bob@worklane.local']).execute();
    expect(online.map((p) => p.status)).toEqual(['offline', 'offline']);
  }, 90_000);

  it('makes attributes a worktype schema accepts, and refuses nonsense options', async () => {
    const random = seededRandom(3);
    const a = attributesFor({ type: 'object', properties: { amount: { type: 'number', minimum: 10, maximum: 20 }, segment: { enum: ['Gold', 'Silver'] }, email: { type: 'string', format: 'email' }, code: { type: 'string', minLength: 12, maxLength: 12 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } }, required: ['amount', 'segment', 'email', 'code', 'currency'] }, random, 5);
    expect(a.amount).toBeGreaterThanOrEqual(10);
    expect(a.amount).toBeLessThanOrEqual(20);
    expect(['Gold', 'Silver']).toContain(a.segment);
    expect(a.email).toBe('customer5@example.com');
    expect(String(a.code)).toHaveLength(12);
    expect(a.currency).toBe('EUR');
    const bad = await run(process.execPath, [BIN, 'simulate', '--rate', '0'], { env: process.env }).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('--rate must be a number above 0') });
  });
});

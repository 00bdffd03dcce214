import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { openStore } from '@worklane/server';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/worklane.mjs');
const dir = mkdtempSync(join(tmpdir(), 'worklane-cli-'));
const env = { ...process.env, WORKLANE_DATA_DIR: dir, DATABASE_URL: '' };

async function cli(...args: string[]) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('worklane CLI on the embedded database', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, bootstraps an admin and an API key, imports and exports configuration', async () => {
    expect((await cli('migrate')).stdout).toMatch(/applied: 0001_foundation/);
    expect((await cli('migrate')).stdout).toMatch(/up to date/);
    expect((await cli('user', 'add', '--email', 'Root@Example.com', '--password', 'secret1', '--role', 'admin')).stdout).toMatch(/created root@example.com/);
    const bad = await cli('user', 'add', '--email', 'x@y.z', '--password', 'secret1', '--role', 'wizard');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown role/);
    const key = await cli('api-key', 'add', '--name', 'erp', '--scope', 'tasks:write', '--scope', 'tasks:read');
    const secret = key.stdout.trim().split('\n').pop()!;
    expect(secret).toMatch(/^wl_/);
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'version: 1\nskills:\n  - { id: billing, name: Billing }\nteams:\n  - { id: ops, name: Ops }\n');
    expect((await cli('import', file, '--dry-run')).stdout).toMatch(/dry run: 2 change/);
    expect((await cli('import', file)).stdout).toMatch(/applied: 2 change/);
    writeFileSync(file, 'version: 1\nqueues:\n  - { id: q, name: Q, members: { teams: [nope] } }\n');
    const refused = await cli('import', file);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/error \/queues\/0\/members\/teams\/0: unknown team "nope"/);
    await cli('export', '--format', 'json', '-o', join(dir, 'out.json'));
    const exported = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(exported.skills).toEqual([{ id: 'billing', name: 'Billing' }]);
    expect(exported.apiKeys).toEqual([{ name: 'erp', scopes: ['tasks:write', 'tasks:read'] }]);
    expect(JSON.stringify(exported)).not.toContain(secret);
  }, 60_000);

  it('says plainly when the embedded database is held by another process', async () => {
    const store = await openStore({ dataDir: dir, holder: 'worklane start' });
    try {
      const r = await cli('export');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/in use by another Worklane process \(pid \d+, "worklane start"\)/);
    } finally {
      await store.close();
    }
    expect((await cli('export')).code).toBe(0);
  }, 60_000);
});

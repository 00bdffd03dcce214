import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

// A fresh PGlite cluster costs 3.5 to 5 s of initdb in WebAssembly on this machine; a copy of one
// made once costs about 0.1 s. The template is an empty cluster (no migrations: those run per test
// as in production), kept per PGlite version, made in a folder of its own and renamed into place.
function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

let template: string | undefined;

async function templateDir(): Promise<string> {
  if (template) return template;
  const root = join(tmpdir(), 'worklane-pglite-templates');
  const final = join(root, pgliteVersion());
  if (!existsSync(final)) {
    mkdirSync(root, { recursive: true });
    const work = mkdtempSync(join(root, 'making-'));
    const p = new PGlite(join(work, 'pgdata'));
    await p.waitReady;
    await p.close();
    try {
      renameSync(work, final);
    } catch {
      rmSync(work, { recursive: true, force: true }); // another process made it first
    }
  }
  return (template = final);
}

/** Fills `dir` with a fresh, empty PGlite cluster (as `openStore` expects it in `dir/pgdata`). */
export async function freshPglite(dir: string): Promise<void> {
  cpSync(join(await templateDir(), 'pgdata'), join(dir, 'pgdata'), { recursive: true });
}

// `npm start`: build the web app when it is missing or older than its sources, then run `worklane start`.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const web = 'packages/web';
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);
const built = join(web, 'dist/index.html');
if (!existsSync(built) || statSync(built).mtimeMs < Math.max(newest(join(web, 'src')), newest(join(web, 'public')), statSync(join(web, 'index.html')).mtimeMs)) {
  console.log('Building the web app…');
  execSync('npm run build -w @worklane/web', { stdio: 'inherit' });
}
process.argv.splice(2, 0, 'start');
await import('../packages/cli/bin/worklane.mjs');

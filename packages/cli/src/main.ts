import { Command, Option } from 'commander';
import { DatabaseBusyError, ROLES, SCOPES } from '@worklane/server';
import { addApiKey, addUser, exportTo, importFile, migrate, start } from './commands.js';
import { DEMO_AGENTS, simulate } from './simulate.js';

const out = (line: string) => process.stdout.write(line + '\n');
const collect = (v: string, prev: string[]) => [...prev, v];

const program = new Command()
  .name('worklane')
  .description('Worklane: work distribution and case management.\nUses DATABASE_URL (PostgreSQL) when set, else the embedded database in WORKLANE_DATA_DIR (default ./data).')
  .showHelpAfterError();

program.command('start').description('serve the API and web app on PORT (default 8080)').action(() => start(out));
program.command('migrate').description('apply pending database migrations').action(() => migrate(out));
program
  .command('import <file>')
  .description('import a configuration file (YAML or JSON)')
  .option('--dry-run', 'only report what would change')
  .action(async (file: string, opts: { dryRun?: boolean }) => {
    if (!(await importFile(file, opts, out))) process.exitCode = 1;
  });
program
  .command('export')
  .description('print the configuration (no passwords or key secrets)')
  .addOption(new Option('--format <format>', 'yaml or json').choices(['yaml', 'json']).default('yaml'))
  .option('-o, --output <file>', 'write to a file')
  .action((opts: { format?: string; output?: string }) => exportTo(opts, out));
program
  .command('user')
  .description('manage users')
  .command('add')
  .description('create (or reset) a user, e.g. the first admin')
  .requiredOption('--email <email>')
  .requiredOption('--password <password>')
  .requiredOption('--role <role>', `one of ${ROLES.join(', ')} (repeatable)`, collect, [])
  .option('--name <name>')
  .action((opts: { email: string; password: string; role: string[]; name?: string }) => addUser(opts, out));
program
  .command('api-key')
  .description('manage API keys')
  .command('add')
  .description('create an API key and print it once')
  .requiredOption('--name <name>')
  .requiredOption('--scope <scope>', `one of ${SCOPES.join(', ')} (repeatable)`, collect, [])
  .action((opts: { name: string; scope: string[] }) => addApiKey(opts, out));

const positive = (name: string, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`${name} must be a number above 0 and at most ${max}, got "${v}"`);
  return n;
};
program
  .command('simulate')
  .description('play a source system and agents against a running server (for demos and training): tasks arrive, agents accept, claim and complete')
  .option('--url <url>', 'the server', `http://localhost:${process.env.PORT ?? 8080}`)
  .option('--key <key>', 'API key that may capture tasks (default: the demo key)', process.env.WORKLANE_API_KEY ?? 'wl_demo_4f8c2a9e7b1d6053c1e2')
  .option('--agent <email:password>', 'an agent to play (repeatable; default: the demo agents)', collect, [])
  .option('--worktype <id>', 'only this worktype (repeatable; default: all)', collect, [])
  .option('--rate <perMinute>', 'tasks captured per minute', positive('--rate', 60_000), 30)
  .option('--duration <seconds>', 'how long to run', positive('--duration', 86_400), 120)
  .option('--handle <seconds>', 'average handle time', positive('--handle', 3_600), 20)
  .option('--accept <seconds>', 'time to accept an offer', positive('--accept', 600), 2)
  .option('--seed <n>', 'random seed (the same seed, the same run)', positive('--seed', 2 ** 31), 1)
  .option('--chats <perMinute>', 'website visitors starting chats per minute (default none)', positive('--chats', 600))
  .action(async (opts: { url: string; key: string; agent: string[]; worktype: string[]; rate: number; duration: number; handle: number; accept: number; seed: number; chats?: number }) => {
    const counts = await simulate(
      { url: opts.url.replace(/\/+$/, ''), key: opts.key, agents: opts.agent.length ? opts.agent : DEMO_AGENTS, worktypes: opts.worktype, ratePerMinute: opts.rate, durationSeconds: opts.duration, handleSeconds: opts.handle, acceptSeconds: opts.accept, seed: opts.seed, chatsPerMinute: opts.chats ?? 0 },
      out,
    );
    if (counts.captured === 0) process.exitCode = 1;
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof DatabaseBusyError) process.stderr.write(`worklane: ${err.message}\n`);
  else process.stderr.write(`worklane: ${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
});

import { Command, Option } from 'commander';
import { DatabaseBusyError, ROLES, SCOPES } from '@worklane/server';
import { addApiKey, addUser, exportTo, importFile, migrate, start } from './commands.js';

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

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof DatabaseBusyError) process.stderr.write(`worklane: ${err.message}\n`);
  else process.stderr.write(`worklane: ${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
});

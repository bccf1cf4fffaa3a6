/**
 * vitest globalSetup: a throwaway Postgres server for the prod-mode tests. `initdb` makes
 * a cluster in a temp dir, `pg_ctl` starts it on a free loopback port, and it is stopped
 * and deleted after the run. Tests read where it is with `inject('postgres')`.
 *
 * MODEFLOW_PG_BINDIR picks the binaries' directory. Without them the tests skip with a one-line notice, unless
 * MODEFLOW_REQUIRE_SERVICES=1 (CI), which makes that a failure. As root (initdb refuses
 * root) the server runs as the `postgres` user (or `nobody`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/** Where the test server is, or why there is none. */
export type PostgresInfo =
  | {
      readonly host: string;
      readonly port: number;
      readonly user: string;
      readonly password: string;
      readonly database: string;
      readonly skip?: undefined;
    }
  | { readonly skip: string };

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresInfo;
  }
}

const INSTALL_HINT = 'install them (Debian/Ubuntu: apt-get install postgresql; they are found with pg_config --bindir)';

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const bin = findBinDir();
  if (!bin) {
    const missing = `the Postgres server binaries (initdb, pg_ctl) were not found; ${INSTALL_HINT}`;
    if (process.env['MODEFLOW_REQUIRE_SERVICES'] === '1') throw new Error(`MODEFLOW_REQUIRE_SERVICES=1 and ${missing}`);
    const reason = `Postgres tests skipped: ${missing}`;
    process.stderr.write(`${reason}\n`);
    project.provide('postgres', { skip: reason });
    return undefined;
  }
  const owner = process.getuid?.() === 0 ? unprivilegedUser() : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'modeflow-pg-'));
  const password = randomBytes(12).toString('hex');
  const user = 'modeflow';
  const database = 'modeflow';
  writeFileSync(join(dir, 'pwfile'), `${password}\n`);
  if (owner) {
    chmodSync(dir, 0o700);
    chownSync(dir, owner.uid, owner.gid);
    chownSync(join(dir, 'pwfile'), owner.uid, owner.gid);
  }
  const as = (command: string, args: string[]): void => {
    const [file, argv] = owner ? ['runuser', ['-u', owner.name, '--', command, ...args]] : [command, args];
    const result = spawnSync(file, argv, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    if (result.status !== 0) {
      throw new Error(
        `${[command, ...args].join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}${result.error?.message ?? ''}`,
      );
    }
  };
  const data = join(dir, 'data');
  as(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    user,
    `--pwfile=${join(dir, 'pwfile')}`,
    '--auth=scram-sha-256',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  const port = await freePort();
  const stop = () => {
    try {
      as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    // -k: the Unix socket stays in the temp dir; -F: no fsync, it is thrown away anyway.
    as(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -F`,
      'start',
    ]);
    execFileSync(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, database], {
      env: { ...process.env, PGPASSWORD: password },
    });
  } catch (error) {
    stop();
    throw error;
  }
  project.provide('postgres', { host: '127.0.0.1', port, user, password, database });
  return stop;
}

/**
 * The server's bin dir: MODEFLOW_PG_BINDIR when set, else `pg_config --bindir`, else the
 * newest /usr/lib/postgresql/<v>/bin; undefined without initdb, pg_ctl and createdb.
 */
function findBinDir(): string | undefined {
  const candidates: string[] = [];
  const forced = process.env['MODEFLOW_PG_BINDIR'];
  if (forced) return ['initdb', 'pg_ctl', 'createdb'].every((tool) => existsSync(join(forced, tool))) ? forced : undefined;
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  return candidates.find((dir) => ['initdb', 'pg_ctl', 'createdb'].every((tool) => existsSync(join(dir, tool))));
}

function unprivilegedUser(): { name: string; uid: number; gid: number } {
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (id.status === 0 && gid.status === 0) return { name, uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error(
    'running as root, and initdb refuses root: create a "postgres" user (apt-get install postgresql does) or run the tests as another user',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

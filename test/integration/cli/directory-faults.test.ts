// Directory mode under what editors, git checkouts, git-sync and unlucky operators do to a tree of manifests:
// renames, moved directories, deleted copies, unreadable and truncated files, symbolic link loops, FIFOs,
// a swapped `current` link, and a new file claiming a role an existing object owns. The real CLI runs as a
// process against a Graph emulator owned by the test, whose request log shows every write that reached it.
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import { eventually } from '../../harness/kube-client.js';
import {
  directoryRunArgs,
  startRolegate,
  type RolegateProcess,
  type StartOptions,
} from '../../harness/controller-process.js';
import { runCli } from '../../harness/cli.js';
import { emulatorProviderYaml } from '../../harness/emulator-provider.js';

interface StatusRole {
  key: string;
  creationTimestamp?: string;
  file?: string;
  fileProblem?: string;
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}
interface Status {
  roles: StatusRole[];
  fileErrors?: { file: string; rule: string; message: string }[];
}

let emulator: GraphEmulator;
let roleIds: string[];
const dirs: string[] = [];
const running: RolegateProcess[] = [];

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  roleIds = emulator
    .roleDefinitions()
    .slice(22, 31)
    .map((d) => d.templateId);
});
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});
afterAll(async () => {
  await emulator?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A temporary tree (world-readable, for the test run as another user) with the provider in it. */
function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-faults-'));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  writeFileSync(join(dir, 'provider.yaml'), emulatorProviderYaml(emulator));
  return dir;
}

/**
 * A PrivilegedRole that does not want MFA and asks for a reset when deleted: rolegate removes MFA once, and a
 * role it wrongly believed deleted would be visible as a second write (MFA back on).
 */
function roleYaml(name: string, id: string, extra = ''): string {
  return `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: ${name}, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${id} }, mfaRequired: false, deletionPolicy: ResetToDefault${extra} }
`;
}

const mfaOn = (id: string): boolean =>
  (
    emulator.getRule(id, 'Enablement_EndUser_Assignment') as { enabledRules?: string[] } | undefined
  )?.enabledRules?.includes('MultiFactorAuthentication') ?? false;

/** Write requests that reached the emulator for a role's policy (by the role's policy id). */
function writesFor(id: string): number {
  const policy = emulator.getPolicyOfRole(id)?.id ?? id;
  return emulator
    .requests({ batchItems: true })
    .filter((r) => r.method !== 'GET' && !r.path.endsWith('$batch') && r.path.includes(policy))
    .length;
}

/** Starts `rolegate run --dir DIR --allow-weakening` with JSON logs on a free port. */
function startRun(dir: string, extra: string[] = [], opts: StartOptions = {}): RolegateProcess {
  return startRolegate(directoryRunArgs(dir, ['--allow-weakening', ...extra]), {}, opts);
}

/** startRun, stopped after the test. */
function start(dir: string, extra: string[] = [], opts: StartOptions = {}): RolegateProcess {
  const run = startRun(dir, extra, opts);
  running.push(run);
  return run;
}

async function status(run: RolegateProcess): Promise<Status> {
  return (await (await fetch(`${await run.opsUrl()}/status`)).json()) as Status;
}

const condition = (
  r: StatusRole | undefined,
  type: string,
): { type: string; status: string; reason?: string; message?: string } | undefined =>
  r?.status?.conditions?.find((c) => c.type === type);

const ready = (r: StatusRole | undefined): string | undefined =>
  r?.status?.conditions?.find((c) => c.type === 'Ready')?.reason;

/** Waits until every key reports Ready with the given reason. */
async function waitFor(run: RolegateProcess, want: Record<string, string>): Promise<Status> {
  let last: Status | undefined;
  await eventually(
    async () => {
      last = await status(run);
      const got = Object.fromEntries(
        Object.keys(want).map((k) => [k, ready(last!.roles.find((r) => r.key === k))]),
      );
      expect(got).toEqual(want);
    },
    20_000,
    200,
  );
  return last!;
}

/** Longer than the debounce, the settle period and a resync together: whatever rolegate would do, it did. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 3500));

const forgotten = (run: RolegateProcess): Record<string, unknown>[] =>
  run.logs.filter((l) => typeof l.msg === 'string' && l.msg.includes('no file holds it'));

describe('directory mode keeps roles through renames, moves and copies', () => {
  let dir: string;
  let run: RolegateProcess;
  let id: string;
  let writesAfterStart: number;

  beforeAll(async () => {
    id = roleIds[0]!;
    emulator.setEnabledRules(id, ['Justification', 'MultiFactorAuthentication']);
    dir = tree();
    mkdirSync(join(dir, 'teams', 'zeta'), { recursive: true });
    writeFileSync(join(dir, 'teams', 'zeta', 'role.yaml'), roleYaml('moved', id));
    run = startRun(dir);
    await waitFor(run, { 'identity/moved': 'InSync' });
    expect(mfaOn(id)).toBe(false);
    writesAfterStart = writesFor(id);
    expect(writesAfterStart).toBeGreaterThan(0);
  });
  afterAll(async () => {
    expect(await run.stop()).toBe(0);
  });

  const unchanged = async (file: RegExp): Promise<void> => {
    await settle();
    const s = await status(run);
    const role = s.roles.find((r) => r.key === 'identity/moved');
    expect(ready(role)).toBe('InSync');
    expect(role?.file).toMatch(file);
    expect(forgotten(run)).toEqual([]);
    // no reset (MFA back on) reached the provider, nor any other write
    expect(writesFor(id)).toBe(writesAfterStart);
    expect(mfaOn(id)).toBe(false);
  };

  it('renaming a file to a name that sorts before the old one', async () => {
    renameSync(join(dir, 'teams/zeta/role.yaml'), join(dir, 'teams/zeta/a-role.yaml'));
    await unchanged(/teams\/zeta\/a-role\.yaml$/);
  });

  it('renaming its directory to a name that sorts before the old one', async () => {
    renameSync(join(dir, 'teams/zeta'), join(dir, 'teams/alpha'));
    await unchanged(/teams\/alpha\/a-role\.yaml$/);
  });

  it('copying the manifest (the copy sorts first) and deleting the copy', async () => {
    copyFileSync(join(dir, 'teams/alpha/a-role.yaml'), join(dir, 'teams/alpha/a-role-copy.yaml'));
    const dup = await run.waitForLog(
      (l) => l.rule === 'semantic.duplicate-object' && String(l.msg).includes('a-role-copy.yaml'),
      10_000,
    );
    expect(dup.level).toBe('error');
    rmSync(join(dir, 'teams/alpha/a-role-copy.yaml'));
    await unchanged(/teams\/alpha\/a-role\.yaml$/);
  });
});

describe('directory mode under file faults', () => {
  it('an unreadable file (EACCES where file modes apply, a dangling link, a syntax error) is an error: the role is Ready=False SourceUnreadable and still enforced with its last good objects', async () => {
    // Root reads any file whatever its mode, so rolegate runs here without the capabilities that override
    // file modes; chmod 000 then gives the EACCES an operator gets from a wrong umask or a secret-mounted file.
    const id = roleIds[1]!;
    const key = 'identity/unreadable';
    emulator.setEnabledRules(id, ['Justification', 'MultiFactorAuthentication']);
    const dir = tree();
    const file = join(dir, 'roles.yaml');
    writeFileSync(file, roleYaml('unreadable', id));
    const run = start(dir, [], { fileModesApply: true });
    await waitFor(run, { [key]: 'InSync' });
    let before = writesFor(id);
    chmodSync(file, 0o000);
    // a mode change alone is not always a watcher event; a deploy tool rewriting the file would touch it too
    const now = new Date();
    utimesSync(file, now, now);
    const err = await run.waitForLog((l) => l.rule === 'io.read', 10_000);
    expect(err.level).toBe('error');
    expect(String(err.msg)).toMatch(/roles\.yaml.*EACCES.*last good objects are kept/);
    // no stale green light: the condition says the file cannot be read and what is enforced meanwhile
    const s = await waitFor(run, { [key]: 'SourceUnreadable' });
    const role = s.roles.find((r) => r.key === key);
    expect(condition(role, 'Ready')).toMatchObject({
      status: 'False',
      message: expect.stringMatching(/roles\.yaml.*EACCES.*last good content/),
    });
    expect(condition(role, 'Stalled')).toMatchObject({
      status: 'True',
      reason: 'SourceUnreadable',
    });
    expect(condition(role, 'Reconciling')).toBeUndefined();
    // MFAEnforced still reports what was observed: MFA is off, as the last good manifest wants
    expect(condition(role, 'MFAEnforced')?.status).toBe('False');
    expect(role?.fileProblem).toMatch(/EACCES/);
    expect(s.fileErrors?.map((e) => e.rule)).toEqual(['io.read']);
    expect(forgotten(run)).toEqual([]);
    expect(writesFor(id)).toBe(before);
    expect(mfaOn(id)).toBe(false);
    // still enforced with the last good spec: drift in the provider is corrected, nothing is reset
    emulator.setEnabledRules(id, ['Justification', 'MultiFactorAuthentication']);
    await eventually(() => {
      expect(mfaOn(id)).toBe(false);
    }, 10_000);
    expect(writesFor(id)).toBeGreaterThan(before);
    await waitFor(run, { [key]: 'SourceUnreadable' });
    expect(forgotten(run)).toEqual([]);
    before = writesFor(id);
    // readable again: the error and the condition clear without waiting for anything else to change
    chmodSync(file, 0o644);
    utimesSync(file, new Date(), new Date());
    await eventually(async () => {
      const again = await status(run);
      expect(again.fileErrors).toBeUndefined();
      const r = again.roles.find((x) => x.key === key);
      expect(r?.fileProblem).toBeUndefined();
      expect(ready(r)).toBe('InSync');
      expect(condition(r, 'Stalled')).toBeUndefined();
    }, 10_000);
    // a link that leads nowhere (a half-done deploy) is a read error too, not a deletion
    rmSync(file);
    symlinkSync('missing/roles.yaml', file);
    await eventually(async () => {
      const s2 = await status(run);
      expect(s2.fileErrors?.map((e) => e.message)).toEqual([
        expect.stringMatching(/symbolic link to a missing file/),
      ]);
      const r = s2.roles.find((x) => x.key === key);
      expect(ready(r)).toBe('SourceUnreadable');
      expect(condition(r, 'Ready')?.message).toMatch(/symbolic link to a missing file/);
    }, 10_000);
    // a half-saved edit in its place (a syntax error after a good version) keeps the objects and says where
    rmSync(file);
    writeFileSync(file, `${roleYaml('unreadable', id)}  mfaRequired: [\n`);
    await eventually(async () => {
      const s3 = await status(run);
      const r = s3.roles.find((x) => x.key === key);
      expect(ready(r)).toBe('SourceUnreadable');
      expect(condition(r, 'Ready')?.message).toMatch(/roles\.yaml:\d+:\d+: /);
    }, 10_000);
    writeFileSync(file, roleYaml('unreadable', id));
    await waitFor(run, { [key]: 'InSync' });
    await settle();
    expect(forgotten(run)).toEqual([]);
    expect(writesFor(id)).toBe(before);
    expect(mfaOn(id)).toBe(false);
  });

  it('a file truncated to empty is not a deletion unless it stays empty', async () => {
    const id = roleIds[2]!;
    emulator.setEnabledRules(id, ['Justification', 'MultiFactorAuthentication']);
    const dir = tree();
    const file = join(dir, 'roles.yaml');
    const text = roleYaml('truncated', id);
    writeFileSync(file, text);
    const run = start(dir);
    await waitFor(run, { 'identity/truncated': 'InSync' });
    const before = writesFor(id);
    // an editor's save: truncate, then write the new content a moment later
    truncateSync(file, 0);
    await new Promise((r) => setTimeout(r, 400));
    writeFileSync(file, text);
    await settle();
    expect(forgotten(run)).toEqual([]);
    expect(writesFor(id)).toBe(before);
    expect(mfaOn(id)).toBe(false);
    // a file that stays empty is a deletion, after the settle period: the reset goes out as usual
    truncateSync(file, 0);
    await run.waitForLog(
      (l) =>
        typeof l.msg === 'string' &&
        l.msg.startsWith('finalized:') &&
        l.namespace === 'identity' &&
        l.name === 'truncated',
      15_000,
    );
    expect(forgotten(run)).toHaveLength(1);
    expect(mfaOn(id)).toBe(true);
  });
});

describe('symbolic links and special files', () => {
  it('run --dir starts despite a symbolic link loop, reads each file once and reports the loop', async () => {
    const id = roleIds[3]!;
    const dir = tree();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'roles.yaml'), roleYaml('looped', id));
    symlinkSync('..', join(dir, 'sub', 'loop'));
    symlinkSync('../sub', join(dir, 'sub', 'again'));
    const run = start(dir);
    await run.waitForLog((l) => l.msg === 'controller started', 15_000);
    await waitFor(run, { 'identity/looped': 'InSync' });
    const loop = run.logs.filter((l) => l.rule === 'io.symlink-loop');
    expect(loop.map((l) => l.file)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/sub\/loop$/),
        expect.stringMatching(/sub\/again$/),
      ]),
    );
    // one object, not one per path through the loop
    expect(run.logs.filter((l) => l.rule === 'semantic.duplicate-object')).toEqual([]);
    expect(run.logs.filter((l) => JSON.stringify(l).includes('ELOOP'))).toEqual([]);
  });

  it('validate reads each file of a tree with a loop once, and refuses a FIFO named explicitly or found in the tree', async () => {
    const dir = tree();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'roles.yaml'), roleYaml('looped', roleIds[3]!));
    symlinkSync('..', join(dir, 'sub', 'loop'));
    symlinkSync(join(dir, 'sub', 'loop'), join(dir, 'loop2'));
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const r = await runCli(['validate', '.'], dir);
    expect(r.stdout).toMatch(/sub\/loop: warning: .*a loop.*\[io\.symlink-loop\]/);
    expect(r.stdout).toMatch(/pipe\.yaml: error: .*FIFO.*\[io\.special-file\]/);
    expect(r.stdout).not.toMatch(/duplicate/);
    expect(r.stdout).toMatch(/^2 files, 2 objects/m);
    // an unreadable input is an error: 1 (issue #18: 2 is only --detailed-exitcode drift)
    expect(r.code).toBe(1);
    const fifo = await runCli(['validate', 'pipe.yaml'], dir);
    expect(fifo.stdout).toMatch(/pipe\.yaml: error: .*FIFO.*\[io\.special-file\]/);
    expect(fifo.code).toBe(1);
  });

  it('run --dir refuses a FIFO in the tree with a clear error and reconciles the rest', async () => {
    const id = roleIds[4]!;
    const dir = tree();
    writeFileSync(join(dir, 'roles.yaml'), roleYaml('beside-a-fifo', id));
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const run = start(dir);
    await waitFor(run, { 'identity/beside-a-fifo': 'InSync' });
    const err = await run.waitForLog((l) => l.rule === 'io.special-file', 5_000);
    expect(err).toMatchObject({ level: 'error' });
    expect(String(err.msg)).toMatch(/pipe\.yaml.*FIFO/);
  });

  it('follows a git-sync layout: a `current` link swapped atomically to a new revision', async () => {
    const [keep, added] = [roleIds[5]!, roleIds[6]!];
    emulator.setEnabledRules(keep, ['Justification', 'MultiFactorAuthentication']);
    emulator.setEnabledRules(added, ['Justification', 'MultiFactorAuthentication']);
    const base = tree();
    const provider = readFileSync(join(base, 'provider.yaml'));
    rmSync(join(base, 'provider.yaml'));
    const rev = (name: string, files: Record<string, string>): void => {
      mkdirSync(join(base, '.worktrees', name, 'roles'), { recursive: true });
      writeFileSync(join(base, '.worktrees', name, 'provider.yaml'), provider);
      for (const [f, t] of Object.entries(files))
        writeFileSync(join(base, '.worktrees', name, 'roles', f), t);
    };
    rev('r1', { 'kept.yaml': roleYaml('kept', keep) });
    symlinkSync('.worktrees/r1', join(base, 'current'));
    const run = start(join(base, 'current'));
    await waitFor(run, { 'identity/kept': 'InSync' });
    const before = writesFor(keep);
    // the next revision moves the kept role to another file and adds one; git-sync swaps the link by rename
    rev('r2', { 'a-kept.yaml': roleYaml('kept', keep), 'added.yaml': roleYaml('added', added) });
    symlinkSync('.worktrees/r2', join(base, 'current.tmp'));
    renameSync(join(base, 'current.tmp'), join(base, 'current'));
    rmSync(join(base, '.worktrees', 'r1'), { recursive: true });
    await waitFor(run, { 'identity/kept': 'InSync', 'identity/added': 'InSync' });
    await settle();
    expect(forgotten(run)).toEqual([]);
    expect(writesFor(keep)).toBe(before);
    expect(mfaOn(keep)).toBe(false);
    // and a second swap still seen: the watcher follows the new revision's directories
    rev('r3', { 'a-kept.yaml': roleYaml('kept', keep) });
    symlinkSync('.worktrees/r3', join(base, 'current.tmp'));
    renameSync(join(base, 'current.tmp'), join(base, 'current'));
    await run.waitForLog(
      (l) =>
        typeof l.msg === 'string' &&
        l.msg.startsWith('finalized:') &&
        l.namespace === 'identity' &&
        l.name === 'added',
      15_000,
    );
    expect(mfaOn(added)).toBe(true);
    expect(writesFor(keep)).toBe(before);
  });
});

describe('claim age in directory mode', () => {
  it('a newer file does not take over a role an existing object owns, across a restart too', async () => {
    const id = roleIds[7]!;
    emulator.setEnabledRules(id, ['Justification', 'MultiFactorAuthentication']);
    const dir = tree();
    const statusFile = join(dir, '.status.json');
    const owner = `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: zz-existing, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${id} }, mfaRequired: true }
`;
    writeFileSync(join(dir, 'zz-existing.yaml'), owner);
    let run = start(dir, ['--status-file', statusFile]);
    await waitFor(run, { 'identity/zz-existing': 'InSync' });
    const before = writesFor(id);
    // Newcomers whose keys sort first, weakening the role; one claims an old creationTimestamp of its own.
    const claimant = (name: string, meta = ''): string => `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: ${name}, namespace: identity${meta} }
spec: { providerRef: { name: tenant }, role: { id: ${id} }, mfaRequired: false }
`;
    writeFileSync(join(dir, 'aa-newcomer.yaml'), claimant('aa-newcomer'));
    writeFileSync(
      join(dir, 'ab-backdated.yaml'),
      claimant('ab-backdated', ', creationTimestamp: "2000-01-01T00:00:00Z"'),
    );
    const both = await waitFor(run, {
      'identity/zz-existing': 'InSync',
      'identity/aa-newcomer': 'Conflict',
      'identity/ab-backdated': 'Conflict',
    });
    const age = (s: Status, key: string): string =>
      s.roles.find((r) => r.key === `identity/${key}`)?.creationTimestamp ?? '';
    const created = age(both, 'zz-existing');
    expect(created).not.toBe('');
    expect(age(both, 'aa-newcomer') > created).toBe(true);
    expect(age(both, 'ab-backdated') > created).toBe(true);
    await settle();
    expect(writesFor(id)).toBe(before);
    expect(mfaOn(id)).toBe(true);
    expect(await run.stop()).toBe(0);
    expect(age(JSON.parse(readFileSync(statusFile, 'utf8')) as Status, 'zz-existing')).toBe(
      created,
    );

    // While rolegate is stopped a third claimant arrives and a newcomer's file is renamed; after the restart
    // the ages come from the status file, not from file names or keys.
    writeFileSync(join(dir, 'ac-while-down.yaml'), claimant('ac-while-down'));
    renameSync(join(dir, 'aa-newcomer.yaml'), join(dir, '0-newcomer.yaml'));
    run = start(dir, ['--status-file', statusFile]);
    const after = await waitFor(run, {
      'identity/zz-existing': 'InSync',
      'identity/aa-newcomer': 'Conflict',
      'identity/ab-backdated': 'Conflict',
      'identity/ac-while-down': 'Conflict',
    });
    expect(age(after, 'zz-existing')).toBe(created);
    expect(age(after, 'aa-newcomer')).toBe(age(both, 'aa-newcomer'));
    await settle();
    expect(writesFor(id)).toBe(before);
    expect(mfaOn(id)).toBe(true);
  });
});

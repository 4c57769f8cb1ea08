// What a user gets without any registry account, tested by doing what they would do: `npm pack` in the
// checkout, the tarball installed into an empty folder, its `rolegate` bin run; the pre-commit hook's entry
// run on files as pre-commit passes them; the composite action's steps and the GitHub Actions recipe's steps
// run as the scripts GitHub would run (bash -eo pipefail, GITHUB_OUTPUT/GITHUB_PATH files, `${{ }}` values).
// `uses:` steps are what the test itself provides: the checkout is a temporary folder, Node.js is this one.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';

const run = promisify(execFile);
const ROOT = resolve('.');
const PKG = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; never rejects. */
async function sh(
  file: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 240_000,
): Promise<Outcome> {
  try {
    const r = await run(file, args, {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 64 << 20,
      timeout: timeoutMs,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
}

let tmp: string;
let tarball: string;
let bin: string;
const npmEnv = (): NodeJS.ProcessEnv => ({
  npm_config_prefer_offline: 'true',
  npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? tmp, '.npm'),
  npm_config_update_notifier: 'false',
});

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rolegate-dist-'));
  // npm pack runs `prepare`: the TypeScript build and dist/build-info.json (the commit).
  const pack = await sh('npm', ['pack', '--pack-destination', tmp], ROOT, npmEnv());
  expect(pack.code, pack.stderr).toBe(0);
  tarball = join(tmp, pack.stdout.trim().split('\n').pop()!);
  expect(tarball).toMatch(new RegExp(`rolegate-${PKG.version.replace(/\./g, '\\.')}\\.tgz$`));
  const install = join(tmp, 'install');
  mkdirSync(install);
  const i = await sh('npm', ['install', '--no-audit', '--no-fund', tarball], install, npmEnv());
  expect(i.code, i.stderr).toBe(0);
  bin = join(install, 'node_modules', '.bin');
}, 600_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A manifests repository checkout: a provider, one good role, and optionally a broken one. */
function checkout(name: string, opts: { emulator?: GraphEmulator; broken?: boolean } = {}): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'manifests'), { recursive: true });
  const e = opts.emulator;
  writeFileSync(
    join(dir, 'manifests', 'provider.yaml'),
    `apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata: { name: tenant }
spec:
  entra: { tenantId: ${e?.tenantId ?? '72f988bf-86f1-41af-91ab-2d7cd011db47'}, graphBaseUrl: "${e?.url ?? 'http://127.0.0.1:9'}", credentials: { type: Emulator } }
`,
  );
  writeFileSync(
    join(dir, 'manifests', 'roles.yaml'),
    `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: pra, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${PRA} }, mfaRequired: true }
`,
  );
  if (opts.broken) {
    writeFileSync(
      join(dir, 'manifests', 'broken.yaml'),
      'apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\nmetadata:\n  name: ga\n  namespace: identity\nspec:\n  providerRef: { name: tenant }\n  role: { id: not-a-guid }\n  mfaRequired: yes\n',
    );
  }
  writeFileSync(join(dir, 'README.md'), '# manifests\n');
  return dir;
}

describe('the npm tarball', () => {
  it('installs into an empty folder and its rolegate bin validates the shipped examples', async () => {
    const examples = join(tmp, 'install', 'node_modules', 'rolegate', 'examples');
    const r = await sh(join(bin, 'rolegate'), ['validate', examples], tmp);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\d+ files, \d+ objects: 0 errors, 0 warnings/);
  });

  it('knows its version and the commit it was packed from', async () => {
    const head = (await sh('git', ['rev-parse', 'HEAD'], ROOT)).stdout.trim();
    expect((await sh(join(bin, 'rolegate'), ['--version'], tmp)).stdout).toBe(`${PKG.version}\n`);
    const v = JSON.parse(
      (await sh(join(bin, 'rolegate'), ['version', '-o', 'json'], tmp)).stdout,
    ) as Record<string, string>;
    expect(v).toMatchObject({ version: PKG.version, commit: head, node: process.version });
  });

  it('holds the built CLI and no sources or tests', async () => {
    const list = (await sh('tar', ['-tzf', tarball], tmp)).stdout.split('\n');
    expect(list).toContain('package/dist/cli/main.js');
    expect(list).toContain('package/dist/build-info.json');
    expect(list.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toBe(
      false,
    );
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parse(readFileSync('.pre-commit-hooks.yaml', 'utf8')) as {
    id: string;
    entry: string;
    language: string;
    files: string;
  }[];

  /** Runs a hook as pre-commit does: its entry, then the staged files its `files` pattern selects. */
  async function runHook(id: string, repo: string, staged: string[]): Promise<Outcome> {
    const hook = hooks.find((h) => h.id === id)!;
    expect(hook.language).toBe('node');
    const files = staged.filter((f) => new RegExp(hook.files).test(f));
    const [cmd, ...args] = hook.entry.split(' ');
    return sh(join(bin, cmd!), [...args, ...files], repo);
  }

  it('rolegate-validate passes good files, ignores files it does not match, and fails a broken one at file:line:col', async () => {
    const repo = checkout('hook-repo', { broken: true });
    const good = await runHook('rolegate-validate', repo, [
      'README.md',
      'manifests/provider.yaml',
      'manifests/roles.yaml',
    ]);
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout).toMatch(/^2 files, 2 objects: 0 errors/);
    const bad = await runHook('rolegate-validate', repo, [
      'manifests/roles.yaml',
      'manifests/broken.yaml',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /^manifests\/broken\.yaml:8:15: error: Field spec\.role\.id must be a GUID/m,
    );
  });

  it('pre-commit itself installs the hook from this repository and runs it (try-repo)', async () => {
    // pre-commit from PyPI (cached outside the repo). It clones this checkout, runs npm install and npm pack in
    // it and reads the tarball's name from npm pack's output: .npmrc keeps `prepare`'s banner out of that.
    const tool = await sh('bash', [join(ROOT, 'scripts/tools/pre-commit.sh')], ROOT, {}, 600_000);
    expect(tool.code, tool.stderr).toBe(0);
    const preCommit = tool.stdout.trim();
    const repo = checkout('pre-commit-repo', { broken: true });
    for (const args of [
      ['init', '-q'],
      ['add', '-A'],
    ]) {
      expect((await sh('git', args, repo)).code).toBe(0);
    }
    const env = { PRE_COMMIT_HOME: join(tmp, 'pre-commit-home'), ...npmEnv() };
    const tryRepo = (files: string[]): Promise<Outcome> =>
      sh(
        preCommit,
        ['try-repo', ROOT, 'rolegate-validate', '--files', ...files],
        repo,
        env,
        900_000,
      );
    const good = await tryRepo(['manifests/provider.yaml', 'manifests/roles.yaml']);
    expect(good.code, `${good.stdout}${good.stderr}`).toBe(0);
    expect(good.stdout).toMatch(/^rolegate validate\.+Passed$/m);
    const bad = await tryRepo(['manifests/roles.yaml', 'manifests/broken.yaml']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^rolegate validate\.+Failed$/m);
    expect(bad.stdout).toMatch(
      /^manifests\/broken\.yaml:8:15: error: Field spec\.role\.id must be a GUID/m,
    );
  }, 1_800_000);

  it('rolegate-validate-strict fails on warnings', async () => {
    const repo = checkout('hook-strict');
    // Without the provider's file, the providerRef is a warning: strict makes it fail.
    expect((await runHook('rolegate-validate', repo, ['manifests/roles.yaml'])).code).toBe(0);
    expect((await runHook('rolegate-validate-strict', repo, ['manifests/roles.yaml'])).code).toBe(
      1,
    );
  });
});

/** The `${{ … }}` values a step sees. */
type Context = Record<string, string>;

function value(expr: string, ctx: Context): string {
  const literal = /^'(.*)'$/.exec(expr.trim());
  return literal ? literal[1]! : (ctx[expr.trim()] ?? '');
}

/** `${{ x }}` in a string replaced by its value. */
function substitute(s: string, ctx: Context): string {
  return s.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, e: string) => value(e, ctx));
}

/** An `if:` of ==, !=, && and || over context values and string literals (all the recipes use). */
function condition(expr: string, ctx: Context): boolean {
  const e = expr.replace(/^\$\{\{\s*|\s*\}\}$/g, '');
  return e.split('||').some((or) =>
    or.split('&&').every((and) => {
      const m = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(and.trim());
      if (!m) return value(and, ctx) !== '';
      const equal = value(m[1]!, ctx) === value(m[3]!, ctx);
      return m[2] === '==' ? equal : !equal;
    }),
  );
}

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
  run?: string;
}

interface StepOutcome extends Outcome {
  step: string;
  skipped: boolean;
  /** What the step wrote to GITHUB_STEP_SUMMARY. */
  summary?: string;
}

/**
 * Runs steps as a GitHub runner would: each `run` with `bash --noprofile --norc -eo pipefail`, `${{ }}` in
 * env and if: resolved from `ctx`, outputs read back from GITHUB_OUTPUT, GITHUB_PATH added to PATH, and the
 * steps after a failed one skipped.
 */
async function runSteps(
  steps: Step[],
  cwd: string,
  ctx: Context,
  env: NodeJS.ProcessEnv,
): Promise<StepOutcome[]> {
  const results: StepOutcome[] = [];
  const runner = mkdtempSync(join(tmp, 'runner-'));
  let path = `${env.PATH ?? process.env.PATH}`;
  let failed = false;
  for (const [i, step] of steps.entries()) {
    const name = step.name ?? step.id ?? step.uses ?? `step ${i}`;
    if (step.uses || failed || (step.if !== undefined && !condition(step.if, ctx))) {
      results.push({ step: name, skipped: true, code: 0, stdout: '', stderr: '' });
      continue;
    }
    const script = join(runner, `step-${i}.sh`);
    writeFileSync(script, step.run ?? '');
    const files = {
      GITHUB_OUTPUT: join(runner, `output-${i}`),
      GITHUB_PATH: join(runner, `path-${i}`),
      GITHUB_STEP_SUMMARY: join(runner, `summary-${i}`),
    };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v), ctx)]),
    );
    const r = await sh('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], cwd, {
      ...env,
      ...stepEnv,
      ...files,
      RUNNER_TEMP: runner,
      PATH: path,
    });
    results.push({
      step: name,
      skipped: false,
      ...r,
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    });
    for (const line of readFileSync(files.GITHUB_OUTPUT, 'utf8').split('\n').filter(Boolean)) {
      const eq = line.indexOf('=');
      if (step.id) ctx[`steps.${step.id}.outputs.${line.slice(0, eq)}`] = line.slice(eq + 1);
    }
    for (const dir of readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean))
      path = `${dir}${delimiter}${path}`;
    if (r.code !== 0) failed = true;
  }
  return results;
}

describe('action.yml (composite action)', () => {
  const action = parse(readFileSync('action.yml', 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    runs: { using: string; steps: Step[] };
  };

  const runAction = (repo: string, inputs: Record<string, string>): Promise<StepOutcome[]> => {
    const ctx: Context = { 'github.action_path': ROOT };
    for (const [k, v] of Object.entries(action.inputs))
      ctx[`inputs.${k}`] = inputs[k] ?? v.default ?? '';
    return runSteps(action.runs.steps, repo, ctx, npmEnv());
  };

  it('is a composite action whose steps all say their shell', () => {
    expect(action.runs.using).toBe('composite');
    for (const s of action.runs.steps)
      if (s.run) expect((s as { shell?: string }).shell).toBe('bash');
  });

  it('installs the tarball and annotates a broken manifest at its line, failing with exit code 1', async () => {
    const repo = checkout('action-repo', { broken: true });
    const steps = await runAction(repo, { package: tarball, paths: 'manifests/*.yaml' });
    const [, install, validate] = steps;
    expect(install!.code, install!.stderr).toBe(0);
    expect(install!.stdout).toContain(`rolegate ${PKG.version}`);
    expect(validate!.code).toBe(1);
    expect(validate!.stdout).toMatch(/^::error file=manifests\/broken\.yaml,line=8,col=15,/m);
  });

  it('passes on good manifests with another format and extra args', async () => {
    const repo = checkout('action-good');
    const steps = await runAction(repo, {
      package: tarball,
      paths: 'manifests/',
      output: 'sarif',
      'output-file': 'rolegate.sarif',
      args: '--strict',
    });
    const validate = steps[2]!;
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/^2 files, 2 objects: 0 errors, 0 warnings/);
    expect(
      (JSON.parse(readFileSync(join(repo, 'rolegate.sarif'), 'utf8')) as { version: string })
        .version,
    ).toBe('2.1.0');
  });
});

describe('docs/ci/github-actions.yml, its steps run as a script', () => {
  const workflow = parse(readFileSync('docs/ci/github-actions.yml', 'utf8')) as {
    env: Record<string, string>;
    jobs: Record<string, { if?: string; steps: Step[] }>;
  };
  let emulator: GraphEmulator;
  let prefix: string;
  let ghLog: string;

  beforeAll(async () => {
    emulator = await startGraphEmulator({ port: 0 });
    emulator.setEnabledRules(PRA, ['Justification']);
    prefix = join(tmp, 'global');
    // A `gh` on PATH that records what it was asked to post (GitHub's API is not ours to call in a test).
    const stub = join(tmp, 'stub-bin');
    mkdirSync(stub, { recursive: true });
    ghLog = join(tmp, 'gh.log');
    writeFileSync(
      join(stub, 'gh'),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> "${ghLog}"\nwhile [ $# -gt 0 ]; do if [ "$1" = --body-file ]; then cat "$2" >> "${ghLog}"; fi; shift; done\n`,
      { mode: 0o755 },
    );
    process.env.ROLEGATE_TEST_STUB_BIN = stub;
  });
  afterAll(async () => {
    delete process.env.ROLEGATE_TEST_STUB_BIN;
    await emulator?.close();
  });

  const runJob = async (job: string, repo: string): Promise<StepOutcome[]> => {
    const ctx: Context = {
      'github.event_name': 'pull_request',
      'github.token': 'token-for-the-stub',
      'github.event.pull_request.number': '42',
    };
    const j = workflow.jobs[job]!;
    if (j.if !== undefined) expect(condition(j.if, ctx)).toBe(true);
    const env = {
      ...npmEnv(),
      ...workflow.env,
      // The tarball stands where the recipe expects the committed one.
      ROLEGATE_PACKAGE: tarball,
      // `npm install --global` into a folder of the test, on PATH as setup-node's global bin would be.
      npm_config_prefix: prefix,
      PATH: [process.env.ROLEGATE_TEST_STUB_BIN, join(prefix, 'bin'), process.env.PATH].join(
        delimiter,
      ),
    };
    return runSteps(j.steps, repo, ctx, env);
  };

  it('validate: installs the pinned package and passes good manifests', async () => {
    const steps = await runJob('validate', checkout('wf-validate'));
    const ran = steps.filter((s) => !s.skipped);
    expect(ran.map((s) => s.step)).toEqual(['Install rolegate', 'rolegate validate']);
    for (const s of ran) expect(s.code, s.stderr).toBe(0);
  });

  it('validate: a broken manifest fails the job with an annotation', async () => {
    const steps = await runJob('validate', checkout('wf-validate-bad', { broken: true }));
    const v = steps.find((s) => s.step === 'rolegate validate')!;
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/^::error file=manifests\/broken\.yaml,line=8,col=15,/m);
  });

  it('plan: drift (exit 2) passes the step, writes the summary and comments the plan', async () => {
    writeFileSync(ghLog, '');
    const repo = checkout('wf-plan', { emulator });
    const writes = emulator.counts().writes;
    const steps = await runJob('plan', repo);
    const plan = steps.find((s) => s.step === 'rolegate plan')!;
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.summary).toMatch(/^### rolegate plan/);
    const comment = steps.find((s) => s.step === 'Comment the plan on the pull request')!;
    expect(comment.skipped).toBe(false);
    expect(comment.code, comment.stderr).toBe(0);
    const posted = readFileSync(ghLog, 'utf8');
    expect(posted).toContain('pr comment 42 --edit-last --body-file comment.md');
    expect(posted).toContain('<!-- rolegate-plan -->\n### rolegate plan');
    expect(posted).toContain('**1 to change**');
    expect(emulator.counts().writes).toBe(writes);
  });

  it('plan: a broken run (missing manifests/) fails the job instead of passing as drift', async () => {
    writeFileSync(ghLog, '');
    const repo = checkout('wf-plan-broken', { emulator });
    rmSync(join(repo, 'manifests'), { recursive: true });
    const steps = await runJob('plan', repo);
    const plan = steps.find((s) => s.step === 'rolegate plan')!;
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('Error: Path manifests/ does not exist');
    expect(steps.find((s) => s.step === 'Comment the plan on the pull request')!.skipped).toBe(
      true,
    );
    expect(readFileSync(ghLog, 'utf8')).toBe('');
  });
});

interface GitlabJob {
  extends?: string;
  image?: string;
  variables?: Record<string, string>;
  before_script?: string[];
  script?: string[];
  allow_failure?: boolean | { exit_codes: number[] };
  artifacts?: { reports?: { junit?: string }; paths?: string[] };
}

describe('docs/ci/gitlab-ci.yml, its jobs run as a GitLab runner would', () => {
  const pipeline = parse(readFileSync('docs/ci/gitlab-ci.yml', 'utf8')) as Record<string, unknown>;
  let emulator: GraphEmulator;
  let prefix: string;
  let api: Server;
  let apiUrl: string;
  let notes: { path: string; token: string | undefined; body: string }[] = [];

  beforeAll(async () => {
    emulator = await startGraphEmulator({ port: 0 });
    emulator.setEnabledRules(PRA, ['Justification']);
    prefix = join(tmp, 'gitlab-global');
    // GitLab's notes API, as far as the recipe uses it: the test records what the job posts.
    api = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        notes.push({ path: req.url ?? '', token: req.headers['private-token'] as string, body });
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":1}');
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/v4`;
  });
  afterAll(async () => {
    await emulator?.close();
    await new Promise((r) => api?.close(r));
  });

  /** A job with `extends:` merged in (one level, as the recipe uses it). */
  function job(name: string): GitlabJob {
    const j = pipeline[name] as GitlabJob;
    const base = j.extends ? (pipeline[j.extends] as GitlabJob) : {};
    return { ...base, ...j, variables: { ...base.variables, ...j.variables } };
  }

  /**
   * Runs a job's before_script and script in one bash with `set -eo pipefail` (as the runner's bash shell does),
   * the global and job variables exported, and says how GitLab would report it: success, failed, or allowed to
   * fail (an exit code listed in allow_failure:exit_codes).
   */
  async function runJob(
    name: string,
    repo: string,
  ): Promise<Outcome & { result: 'success' | 'failed' | 'allowed-failure' }> {
    const j = job(name);
    expect(j.image).toMatch(/^node:\d+/);
    const script = join(repo, `.gitlab-${name}.sh`);
    writeFileSync(script, [...(j.before_script ?? []), ...(j.script ?? [])].join('\n') + '\n');
    // apt-get would install curl and jq into the job's image; this machine has them (.ci/run installs jq).
    const stub = join(tmp, 'gitlab-stub-bin');
    mkdirSync(stub, { recursive: true });
    writeFileSync(join(stub, 'apt-get'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const globals = (pipeline.variables ?? {}) as Record<string, string>;
    const r = await sh('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], repo, {
      ...npmEnv(),
      ...globals,
      ...j.variables,
      ROLEGATE_PACKAGE: tarball,
      npm_config_prefix: prefix,
      PATH: [stub, join(prefix, 'bin'), process.env.PATH].join(delimiter),
      CI_API_V4_URL: apiUrl,
      CI_PROJECT_ID: '7',
      CI_MERGE_REQUEST_IID: '3',
      CI_PIPELINE_SOURCE: 'merge_request_event',
      GITLAB_API_TOKEN: 'token-for-the-test',
    });
    const allowed =
      typeof j.allow_failure === 'object' && j.allow_failure.exit_codes.includes(r.code);
    return { ...r, result: r.code === 0 ? 'success' : allowed ? 'allowed-failure' : 'failed' };
  }

  it('rolegate-validate: a JUnit report the merge request widget reads; a broken manifest fails the job', async () => {
    const good = checkout('gl-validate');
    const ok = await runJob('rolegate-validate', good);
    expect(ok.result, ok.stderr).toBe('success');
    const report = job('rolegate-validate').artifacts!.reports!.junit!;
    expect(readFileSync(join(good, report), 'utf8')).toMatch(/^<\?xml[\s\S]*<testsuites/);
    const bad = checkout('gl-validate-bad', { broken: true });
    const failed = await runJob('rolegate-validate', bad);
    expect(failed.result).toBe('failed');
    expect(failed.code).toBe(1);
    expect(readFileSync(join(bad, report), 'utf8')).toContain('manifests/broken.yaml');
  });

  it('rolegate-plan: drift is exit 2, allowed to fail, and posted as a merge request note; nothing written', async () => {
    notes = [];
    const repo = checkout('gl-plan', { emulator });
    const writes = emulator.counts().writes;
    const r = await runJob('rolegate-plan', repo);
    expect(r.code, r.stderr).toBe(2);
    expect(r.result).toBe('allowed-failure');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.path).toBe('/api/v4/projects/7/merge_requests/3/notes');
    expect(notes[0]!.token).toBe('token-for-the-test');
    expect((JSON.parse(notes[0]!.body) as { body: string }).body).toContain('1 to change');
    expect(emulator.counts().writes).toBe(writes);
  });

  it('rolegate-plan: a broken run (missing manifests/) fails the job and posts nothing', async () => {
    notes = [];
    const repo = checkout('gl-plan-broken', { emulator });
    rmSync(join(repo, 'manifests'), { recursive: true });
    const r = await runJob('rolegate-plan', repo);
    expect(r.code).toBe(1);
    expect(r.result).toBe('failed');
    expect(notes).toEqual([]);
  });
});

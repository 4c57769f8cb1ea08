// Worker threads change where files are parsed, never what is reported: the same results, in the same order,
// with the same positions for the cross-file checks, as in process.
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateManifests } from '../../harness/manifests.js';
import { buildReport } from '../../../src/cli/report/types.js';
import { FORMATS, render } from '../../../src/cli/validate.js';
import { loadManifests, type LoadResult } from '../../../src/manifests/load.js';
import { locatorOf } from '../../../src/manifests/locators.js';
import { autoWorkers, PARALLEL_MIN_FILES } from '../../../src/manifests/parallel.js';

// Workers run compiled JavaScript: the tests use the build (npm run check builds before the unit tests).
const WORKER = pathToFileURL(join(process.cwd(), 'dist/manifests/parse-worker.js'));

describe('autoWorkers', () => {
  it.each([
    { files: 100, cpus: 8, want: 0, reason: 'small trees stay in process' },
    { files: PARALLEL_MIN_FILES - 1, cpus: 8, want: 0, reason: 'just below the cut-off' },
    { files: PARALLEL_MIN_FILES, cpus: 2, want: 1, reason: 'the main thread parses too: CPUs - 1' },
    { files: 50_000, cpus: 1, want: 0, reason: 'one CPU: no worker' },
    {
      files: 50_000,
      cpus: 64,
      want: 3,
      reason: 'capped: CPU counts lie in containers with quotas',
    },
    {
      files: PARALLEL_MIN_FILES,
      cpus: 64,
      want: 3,
      reason: 'no more lanes than chunks, and the cap',
    },
  ])('$files files on $cpus CPUs: $want ($reason)', ({ files, cpus, want }) => {
    expect(autoWorkers(files, cpus)).toBe(want);
  });
});

describe('loadManifests with workers', () => {
  let dir: string;
  let inProcess: LoadResult;
  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER.pathname} is missing: run npm run build`);
    dir = await mkdtemp(join(tmpdir(), 'rolegate-parallel-'));
    await generateManifests(dir, 3000, 0.1);
    // Cross-file findings too: a duplicate object and a duplicate claim, and an unknown provider.
    await copyFile(join(dir, 'team-0', 'role-0.yaml'), join(dir, 'team-0', 'role-0-copy.yaml'));
    await writeFile(
      join(dir, 'team-1', 'stray.yaml'),
      'apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\nmetadata:\n  name: stray\n  namespace: x\nspec:\n  providerRef:\n    name: nope\n  role:\n    displayName: Stray\n  mfaRequired: true\n',
    );
    inProcess = await loadManifests([dir], { workers: 0 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const view = (r: LoadResult): unknown => ({
    ...r,
    locators: [...r.roles, ...r.providers].map((o) => locatorOf(o)),
  });

  it('the generated tree has something to compare', () => {
    expect(inProcess.files.length).toBeGreaterThanOrEqual(PARALLEL_MIN_FILES);
    const rules = new Set(inProcess.issues.map((i) => i.rule));
    for (const r of [
      'yaml.bool-1.1',
      'schema.pattern',
      'semantic.duplicate-object',
      'semantic.provider-ref',
    ])
      expect(rules).toContain(r);
  });

  it.each([1, 2, 3, 'auto' as const])(
    '%s worker(s): the same load result as in process',
    async (workers) => {
      const r = await loadManifests([dir], { workers, workerScript: WORKER });
      expect(view(r)).toEqual(view(inProcess));
    },
  );

  it('every report format is byte for byte the same', async () => {
    const r = await loadManifests([dir], { workers: 2, workerScript: WORKER });
    for (const format of FORMATS) {
      expect(await render(buildReport(r, false), format), format).toBe(
        await render(buildReport(inProcess, false), format),
      );
    }
  });

  it('a worker that fails costs time, not results: its chunks are parsed in process', async () => {
    const broken = join(dir, 'broken-worker.mjs');
    await writeFile(broken, "throw new Error('boom');\n");
    const r = await loadManifests([join(dir, 'team-0'), join(dir, 'team-1')], {
      workers: 2,
      workerScript: pathToFileURL(broken),
    });
    const want = await loadManifests([join(dir, 'team-0'), join(dir, 'team-1')], { workers: 0 });
    expect(view(r)).toEqual(view(want));
  });
});

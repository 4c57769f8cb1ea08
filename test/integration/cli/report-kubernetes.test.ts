// `rolegate report --kubernetes`: the drift the controller corrected, read back from the PrivilegedRoles' status
// in the real API server (the controller itself wrote it, against the Graph emulator), shown on the page.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import {
  API_VERSION,
  GROUP,
  VERSION,
  type PrivilegedRoleStatus,
} from '../../../src/api/v1alpha1/types.js';
import { eventually, kubeConfig, kubeEnv, uniqueNamespace } from '../../harness/kube-client.js';
import { createEmulatorProvider, deleteProvider } from '../../harness/emulator-provider.js';
import { kubernetesRunArgs, startRolegate } from '../../harness/controller-process.js';
import { runCli } from '../../harness/cli.js';
import { renderPage } from '../../harness/chromium.js';
import type { CoverageReport } from '../../../src/cli/coverage-report.js';

const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';

let api: CustomObjectsApi;
let emulator: GraphEmulator;
let ns: string;
let provider: string;
let dir: string;

beforeAll(async () => {
  api = kubeConfig().makeApiClient(CustomObjectsApi);
  emulator = await startGraphEmulator({ port: 0 });
  emulator.setEnabledRules(PRA, ['Justification']);
  ns = await uniqueNamespace('report');
  provider = `report-${Date.now().toString(36)}`;
  await createEmulatorProvider(api, provider, emulator, '1m');
  await api.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'privilegedroles',
    namespace: ns,
    body: {
      apiVersion: API_VERSION,
      kind: 'PrivilegedRole',
      metadata: { name: 'pra', namespace: ns },
      spec: { providerRef: { name: provider }, role: { id: PRA }, mfaRequired: true },
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'rolegate-report-kube-'));
  // The same IdentityProvider as a file: the report reads the provider through it, the history from the cluster.
  writeFileSync(
    join(dir, 'provider.yaml'),
    `apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata: { name: ${provider} }
spec:
  entra: { tenantId: ${emulator.tenantId}, graphBaseUrl: "${emulator.url}", credentials: { type: Emulator } }
`,
  );
});
afterAll(async () => {
  await deleteProvider(api, provider);
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rolegate report --kubernetes', () => {
  it('shows the corrections recorded on the PrivilegedRoles in the cluster', async () => {
    const run = startRolegate(kubernetesRunArgs(['--namespace', ns]));
    let status: PrivilegedRoleStatus | undefined;
    try {
      await eventually(
        async () => {
          const o = (await api.getNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            plural: 'privilegedroles',
            namespace: ns,
            name: 'pra',
          })) as { status?: PrivilegedRoleStatus };
          if (!((o.status?.drift?.corrections ?? 0) > 0)) throw new Error('not corrected yet');
          status = o.status;
        },
        30_000,
        250,
      );
    } finally {
      expect(await run.stop()).toBe(0);
    }
    const drift = status!.drift!;

    const j = await runCli(
      ['report', '.', '--kubernetes', '--kubeconfig', kubeEnv().KUBECONFIG, '-o', 'json'],
      dir,
    );
    expect(j.code, j.stderr).toBe(0);
    const report = JSON.parse(j.stdout) as CoverageReport;
    expect(report.drift.source).toBe('kubernetes');
    expect(report.drift.entries).toEqual([
      {
        object: `${ns}/pra`,
        role: 'Privileged Role Administrator',
        corrections: drift.corrections,
        lastCorrectedTime: drift.lastCorrectedTime,
        lastDetectedTime: drift.lastDetectedTime,
        fields: [],
      },
    ]);

    const h = await runCli(
      [
        'report',
        '.',
        '--kubernetes',
        '--kubeconfig',
        kubeEnv().KUBECONFIG,
        '--output-file',
        'k.html',
      ],
      dir,
    );
    expect(h.code, h.stderr).toBe(0);
    const page = await renderPage(join(dir, 'k.html'));
    expect(page.sections['drift']).toContain('Drift corrected recently');
    expect(page.sections['drift']).toContain(
      'the status of the PrivilegedRole objects on https://',
    );
    expect(page.tables.find((t) => t.id === 'drift')!.rows[0]!.slice(0, 4)).toEqual([
      `${ns}/pra`,
      'Privileged Role Administrator',
      String(drift.corrections),
      drift.lastCorrectedTime,
    ]);
  });
});

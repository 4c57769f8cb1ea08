// Fairness between tenants: two IdentityProviders, each its own emulated tenant, and one of them throttled (429
// with a Retry-After) or slow (answers after the request deadline) for as long as the test says. The other
// tenant's roles converge meanwhile, the bad tenant never holds more than its share of the workers, and once it
// answers again its roles converge too. Real HTTP to two emulators, the real controller loop in directory mode.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import type { FaultSpec } from '../../../src/emulator/graph/faults.js';
import { directoryRuntime, type DirectoryRuntime } from '../../../src/cli/runtime.js';
import { createLogger } from '../../../src/log.js';
import {
  defaultRequestTimeout,
  setDefaultRequestTimeout,
} from '../../../src/providers/request-deadline.js';
import { eventually } from '../../harness/kube-client.js';

const ROLES = 4;
const WORKERS = 2;
let good: GraphEmulator;
let bad: GraphEmulator;
let dir: string;
let rt: DirectoryRuntime | undefined;
const timeout = defaultRequestTimeout();

function manifests(): string {
  const docs: string[] = [];
  for (const [name, e] of [
    ['good', good],
    ['bad', bad],
  ] as const) {
    docs.push(`apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata: { name: ${name} }
spec:
  resyncInterval: 1s
  entra: { tenantId: ${e.tenantId}, graphBaseUrl: "${e.url}", credentials: { type: Emulator } }
`);
    e.roleDefinitions()
      .slice(0, ROLES)
      .forEach((r, i) =>
        docs.push(`apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: ${name}-${i}, namespace: identity }
spec: { providerRef: { name: ${name} }, role: { id: ${r.id} }, mfaRequired: true }
`),
      );
  }
  return docs.join('---\n');
}

/** The Ready condition of each role of a tenant. */
function ready(tenant: string): (string | undefined)[] {
  return (rt?.writer.report().roles ?? [])
    .filter((r) => r.key.startsWith(`identity/${tenant}-`))
    .map((r) => r.status?.conditions?.find((c) => c.type === 'Ready')?.status);
}

async function start(): Promise<DirectoryRuntime> {
  writeFileSync(join(dir, 'all.yaml'), manifests());
  rt = await directoryRuntime({
    paths: [dir],
    watch: false,
    allowWeakening: false,
    workers: WORKERS,
    defaultResyncMs: 1000,
    emulator: false,
    log: createLogger({ level: 'silent', format: 'json', destination: process.stderr }),
  });
  await rt.controller.start();
  return rt;
}

/** Roles without MFA in a tenant (each converged role has it). */
function missingMfa(e: GraphEmulator): number {
  return e
    .roleDefinitions()
    .slice(0, ROLES)
    .filter((r) => {
      const rule = e.getRule(r.id, 'Enablement_EndUser_Assignment') as
        { enabledRules?: string[] } | undefined;
      return !rule?.enabledRules?.includes('MultiFactorAuthentication');
    }).length;
}

beforeEach(async () => {
  good = await startGraphEmulator({ tenantId: '0000000a-0000-4000-8000-00000000000a' });
  bad = await startGraphEmulator({ tenantId: '0000000b-0000-4000-8000-00000000000b' });
  for (const e of [good, bad])
    for (const r of e.roleDefinitions().slice(0, ROLES)) e.setEnabledRules(r.id, ['Justification']);
  dir = mkdtempSync(join(tmpdir(), 'rolegate-fairness-'));
});

afterEach(async () => {
  await rt?.close();
  rt = undefined;
  setDefaultRequestTimeout(timeout);
  await Promise.all([good.close(), bad.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('one tenant throttled or slow, the other converges', () => {
  it.each<{ reason: string; fault: FaultSpec; requestTimeoutMs?: number; recovers: boolean }>([
    {
      reason:
        'throttled: every request answered 429 with a Retry-After the client would sleep through in place',
      fault: { status: 429, retryAfter: '20', untilCleared: true },
      recovers: true,
    },
    {
      reason:
        'throttled for an hour: nothing more is sent to the tenant before its Retry-After, however many roles wait',
      fault: { status: 429, retryAfter: '3600', untilCleared: true },
      recovers: false,
    },
    {
      reason: 'slow: every answer comes after the request deadline',
      fault: { delayMs: 4000, untilCleared: true },
      requestTimeoutMs: 1500,
      recovers: true,
    },
  ])('$reason', async ({ fault, requestTimeoutMs, recovers }) => {
    if (requestTimeoutMs) setDefaultRequestTimeout(requestTimeoutMs);
    bad.injectFault(fault);
    const run = await start();
    let badBusy = 0;
    await eventually(
      () => {
        badBusy = Math.max(badBusy, run.controller.queue.busyIn('bad'));
        expect(ready('good')).toEqual(Array(ROLES).fill('True'));
      },
      60_000,
      20,
    );
    // The good tenant converged while the bad one was still refusing: nothing of the bad one is Ready, its writes
    // were never made, and it never held every worker.
    expect(bad.pendingFaults()).toBe(1);
    expect(ready('bad')).not.toContain('True');
    expect(missingMfa(bad)).toBe(ROLES);
    expect(missingMfa(good)).toBe(0);
    expect(badBusy).toBeLessThan(WORKERS);

    if (!recovers) {
      // One request per worker at most got the 429 before the gate closed; nothing was sent after it.
      const refused = bad.requests().filter((r) => r.status === 429).length;
      expect(refused).toBeGreaterThan(0);
      expect(refused).toBeLessThanOrEqual(WORKERS);
      expect(bad.requests().filter((r) => r.status !== 429)).toEqual([]);
      return;
    }
    bad.clearFaults();
    await eventually(
      () => {
        expect(ready('bad')).toEqual(Array(ROLES).fill('True'));
      },
      90_000,
      50,
    );
    expect(missingMfa(bad)).toBe(0);
  });
});

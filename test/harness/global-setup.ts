// Starts the real components the integration tests use, once per run, and stops them by pid afterwards.
// ROLEGATE_TEST_COMPONENTS (comma list of kube, keycloak; default both) narrows it for a local run; a test
// that needs a component that was not started fails with a message that says so, it is never skipped.
import type { TestProject } from 'vitest/node';
import { startKube } from './kube.js';
import { startKeycloak } from './keycloak.js';
import type { Component } from './component.js';

const starters: Record<string, () => Promise<Component>> = {
  kube: startKube,
  keycloak: startKeycloak,
};

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const wanted = (process.env.ROLEGATE_TEST_COMPONENTS ?? 'kube,keycloak')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const w of wanted) if (!starters[w]) throw new Error(`unknown test component ${w}`);
  const started = await Promise.allSettled(wanted.map((w) => starters[w]!()));
  const ok: Component[] = [];
  const failures: string[] = [];
  started.forEach((r, i) => {
    if (r.status === 'fulfilled') ok.push(r.value);
    else
      failures.push(
        `${wanted[i]}: ${r.reason instanceof Error ? r.reason.stack : String(r.reason)}`,
      );
  });
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(ok.map((c) => c.stop()));
  };
  if (failures.length > 0) {
    await stopAll();
    throw new Error(`integration components failed to start:\n${failures.join('\n')}`);
  }
  const provided: Record<string, string> = { components: wanted.join(',') };
  for (const c of ok) Object.assign(provided, c.provide);
  project.provide('env', provided);
  return stopAll;
}

declare module 'vitest' {
  export interface ProvidedContext {
    env: Record<string, string>;
  }
}

// The Kubernetes component of the integration tests: a real etcd + kube-apiserver (built from the Go module proxy
// by scripts/envtest/build.sh) with the rolegate CRDs installed. The work is done by scripts/envtest/envtest.sh so
// that humans get the same control plane from a shell; this file only runs it and hands its outputs to the tests.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Component } from './component.js';

/** The control script: `up`, `down`, `stop-apiserver`, `start-apiserver`, each taking the run directory. */
export const ENVTEST_CONTROL = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../scripts/envtest/envtest.sh',
);

/** Runs the control script, streaming its stderr with a prefix; rejects with the stderr tail on failure. */
export function envtestControl(
  command: 'up' | 'down' | 'stop-apiserver' | 'start-apiserver',
  run: string,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [ENVTEST_CONTROL, command, run], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let tail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-8000);
      for (const line of chunk.split('\n')) if (line) process.stderr.write(`[kube] ${line}\n`);
    });
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`envtest.sh ${command} failed (${sig ?? `exit ${code}`}):\n${tail}`));
    });
  });
}

/** Parses the `export KEY="value"` lines that envtest.sh writes to RUN/env. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^export ([A-Z_][A-Z0-9_]*)="([^"]*)"$/gm)) out[m[1]!] = m[2]!;
  return out;
}

/** Starts etcd + kube-apiserver in a fresh temporary run directory and provides its coordinates to the tests. */
export async function startKube(): Promise<Component> {
  const run = await mkdtemp(join(tmpdir(), 'rolegate-envtest-'));
  const t0 = Date.now();
  try {
    await envtestControl('up', run);
  } catch (err) {
    // `up` stops what it started on failure; only the directory is left to remove
    await rm(run, { recursive: true, force: true });
    throw err;
  }
  const env = parseEnvFile(await readFile(join(run, 'env'), 'utf8'));
  const startMs = (await readFile(join(run, 'apiserver-start-ms'), 'utf8')).trim();
  const need = (k: string): string => {
    const v = env[k];
    if (!v) throw new Error(`envtest.sh wrote no ${k} to ${run}/env`);
    return v;
  };
  return {
    provide: {
      KUBECONFIG: need('KUBECONFIG'),
      KUBECTL: need('KUBECTL'),
      HELM: need('HELM'),
      KUBE_SERVER: need('ENVTEST_SERVER'),
      KUBE_CA_FILE: need('ENVTEST_CA_FILE'),
      KUBE_RUN_DIR: run,
      KUBE_BIN_DIR: need('ENVTEST_BIN'),
      KUBE_CONTROL: ENVTEST_CONTROL,
      KUBE_APISERVER_START_MS: startMs,
      KUBE_UP_MS: String(Date.now() - t0),
    },
    stop: async () => {
      await envtestControl('down', run);
      await rm(run, { recursive: true, force: true });
    },
  };
}

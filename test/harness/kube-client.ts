// Helpers for tests that use the kube component: the admin client, kubectl, unique namespaces, polling, and
// stopping/starting kube-apiserver (same port, same etcd) to test recovery.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { KubeClient } from '../../src/kube/client.js';
import { loadKubeTarget } from '../../src/kube/kubeconfig.js';
import { envtestControl } from './kube.js';

/** What the kube component provides (see test/harness/kube.ts). */
export interface KubeEnv {
  KUBECONFIG: string;
  KUBECTL: string;
  HELM: string;
  KUBE_SERVER: string;
  KUBE_CA_FILE: string;
  KUBE_RUN_DIR: string;
  KUBE_BIN_DIR: string;
  KUBE_CONTROL: string;
  KUBE_APISERVER_START_MS: string;
  KUBE_UP_MS: string;
}

/** The kube component's values; throws (never skips) when the run did not start it. */
export function kubeEnv(): KubeEnv {
  const env = inject('env');
  const components = (env.components ?? '').split(',');
  if (!components.includes('kube') || !env.KUBECONFIG) {
    throw new Error(
      `this test needs the kube component, but the run started only "${env.components ?? ''}" (set ROLEGATE_TEST_COMPONENTS=kube)`,
    );
  }
  return env as unknown as KubeEnv;
}

/** A KubeConfig for the envtest admin (system:masters). */
export function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeEnv().KUBECONFIG);
  return kc;
}

/**
 * rolegate's own client for a kubeconfig (default: the envtest admin's), loaded the way `rolegate run` loads it.
 * Tests set objects up with client-node (an independent client) and exercise rolegate's code through this one.
 */
export function kubeClient(file: string = kubeEnv().KUBECONFIG): KubeClient {
  const loaded = loadKubeTarget(file);
  if (loaded.kind !== 'native')
    throw new Error(`${file}: expected plain certificate/token credentials`);
  return new KubeClient(loaded.target);
}

/** The outcome of one kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl as the admin. Rejects on a non-zero exit unless `allowFailure`. */
export function kubectl(
  args: string[],
  options: { input?: string; allowFailure?: boolean } = {},
): Promise<KubectlResult> {
  const env = kubeEnv();
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      env.KUBECTL,
      ['--kubeconfig', env.KUBECONFIG, ...args],
      { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        if (code !== 0 && !options.allowFailure) {
          reject(new Error(`kubectl ${args.join(' ')} exited ${code}: ${stderr || stdout}`));
        } else resolvePromise({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/**
 * Creates a namespace with a random suffix. Namespaces are never deleted: with no namespace controller in envtest
 * they would stay Terminating forever, and the control plane lives only for one run anyway.
 */
export async function uniqueNamespace(prefix = 'test'): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await kubeConfig()
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name } } });
  return name;
}

/** Calls `fn` until it returns without throwing, or rethrows its last error after `timeoutMs`. */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** Stops kube-apiserver (TERM, then KILL after 20 s); etcd and its data stay. */
export function stopApiServer(): Promise<void> {
  return envtestControl('stop-apiserver', kubeEnv().KUBE_RUN_DIR);
}

/** Starts kube-apiserver again on the same port with the same etcd and PKI, and waits for /readyz. */
export function startApiServer(): Promise<void> {
  return envtestControl('start-apiserver', kubeEnv().KUBE_RUN_DIR);
}

// rolegate's own Kubernetes client authenticates the way kubectl does, against the real API server: client
// certificates, a token, a token file, the pod's service account (in-cluster), and an exec plugin (delegated to
// @kubernetes/client-node). Each case asks the API server who it is (SelfSubjectReview), so a request that
// merely reached the server anonymously cannot pass.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../src/kube/api-error.js';
import { KubeClient } from '../../../src/kube/client.js';
import { inClusterTarget, loadKubeTarget } from '../../../src/kube/kubeconfig.js';
import { kubeTarget } from '../../../src/cli/run-kubernetes.js';
import { kubeClient, kubeEnv, kubectl, uniqueNamespace } from '../../harness/kube-client.js';

interface Review {
  status?: { userInfo?: { username?: string } };
}

async function whoAmI(client: KubeClient): Promise<string | undefined> {
  const review = await client.post<Review>('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
  });
  await client.close();
  return review.status?.userInfo?.username;
}

let dir = '';
let ns = '';
let token = '';
let caData = '';
const sa = 'credentials-test';

function kubeconfig(user: string): string {
  const env = kubeEnv();
  return (
    `apiVersion: v1\nkind: Config\ncurrent-context: c\n` +
    `clusters: [{name: envtest, cluster: {server: "${env.KUBE_SERVER}", certificate-authority-data: ${caData}}}]\n` +
    `contexts: [{name: c, context: {cluster: envtest, user: u}}]\n` +
    `users: [{name: u, user: ${user}}]\n`
  );
}

beforeAll(async () => {
  const env = kubeEnv();
  dir = await mkdtemp(join(tmpdir(), 'rolegate-credentials-'));
  ns = await uniqueNamespace('credentials');
  await kubectl(['-n', ns, 'create', 'serviceaccount', sa]);
  token = (await kubectl(['-n', ns, 'create', 'token', sa, '--duration=10m'])).stdout.trim();
  caData = (await readFile(env.KUBE_CA_FILE)).toString('base64');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('KubeClient credentials', () => {
  const expected = (): string => `system:serviceaccount:${ns}:${sa}`;

  it('uses the client certificate of the envtest admin kubeconfig', async () => {
    expect(await whoAmI(kubeClient())).toBe('envtest-admin');
  });

  it('sends an inline token', async () => {
    const file = join(dir, 'token.yaml');
    await writeFile(file, kubeconfig(`{token: ${token}}`));
    expect(await whoAmI(kubeClient(file))).toBe(expected());
  });

  it('reads tokenFile relative to the kubeconfig', async () => {
    await writeFile(join(dir, 'sa-token'), `${token}\n`);
    const file = join(dir, 'token-file.yaml');
    await writeFile(file, kubeconfig('{tokenFile: sa-token}'));
    expect(await whoAmI(kubeClient(file))).toBe(expected());
  });

  it('uses the pod service account when in a cluster', async () => {
    const env = kubeEnv();
    const saDir = join(dir, 'serviceaccount');
    await rm(saDir, { recursive: true, force: true });
    await mkdir(saDir);
    await writeFile(join(saDir, 'token'), token);
    await writeFile(join(saDir, 'ca.crt'), await readFile(env.KUBE_CA_FILE));
    const url = new URL(env.KUBE_SERVER);
    const target = inClusterTarget(
      { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port },
      saDir,
    );
    expect(await whoAmI(new KubeClient(target))).toBe(expected());
  });

  it('runs an exec plugin through @kubernetes/client-node', async () => {
    const plugin = join(dir, 'exec-plugin.sh');
    await writeFile(
      plugin,
      `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${token}"}}'\n`,
    );
    await chmod(plugin, 0o755);
    const file = join(dir, 'exec.yaml');
    await writeFile(
      file,
      kubeconfig(
        `{exec: {apiVersion: client.authentication.k8s.io/v1, command: ${plugin}, interactiveMode: Never}}`,
      ),
    );
    expect(loadKubeTarget(file).kind).toBe('delegated');
    expect(await whoAmI(new KubeClient(kubeTarget(file)))).toBe(expected());
  });

  it('reports a refused request as KubeApiError with the server message', async () => {
    const file = join(dir, 'bad-token.yaml');
    await writeFile(file, kubeconfig('{token: not-a-valid-token}'));
    const err: unknown = await whoAmI(kubeClient(file)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).code).toBe(401);
  });
});

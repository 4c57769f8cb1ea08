// The kube component itself: a real apiserver that the admin client, kubectl and helm can reach, and that can be
// stopped and started again without losing data.
import { CoreV1Api, VersionApi } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  eventually,
  kubeConfig,
  kubeEnv,
  kubectl,
  startApiServer,
  stopApiServer,
  uniqueNamespace,
} from '../harness/kube-client.js';
import { execFileSync } from 'node:child_process';

describe('kube harness', () => {
  it('serves the built version to client-node, kubectl and helm', async () => {
    const env = kubeEnv();
    expect(env.KUBE_SERVER).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const version = await kubeConfig().makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.37.2');
    const { stdout } = await kubectl(['get', 'crd', '-o', 'name']);
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual([
      'customresourcedefinition.apiextensions.k8s.io/identityproviders.rolegate.io',
      'customresourcedefinition.apiextensions.k8s.io/privilegedroles.rolegate.io',
    ]);
    const helm = execFileSync(env.HELM, ['list', '-A', '--kubeconfig', env.KUBECONFIG], {
      encoding: 'utf8',
    });
    expect(helm).toMatch(/^NAME\s+NAMESPACE/);
    process.stderr.write(
      `apiserver ready in ${env.KUBE_APISERVER_START_MS} ms; up (build check, PKI, etcd, apiserver, CRDs) in ${env.KUBE_UP_MS} ms\n`,
    );
  });

  it('keeps its data across an apiserver restart on the same port', async () => {
    const ns = await uniqueNamespace('harness');
    const core = kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'kept' }, data: { a: 'b' } },
    });
    await stopApiServer();
    try {
      await expect(core.readNamespacedConfigMap({ namespace: ns, name: 'kept' })).rejects.toThrow(
        /ECONNREFUSED/,
      );
    } finally {
      await startApiServer();
    }
    const cm = await eventually(
      () => core.readNamespacedConfigMap({ namespace: ns, name: 'kept' }),
      30_000,
    );
    expect(cm.data).toEqual({ a: 'b' });
  });
});

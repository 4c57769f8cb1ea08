// Keycloak over TLS with a private CA that the IdentityProvider names by reference (tls.caConfigMapRef,
// tls.caSecretRef): the real controller process against the real API server, the real Keycloak behind an HTTPS
// front with a self-signed certificate. Without the reference, the same provider fails on the certificate.
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { selfSignedCert } from '../../../../scripts/self-signed-cert.mjs';
import {
  API_VERSION,
  GROUP,
  VERSION,
  type IdentityProvider,
} from '../../../../src/api/v1alpha1/types.js';
import { eventually, kubeConfig, uniqueNamespace } from '../../../harness/kube-client.js';
import { deleteProvider } from '../../../harness/emulator-provider.js';
import {
  kubernetesRunArgs,
  startRolegate,
  type RolegateProcess,
} from '../../../harness/controller-process.js';
import { createTestRealm, ROLEGATE_SECRET, type TestRealm } from './fixtures.js';

const id = Date.now().toString(36);
let realm: TestRealm;
let front: Server;
let frontUrl: string;
let cert: ReturnType<typeof selfSignedCert>;
let ns: string;
let custom: CustomObjectsApi;
let rolegate: RolegateProcess;
const providers: string[] = [];

/** An HTTPS front for Keycloak: TLS ends here, requests go on to Keycloak's HTTP port unchanged. */
function startFront(target: string): Promise<Server> {
  const to = new URL(target);
  const server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const upstream = httpRequest(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function createProvider(
  name: string,
  tls: Record<string, unknown> | undefined,
): Promise<void> {
  providers.push(name);
  await custom.createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'identityproviders',
    body: {
      apiVersion: API_VERSION,
      kind: 'IdentityProvider',
      metadata: { name },
      spec: {
        resyncInterval: '5m',
        keycloak: {
          url: frontUrl,
          realm: realm.realm,
          adminRealm: realm.realm,
          credentials: {
            clientId: 'rolegate',
            clientSecretRef: { name: 'kc-rolegate', namespace: ns, key: 'client-secret' },
          },
          ...(tls ? { tls } : {}),
        },
      },
    },
  });
}

/** The provider's Ready condition once it has one for its current generation. */
async function readiness(
  name: string,
): Promise<{ status: string; reason: string; message: string }> {
  return eventually(
    async () => {
      const idp = (await custom.getClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: 'identityproviders',
        name,
      })) as IdentityProvider;
      const c = idp.status?.conditions?.find((x) => x.type === 'Ready');
      if (!c || idp.status?.observedGeneration !== idp.metadata.generation)
        throw new Error(`${name} has no Ready condition yet`);
      return c;
    },
    30_000,
    250,
  );
}

beforeAll(async () => {
  cert = selfSignedCert();
  realm = await createTestRealm(`tls-${id}`, ['ops-admin']);
  front = await startFront(realm.admin.url);
  frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
  custom = kubeConfig().makeApiClient(CustomObjectsApi);
  const core = kubeConfig().makeApiClient(CoreV1Api);
  ns = await uniqueNamespace('kc-tls');
  const pem = cert.cert.toString('utf8');
  await core.createNamespacedSecret({
    namespace: ns,
    body: {
      metadata: { name: 'kc-rolegate' },
      stringData: { 'client-secret': ROLEGATE_SECRET, 'ca.crt': pem, 'not-a-cert': 'hello' },
    },
  });
  await core.createNamespacedConfigMap({
    namespace: ns,
    body: { metadata: { name: 'kc-ca' }, data: { 'ca.crt': pem } },
  });
  rolegate = startRolegate(kubernetesRunArgs());
  await rolegate.waitForLog((l) => l.msg === 'controller started', 30_000);
}, 120_000);

afterAll(async () => {
  await rolegate?.stop();
  for (const p of providers) await deleteProvider(custom, p);
  await new Promise((r) => front?.close(r));
  await realm?.destroy();
  if (cert) rmSync(cert.dir, { recursive: true, force: true });
});

describe('a Keycloak IdentityProvider behind a private CA', () => {
  it.each([
    { via: 'tls.caConfigMapRef', tls: { caConfigMapRef: { name: 'kc-ca', key: 'ca.crt' } } },
    { via: 'tls.caSecretRef', tls: { caSecretRef: { name: 'kc-rolegate', key: 'ca.crt' } } },
  ])('connects over TLS with the CA from $via', async ({ tls }) => {
    const name = `kc-${id}-${Object.keys(tls)[0]!.toLowerCase()}`;
    const withNs = Object.fromEntries(
      Object.entries(tls).map(([k, ref]) => [k, { ...ref, namespace: ns }]),
    );
    await createProvider(name, withNs);
    const ready = await readiness(name);
    expect(ready.status, ready.message).toBe('True');
    expect(ready.message).toMatch(/^Connected; \d+ roles observed/);
  });

  it('fails on the certificate without the CA (what the reference fixes)', async () => {
    const name = `kc-${id}-noca`;
    await createProvider(name, undefined);
    const ready = await readiness(name);
    expect(ready.status).toBe('False');
    expect(ready.message).toMatch(/SELF_SIGNED|self[- ]signed|certificate/i);
  });

  it('stalls, naming the field, when the referenced key holds no PEM certificate', async () => {
    const name = `kc-${id}-notpem`;
    await createProvider(name, {
      caSecretRef: { name: 'kc-rolegate', namespace: ns, key: 'not-a-cert' },
    });
    const ready = await readiness(name);
    expect(ready).toMatchObject({ status: 'False', reason: 'CredentialsMissing' });
    expect(ready.message).toContain('spec.keycloak.tls.caSecretRef holds no PEM certificate');
  });

  it('stalls, naming the object, when the ConfigMap does not exist', async () => {
    const name = `kc-${id}-nocm`;
    await createProvider(name, {
      caConfigMapRef: { name: 'missing', namespace: ns, key: 'ca.crt' },
    });
    const ready = await readiness(name);
    expect(ready).toMatchObject({ status: 'False', reason: 'CredentialsMissing' });
    expect(ready.message).toContain(`ConfigMap ${ns}/missing does not exist`);
  });

  it("times the admin and token requests in the controller's metrics", async () => {
    const text = await (await fetch(`${await rolegate.opsUrl()}/metrics`)).text();
    const name = `kc-${id}-caconfigmapref`;
    for (const operation of ['token', 'read'])
      expect(text).toMatch(
        new RegExp(
          `rolegate_provider_request_duration_seconds_count\\{[^}]*provider="${name}"[^}]*operation="${operation}"[^}]*code="200"[^}]*\\} [1-9]`,
        ),
      );
  });
});

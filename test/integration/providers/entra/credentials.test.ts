// Credentials of the Entra provider: Emulator credentials only against loopback, configuration errors named so
// that the reconciler reports CredentialsMissing, and the real @azure/identity ClientSecretCredential getting a
// token from the emulator over HTTPS (MSAL refuses an http authority host).
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  createCredential,
  createEntraProvider,
  EMULATOR_CLIENT_ID,
  EmulatorCredential,
  EntraConfigError,
  type EntraSpec,
} from '../../../../src/providers/entra/index.js';
import { ProviderError } from '../../../../src/providers/types.js';
import { selfSignedCert } from '../../../../scripts/self-signed-cert.mjs';
import { emulator } from './fixtures.js';

const TENANT = '00000000-0000-0000-0000-0000000000aa';

function configError(f: () => unknown): EntraConfigError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(EntraConfigError);
    expect((err as Error).name).toBe('ProviderConfigError');
    return err as EntraConfigError;
  }
  throw new Error('expected an EntraConfigError');
}

describe('Entra credentials', () => {
  it.each([
    { reason: 'the public Graph endpoint', url: 'https://graph.microsoft.com' },
    { reason: 'a sovereign cloud', url: 'https://graph.microsoft.us' },
    { reason: 'a private address is not loopback', url: 'http://10.0.0.1:8080' },
    { reason: 'a name that merely starts with localhost', url: 'http://localhost.example.com' },
    { reason: 'a 127 prefix in a DNS name', url: 'http://127.0.0.1.nip.io' },
  ])('refuses Emulator credentials for $url ($reason)', ({ url }) => {
    const spec: EntraSpec = {
      tenantId: TENANT,
      graphBaseUrl: url,
      credentials: { type: 'Emulator' },
    };
    const err = configError(() => createEntraProvider(spec));
    expect(err.message).toContain('loopback');
    expect(err.message).toContain(url);
  });

  it('refuses Emulator credentials when graphBaseUrl is left to its default (public Graph)', () => {
    configError(() => createCredential({ tenantId: TENANT, credentials: { type: 'Emulator' } }));
  });

  it.each([
    { reason: 'IPv4 loopback', url: 'http://127.0.0.1:1' },
    { reason: 'anywhere in 127.0.0.0/8', url: 'http://127.8.9.10:1' },
    { reason: 'IPv6 loopback', url: 'http://[::1]:1' },
    { reason: 'localhost', url: 'http://localhost:1' },
  ])('accepts Emulator credentials for $url ($reason)', ({ url }) => {
    const c = createCredential({
      tenantId: TENANT,
      graphBaseUrl: url,
      credentials: { type: 'Emulator' },
    });
    expect(c).toBeInstanceOf(EmulatorCredential);
  });

  it('gets Emulator tokens from the emulator: audience of the scope, the default client, cached per scope', async () => {
    const e = await emulator();
    const c = createCredential({
      tenantId: e.tenantId,
      graphBaseUrl: e.url,
      credentials: { type: 'Emulator' },
    });
    const claims = async (scope: string): Promise<Record<string, unknown>> => {
      const t = await c.getToken(scope);
      return JSON.parse(
        Buffer.from(t!.token.split('.')[1]!, 'base64url').toString('utf8'),
      ) as Record<string, unknown>;
    };
    expect(await claims(`${e.url}/.default`)).toMatchObject({
      aud: 'https://graph.microsoft.com',
      appid: EMULATOR_CLIENT_ID,
      tid: e.tenantId,
    });
    expect(await claims(`${e.armUrl}/.default`)).toMatchObject({
      aud: 'https://management.azure.com',
    });
    await c.getToken(`${e.url}/.default`);
    expect(e.counts().tokens).toBe(2);
  });

  it.each([
    {
      reason: 'a tenant the emulator does not serve',
      spec: { tenantId: TENANT },
      kind: 'PermissionDenied',
      message: /AADSTS90002/,
    },
    {
      reason: 'an application the emulator does not know',
      spec: { clientId: 'not-registered' },
      kind: 'PermissionDenied',
      message: /AADSTS700016/,
    },
  ])('reports a refused Emulator token request: $reason', async ({ spec, kind, message }) => {
    const e = await emulator();
    const p = createEntraProvider({
      tenantId: spec.tenantId ?? e.tenantId,
      graphBaseUrl: e.url,
      credentials: { type: 'Emulator', ...(spec.clientId ? { clientId: spec.clientId } : {}) },
    });
    const err = await p.snapshot().then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe(kind);
    expect((err as ProviderError).message).toMatch(message);
  });

  it('reports an unreachable emulator token endpoint as Unavailable, not PermissionDenied', async () => {
    const e = await emulator();
    const { url, tenantId } = e;
    await e.close();
    const p = createEntraProvider(
      { tenantId, graphBaseUrl: url, credentials: { type: 'Emulator' } },
      { retry: { baseDelayMs: 1, maxAttempts: 1 } },
    );
    const err = await p.snapshot().then(
      () => undefined,
      (x: unknown) => x,
    );
    expect((err as ProviderError).kind).toBe('Unavailable');
    expect((err as ProviderError).message).toContain('ECONNREFUSED');
  });

  it.each([
    {
      reason: 'no client secret resolved',
      spec: { tenantId: TENANT, credentials: { type: 'ClientSecret', clientId: 'app' } },
      message: 'client secret',
    },
    {
      reason: 'no client id',
      spec: { tenantId: TENANT, credentials: { type: 'ClientSecret' } },
      message: 'clientId',
    },
  ] as const)('names a configuration error: $reason', ({ spec, message }) => {
    expect(configError(() => createEntraProvider(spec as EntraSpec)).message).toContain(message);
  });

  it.each([
    {
      reason: 'no client id in the spec or AZURE_CLIENT_ID',
      env: { AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token' },
      message: 'AZURE_CLIENT_ID',
    },
    {
      reason: 'no AZURE_FEDERATED_TOKEN_FILE (the pod is not set up for workload identity)',
      env: { AZURE_CLIENT_ID: 'app' },
      message: 'AZURE_FEDERATED_TOKEN_FILE',
    },
  ])('names a WorkloadIdentity configuration error at once: $reason', ({ env, message }) => {
    const spec: EntraSpec = { tenantId: TENANT, credentials: { type: 'WorkloadIdentity' } };
    expect(configError(() => createCredential(spec, {}, env)).message).toContain(message);
  });

  it('reports what only @azure/identity can find on the first token request, as a configuration error', async () => {
    // the library refuses a tenant id with characters no tenant has; it is loaded (and refuses) only now
    const c = createCredential(
      { tenantId: 'not a tenant!', credentials: { type: 'ClientSecret', clientId: 'app' } },
      { clientSecret: 's' },
    );
    const err = await c.getToken('https://graph.microsoft.com/.default').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntraConfigError);
    expect((err as Error).message).toMatch(/^cannot build ClientSecret credentials: .*tenant/i);
  });

  it('lets ClientSecret credentials (the real ClientSecretCredential) get a token from the emulator over HTTPS, and Graph accept it', async () => {
    const { dir, certFile: cert, cert: certPem, key } = selfSignedCert();
    try {
      const e = await emulator({
        tls: { cert: certPem, key },
        clients: [
          {
            clientId: 'rolegate-test-app',
            graphRoles: ['RoleManagementPolicy.Read.Directory'],
            armActions: [],
            secret: 'not-a-real-secret',
          },
        ],
      });
      expect(e.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      // NODE_EXTRA_CA_CERTS is read at process start only, so MSAL runs in a child process.
      // rolegate's own createCredential (from dist/): @azure/identity is loaded on this first token request
      const script = `
        import { createCredential } from './dist/providers/entra/credentials.js';
        const [url, tenant] = process.argv.slice(1);
        const cred = createCredential(
          { tenantId: tenant, authorityHost: url, graphBaseUrl: url,
            credentials: { type: 'ClientSecret', clientId: 'rolegate-test-app' } },
          { clientSecret: 'not-a-real-secret' });
        const t = await cred.getToken(url + '/.default');
        const filter = encodeURIComponent("scopeId eq '/' and scopeType eq 'DirectoryRole'");
        const res = await fetch(url + '/v1.0/policies/roleManagementPolicyAssignments?$filter=' + filter + '&$top=1',
          { headers: { authorization: 'Bearer ' + t.token } });
        const body = await res.json();
        console.log(JSON.stringify({ parts: t.token.split('.').length, expires: t.expiresOnTimestamp > Date.now(),
          status: res.status, items: body.value.length }));`;
      // Asynchronously: the emulator answers from this process's event loop.
      const child = await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', script, e.url, e.tenantId],
        { cwd: process.cwd(), env: { ...process.env, NODE_EXTRA_CA_CERTS: cert }, timeout: 30_000 },
      );
      const out = JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
      expect(out).toEqual({ parts: 3, expires: true, status: 200, items: 1 });
      const paths = e.requests({ identity: true }).map((r) => `${r.method} ${r.path} ${r.status}`);
      expect(paths).toContain(`GET /${e.tenantId}/v2.0/.well-known/openid-configuration 200`);
      expect(paths).toContain(`POST /${e.tenantId}/oauth2/v2.0/token 200`);
      expect(paths).toContain('GET /v1.0/policies/roleManagementPolicyAssignments 200');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// How rolegate finds the API server and its credentials: kubectl's precedence and merge rules, relative paths,
// the credential kinds it serves itself and those it hands to client-node, and a clear error for each way a
// kubeconfig can be unusable.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  inClusterTarget,
  KubeConfigError,
  loadKubeTarget,
  type KubeTarget,
} from '../../../src/kube/kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'rolegate-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to `name` in the test directory and returns the path. */
function file(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function config(o: {
  current?: string;
  cluster?: string;
  user?: string;
  clusterName?: string;
  contextName?: string;
}): string {
  const clusterName = o.clusterName ?? 'k';
  const contextName = o.contextName ?? 'c';
  return [
    'apiVersion: v1',
    'kind: Config',
    ...(o.current === undefined
      ? [`current-context: ${contextName}`]
      : o.current
        ? [`current-context: ${o.current}`]
        : []),
    `clusters: [{name: ${clusterName}, cluster: ${o.cluster ?? '{server: "https://k.example:6443"}'}}]`,
    `contexts: [{name: ${contextName}, context: {cluster: ${clusterName}, user: u-${contextName}}}]`,
    `users: [{name: u-${contextName}, user: ${o.user ?? '{}'}}]`,
    '',
  ].join('\n');
}

function native(p: string, env: NodeJS.ProcessEnv = {}): KubeTarget {
  const loaded = loadKubeTarget(p, env);
  if (loaded.kind !== 'native') throw new Error(`delegated: ${loaded.credential}`);
  return loaded.target;
}

describe('loadKubeTarget: credentials', () => {
  it.each([
    {
      why: 'an inline token is sent as a bearer token',
      user: '{token: abc}',
      authorization: 'Bearer abc',
    },
    {
      why: 'username and password are sent as basic auth',
      user: '{username: ann, password: secret}',
      authorization: `Basic ${b64('ann:secret')}`,
    },
    {
      why: 'client certificates alone send no Authorization header',
      user: `{client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')}}`,
      authorization: undefined,
    },
  ])('$why', async ({ user, authorization }) => {
    const t = native(file(`cred-${b64(user).slice(0, 12)}.yaml`, config({ user })));
    expect(await t.authorization()).toBe(authorization);
    expect(t.server).toBe('https://k.example:6443');
  });

  it('reads tokenFile, client certificate, key and CA relative to the kubeconfig', async () => {
    file('rel/token', 'from-file\n');
    file('rel/ca.pem', 'CA');
    file('rel/c.pem', 'CERT');
    file('rel/k.pem', 'KEY');
    const t = native(
      file(
        'rel/config',
        config({
          cluster:
            '{server: "https://k:6443", certificate-authority: ca.pem, tls-server-name: api.internal}',
          user: '{tokenFile: token, client-certificate: c.pem, client-key: k.pem}',
        }),
      ),
    );
    expect(await t.authorization()).toBe('Bearer from-file');
    const tls = await t.tls();
    expect([tls.ca?.toString(), tls.cert?.toString(), tls.key?.toString()]).toEqual([
      'CA',
      'CERT',
      'KEY',
    ]);
    expect(tls.servername).toBe('api.internal');
    expect(tls.rejectUnauthorized).toBe(true);
  });

  it('prefers -data fields over file paths, as kubectl does', async () => {
    const t = native(
      file(
        'data.yaml',
        config({
          cluster: `{server: "https://k:6443", certificate-authority: /nonexistent, certificate-authority-data: ${b64('CA-DATA')}}`,
        }),
      ),
    );
    expect((await t.tls()).ca?.toString()).toBe('CA-DATA');
  });

  it('turns certificate checks off only when insecure-skip-tls-verify says so', async () => {
    const t = native(
      file(
        'insecure.yaml',
        config({ cluster: '{server: "https://k:6443", insecure-skip-tls-verify: true}' }),
      ),
    );
    expect((await t.tls()).rejectUnauthorized).toBe(false);
  });

  it('sends Impersonate-User for `as`', () => {
    expect(native(file('as.yaml', config({ user: '{token: t, as: jane}' }))).headers).toEqual({
      'Impersonate-User': 'jane',
    });
  });

  it.each([
    {
      why: 'exec plugins',
      user: '{exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}}',
      credential: 'exec',
    },
    {
      why: 'auth-providers',
      user: '{auth-provider: {name: oidc, config: {}}}',
      credential: 'auth-provider',
    },
  ])('hands $why to client-node', ({ user, credential }) => {
    const p = file(`delegated-${credential}.yaml`, config({ user }));
    expect(loadKubeTarget(p, {})).toEqual({
      kind: 'delegated',
      credential,
      server: 'https://k.example:6443',
      origin: p,
      files: [p],
      context: 'c',
    });
  });
});

describe('loadKubeTarget: which configuration', () => {
  it('merges $KUBECONFIG files: the first current-context and the first definition of a name win', () => {
    const a = file(
      'merge/a.yaml',
      config({
        current: 'second',
        contextName: 'first',
        cluster: '{server: "https://a:1"}',
        clusterName: 'ka',
      }),
    );
    const b = file(
      'merge/b.yaml',
      config({
        current: 'first',
        contextName: 'second',
        cluster: '{server: "https://b:1"}',
        clusterName: 'kb',
      }),
    );
    const loaded = loadKubeTarget(undefined, {
      KUBECONFIG: [a, join(dir, 'missing.yaml'), b].join(delimiter),
    });
    expect(loaded.kind === 'native' && loaded.target.server).toBe('https://b:1');
  });

  it('uses the service account when nothing else is configured and KUBERNETES_SERVICE_HOST is set', async () => {
    file('sa/token', 'sa-token');
    file('sa/ca.crt', 'SA-CA');
    const t = inClusterTarget(
      { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      join(dir, 'sa'),
    );
    expect(t.server).toBe('https://[fd00::1]:443');
    expect(await t.authorization()).toBe('Bearer sa-token');
    expect((await t.tls()).ca?.toString()).toBe('SA-CA');
  });

  it.each([
    { why: 'no current-context', text: config({ current: '' }), message: /no current-context/ },
    {
      why: 'an undefined context',
      text: config({ current: 'other' }),
      message: /context "other" is not defined/,
    },
    {
      why: 'a cluster without server',
      text: config({ cluster: '{insecure-skip-tls-verify: true}' }),
      message: /has no server/,
    },
    {
      why: 'plain HTTP without insecure-skip-tls-verify',
      text: config({ cluster: '{server: "http://k:8080"}' }),
      message: /plain HTTP/,
    },
    {
      why: 'a proxy-url, which rolegate cannot honour',
      text: config({ cluster: '{server: "https://k:1", proxy-url: "http://proxy:3128"}' }),
      message: /proxy-url/,
    },
    {
      why: 'a CA file that does not exist',
      text: config({
        cluster: '{server: "https://k:1", certificate-authority: /nonexistent/ca.pem}',
      }),
      message: /cannot read certificate-authority/,
    },
    { why: 'YAML that does not parse', text: 'clusters: [\n', message: /bad\.yaml/ },
  ])('refuses $why with a clear error', ({ text, message }) => {
    const p = file('bad.yaml', text);
    expect(() => loadKubeTarget(p, {})).toThrow(KubeConfigError);
    expect(() => loadKubeTarget(p, {})).toThrow(message);
  });

  it('says where to look when there is no configuration at all', () => {
    expect(() => loadKubeTarget(undefined, { HOME: join(dir, 'empty-home') })).toThrow(
      /set KUBECONFIG, pass --kubeconfig, or run in a cluster/,
    );
  });
});

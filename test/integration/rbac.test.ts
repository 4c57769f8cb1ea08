// config/rbac against a real API server: bound to the controller's ServiceAccount, the roles allow what the
// controller does and nothing that would let it change desired state (it may patch PrivilegedRoles for its
// finalizer; the ValidatingAdmissionPolicy in config/rbac refuses a spec change). Then the real source, status
// writer, finalizer writer, event recorder and leader election run with that ServiceAccount's token, which proves
// the rules are also enough.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GROUP,
  RESET_FINALIZER,
  VERSION,
  type PrivilegedRole,
} from '../../src/api/v1alpha1/types.js';
import { LeaderElector } from '../../src/kube/leader-election.js';
import { KubernetesSource } from '../../src/sources/kubernetes.js';
import { KubernetesEventRecorder } from '../../src/status/kubernetes-event-recorder.js';
import { KubernetesStatusWriter } from '../../src/status/kubernetes-status-writer.js';
import { KubernetesFinalizerWriter } from '../../src/status/kubernetes-finalizer-writer.js';
import {
  eventually,
  kubeConfig,
  kubeEnv,
  kubectl,
  uniqueNamespace,
  kubeClient,
} from '../harness/kube-client.js';
import { createRole, roleManifest } from '../harness/rolegate-objects.js';
import { createEmulatorProvider, deleteProvider } from '../harness/emulator-provider.js';
import { kubernetesRunArgs, startRolegate } from '../harness/controller-process.js';
import { startGraphEmulator } from '../../src/emulator/graph/index.js';

const SA = 'system:serviceaccount:rolegate-system:rolegate';
const RBAC = resolve(import.meta.dirname, '../../config/rbac');
let ns: string;

beforeAll(async () => {
  await kubectl(['create', 'namespace', 'rolegate-system'], { allowFailure: true });
  await kubectl(['apply', '-f', RBAC]);
  await kubectl(['-n', 'rolegate-system', 'create', 'serviceaccount', 'rolegate'], {
    allowFailure: true,
  });
  await kubectl(
    [
      'create',
      'clusterrolebinding',
      'rolegate-controller',
      '--clusterrole=rolegate-controller',
      '--serviceaccount=rolegate-system:rolegate',
    ],
    { allowFailure: true },
  );
  await kubectl(
    [
      '-n',
      'rolegate-system',
      'create',
      'rolebinding',
      'rolegate-controller',
      '--role=rolegate-controller',
      '--serviceaccount=rolegate-system:rolegate',
    ],
    { allowFailure: true },
  );
  ns = await uniqueNamespace('rbac');
});

/** A kubeconfig file that authenticates as the controller's ServiceAccount, with a fresh token. */
async function serviceAccountKubeconfig(): Promise<{ file: string; remove: () => Promise<void> }> {
  const env = kubeEnv();
  const { stdout: token } = await kubectl([
    '-n',
    'rolegate-system',
    'create',
    'token',
    'rolegate',
    '--duration=10m',
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'rolegate-sa-'));
  const file = join(dir, 'kubeconfig');
  const ca = (await readFile(env.KUBE_CA_FILE)).toString('base64');
  await writeFile(
    file,
    `apiVersion: v1\nkind: Config\nclusters: [{name: envtest, cluster: {server: "${env.KUBE_SERVER}", certificate-authority-data: ${ca}}}]\n` +
      `users: [{name: rolegate, user: {token: ${token.trim()}}}]\ncontexts: [{name: sa, context: {cluster: envtest, user: rolegate}}]\ncurrent-context: sa\n`,
  );
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

async function can(
  verb: string,
  resource: string,
  namespace: string | undefined,
  extra: string[] = [],
): Promise<boolean> {
  const nsArgs = namespace ? ['-n', namespace] : [];
  const r = await kubectl(['auth', 'can-i', verb, resource, ...nsArgs, ...extra, `--as=${SA}`], {
    allowFailure: true,
  });
  return r.stdout.trim() === 'yes';
}

describe('config/rbac', () => {
  it.each([
    ['list', 'privilegedroles.rolegate.io', 'any', []],
    ['watch', 'privilegedroles.rolegate.io', 'any', []],
    ['get', 'privilegedroles.rolegate.io', 'any', []],
    ['list', 'identityproviders.rolegate.io', undefined, []],
    ['watch', 'identityproviders.rolegate.io', undefined, []],
    ['patch', 'privilegedroles.rolegate.io', 'any', ['--subresource=status']],
    ['patch', 'privilegedroles.rolegate.io', 'any', []],
    ['update', 'privilegedroles.rolegate.io', 'any', ['--subresource=status']],
    ['patch', 'identityproviders.rolegate.io', undefined, ['--subresource=status']],
    ['create', 'events.events.k8s.io', 'any', []],
    ['patch', 'events.events.k8s.io', 'any', []],
    ['create', 'leases.coordination.k8s.io', 'rolegate-system', []],
    ['list', 'leases.coordination.k8s.io', 'rolegate-system', []],
    ['update', 'leases.coordination.k8s.io/rolegate-controller', 'rolegate-system', []],
    ['get', 'secrets', 'rolegate-system', []],
  ] as const)('allows %s %s (ns %s) %j', async (verb, resource, namespace, extra) => {
    expect(await can(verb, resource, namespace === 'any' ? ns : namespace, [...extra])).toBe(true);
  });

  it.each([
    ['delete', 'privilegedroles.rolegate.io', 'any', []],
    ['update', 'privilegedroles.rolegate.io', 'any', []],
    ['create', 'privilegedroles.rolegate.io', 'any', []],
    ['delete', 'identityproviders.rolegate.io', undefined, []],
    ['patch', 'identityproviders.rolegate.io', undefined, []],
    ['update', 'customresourcedefinitions.apiextensions.k8s.io', undefined, []],
    ['list', 'secrets', 'rolegate-system', []],
    ['get', 'secrets', 'any', []],
    ['update', 'leases.coordination.k8s.io/other-lease', 'rolegate-system', []],
    ['create', 'leases.coordination.k8s.io', 'any', []],
    ['list', 'leases.coordination.k8s.io', 'any', []],
    ['delete', 'events.events.k8s.io', 'any', []],
    ['create', 'events', 'any', []],
  ] as const)('denies %s %s (ns %s) %j', async (verb, resource, namespace, extra) => {
    expect(await can(verb, resource, namespace === 'any' ? ns : namespace, [...extra])).toBe(false);
  });

  it('is enough for the real source, status writer, event recorder and leader election', async () => {
    const env = kubeEnv();
    const admin = new KubeConfig();
    admin.loadFromFile(env.KUBECONFIG);
    const role = await createRole(admin, roleManifest(ns, 'r'));

    const saConfig = await serviceAccountKubeconfig();
    const kc = new KubeConfig();
    kc.loadFromFile(saConfig.file);
    const client = kubeClient(saConfig.file);
    await saConfig.remove();

    const source = new KubernetesSource(client);
    await source.start(() => undefined, new AbortController().signal);
    await source.waitForSync(AbortSignal.timeout(20_000));
    expect(source.roles.get(`${ns}/r`)).toBeDefined();
    await source.stop();

    await new KubernetesStatusWriter(client).writeRole(role, { observedGeneration: 1 });
    const events = new KubernetesEventRecorder(client);
    events.record(role, { type: 'Normal', reason: 'Tested', note: 'rbac', action: 'Observe' });
    await events.flush();
    const { stdout } = await kubectl([
      'get',
      'events.events.k8s.io',
      '-n',
      ns,
      '-o',
      'jsonpath={.items[*].reason}',
    ]);
    expect(stdout).toContain('Tested');

    const stop = new AbortController();
    let led = false;
    const elector = new LeaderElector(client, {
      namespace: 'rolegate-system',
      name: 'rolegate-controller',
      leaseDurationSeconds: 3,
      renewDeadlineMs: 2000,
      retryPeriodMs: 200,
      onStartedLeading: () => void (led = true),
      onStoppedLeading: () => undefined,
    });
    const running = elector.run(stop.signal);
    await eventually(() => expect(led).toBe(true), 10_000);
    stop.abort();
    await running;

    // its finalizer it may add and remove
    const sa = kc.makeApiClient(CustomObjectsApi);
    const read = async (): Promise<PrivilegedRole> =>
      (await sa.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        plural: 'privilegedroles',
        namespace: ns,
        name: 'r',
      })) as PrivilegedRole;
    const finalizers = new KubernetesFinalizerWriter(client);
    await finalizers.setFinalizer(await read(), true);
    expect((await read()).metadata.finalizers).toEqual([RESET_FINALIZER]);
    await finalizers.setFinalizer(await read(), false);
    expect((await read()).metadata.finalizers ?? []).toEqual([]);

    // but the spec stays out of reach: the admission policy refuses it (policies load asynchronously)
    await eventually(async () => {
      const denied = await sa
        .patchNamespacedCustomObject(
          {
            group: GROUP,
            version: VERSION,
            plural: 'privilegedroles',
            namespace: ns,
            name: 'r',
            body: { spec: { mfaRequired: false } },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        )
        .catch((e: unknown) => e);
      expect((denied as { code?: number }).code).toBe(403);
      expect(String((denied as { body?: unknown }).body)).toContain(
        'the rolegate controller never changes the spec of a PrivilegedRole',
      );
    }, 20_000);
    expect((await read()).spec.mfaRequired).toBe(true);
  });

  it('lets everyone else change spec: the admission policy matches the controller only', async () => {
    const admin = kubeConfig().makeApiClient(CustomObjectsApi);
    await admin.patchNamespacedCustomObject(
      {
        group: GROUP,
        version: VERSION,
        plural: 'privilegedroles',
        namespace: ns,
        name: 'r',
        body: { spec: { mfaRequired: false } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  });

  it('is enough for the whole controller process: leader election, a write, Ready, its finalizer added and released on delete', async () => {
    const emulator = await startGraphEmulator({ port: 0 });
    const admin = kubeConfig().makeApiClient(CustomObjectsApi);
    const provider = `rbac-${Date.now().toString(36)}`;
    const sa = await serviceAccountKubeconfig();
    const GA = '62e90394-69f5-4237-9190-012177145e10';
    emulator.setEnabledRules(GA, ['Justification']);
    const controller = startRolegate(kubernetesRunArgs(['--leader-elect'], sa.file), {
      POD_NAMESPACE: 'rolegate-system',
    });
    const params = {
      group: GROUP,
      version: VERSION,
      plural: 'privilegedroles',
      namespace: ns,
      name: 'whole',
    };
    try {
      await createEmulatorProvider(admin, provider, emulator, '2s');
      await admin.createNamespacedCustomObject({
        ...params,
        body: {
          apiVersion: 'rolegate.io/v1alpha1',
          kind: 'PrivilegedRole',
          metadata: { name: 'whole', namespace: ns },
          spec: {
            providerRef: { name: provider },
            role: { id: GA },
            mfaRequired: true,
            deletionPolicy: 'ResetToDefault',
          },
        },
      });
      const live = await eventually(
        async () => {
          const r = (await admin.getNamespacedCustomObject(params)) as PrivilegedRole;
          const ready = r.status?.conditions?.find((c) => c.type === 'Ready');
          if (ready?.status !== 'True') throw new Error(JSON.stringify(r.status?.conditions));
          return r;
        },
        30_000,
        200,
      );
      expect(live.metadata.finalizers).toEqual([RESET_FINALIZER]);
      expect(
        emulator.getRule(GA, 'Enablement_EndUser_Assignment') as { enabledRules?: string[] },
      ).toMatchObject({ enabledRules: ['Justification', 'MultiFactorAuthentication'] });
      await admin.deleteNamespacedCustomObject(params);
      await eventually(
        async () => {
          const gone = await admin
            .getNamespacedCustomObject(params)
            .catch((e: { code?: number }) => e);
          expect((gone as { code?: number }).code).toBe(404);
        },
        30_000,
        200,
      );
      // nothing in the controller's log says it was refused anything
      expect(
        controller.logs
          .filter((l) =>
            /forbidden|\b403\b/i.test(JSON.stringify({ ...l, time: undefined, pid: undefined })),
          )
          .map((l) => l.msg),
      ).toEqual([]);
    } finally {
      await controller.stop();
      await deleteProvider(admin, provider);
      await emulator.close();
      await sa.remove();
    }
  });
});

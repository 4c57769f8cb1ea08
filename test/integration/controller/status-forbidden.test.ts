// A status write the API server refuses with 403 must not leave an object silently blank: the real controller
// process records a Warning Event (Events are still allowed), logs an error naming the permission, and reports not
// ready on /readyz until the writes pass again. The refusal comes from a ValidatingAdmissionPolicy on
// privilegedroles/status in one namespace, which the API server answers with 403 Forbidden as it does a missing RBAC
// rule, without taking any permission from the controllers of other tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import {
  API_VERSION,
  GROUP,
  VERSION,
  type PrivilegedRole,
} from '../../../src/api/v1alpha1/types.js';
import { eventually, kubeConfig, kubectl, uniqueNamespace } from '../../harness/kube-client.js';
import { createEmulatorProvider, deleteProvider } from '../../harness/emulator-provider.js';
import {
  kubernetesRunArgs,
  startRolegate,
  type RolegateProcess,
} from '../../harness/controller-process.js';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const suffix = Date.now().toString(36);
const POLICY = `refuse-status-${suffix}`;
const PROVIDER = `nostatus-${suffix}`;
let ns: string;
let api: CustomObjectsApi;
let emulator: GraphEmulator;
let rolegate: RolegateProcess | undefined;

const params = () => ({
  group: GROUP,
  version: VERSION,
  plural: 'privilegedroles',
  namespace: ns,
  name: 'ga',
});

const policy = (): string => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: ${POLICY} }
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
      - apiGroups: [rolegate.io]
        apiVersions: ['*']
        operations: [UPDATE]
        resources: [privilegedroles/status]
  validations:
    - expression: 'false'
      message: status writes are refused in this namespace
      reason: Forbidden
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: { name: ${POLICY} }
spec:
  policyName: ${POLICY}
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels: { rolegate-test/status: refused-${suffix} }
`;

let readyzBody = '';

async function readyz(): Promise<number> {
  const res = await fetch(`${await rolegate!.opsUrl()}/readyz`);
  readyzBody = await res.text();
  return res.status;
}

beforeAll(async () => {
  ns = await uniqueNamespace('nostatus');
  await kubectl(['label', 'namespace', ns, `rolegate-test/status=refused-${suffix}`]);
  await kubectl(['apply', '-f', '-'], { input: policy() });
  api = kubeConfig().makeApiClient(CustomObjectsApi);
  emulator = await startGraphEmulator({ port: 0 });
  emulator.setEnabledRules(GA, ['Justification']);
  const role: PrivilegedRole = {
    apiVersion: API_VERSION,
    kind: 'PrivilegedRole',
    metadata: { name: 'ga', namespace: ns },
    spec: { providerRef: { name: PROVIDER }, role: { id: GA }, mfaRequired: true },
  };
  await api.createNamespacedCustomObject({ ...params(), body: role });
  // policies load asynchronously: wait until a status write is refused with 403
  await eventually(
    async () => {
      const refused = await api
        .patchNamespacedCustomObjectStatus(
          { ...params(), body: { status: { observedGeneration: 1 } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        )
        .catch((e: unknown) => e);
      expect((refused as { code?: number }).code).toBe(403);
    },
    30_000,
    200,
  );
});

afterAll(async () => {
  await rolegate?.stop();
  await deleteProvider(api, PROVIDER);
  await emulator?.close();
  await kubectl(['delete', 'validatingadmissionpolicybinding,validatingadmissionpolicy', POLICY], {
    allowFailure: true,
  });
});

describe('a status write refused with 403', () => {
  it('is a Warning Event, an error log line and not ready, until writes pass again', async () => {
    await createEmulatorProvider(api, PROVIDER, emulator, '2s');
    rolegate = startRolegate(kubernetesRunArgs());
    const events = await eventually(
      async () => {
        const { stdout } = await kubectl(['get', 'events.events.k8s.io', '-n', ns, '-o', 'json']);
        const items = (
          JSON.parse(stdout) as {
            items: {
              reason?: string;
              type?: string;
              note?: string;
              regarding?: { name?: string };
            }[];
          }
        ).items.filter((e) => e.reason === 'StatusWriteForbidden');
        expect(items.length).toBeGreaterThan(0);
        return items;
      },
      30_000,
      200,
    );
    expect(events[0]).toMatchObject({ type: 'Warning', regarding: { name: 'ga' } });
    expect(events[0]?.note).toContain('privilegedroles/status');
    expect(await readyz()).toBe(503);
    // the body says why, for `kubectl describe pod` and curl
    expect(readyzBody).toMatch(/^not ready:\n- .*privilegedroles\/status/);
    const logged = rolegate.logs.find(
      (l) => l['level'] === 'error' && String(l['msg']).includes('refused to write the status'),
    );
    expect(logged, JSON.stringify(rolegate.logs.slice(-20))).toBeDefined();
    // the write to the provider went ahead: enforcement does not depend on status
    expect(emulator.getRule(GA, 'Enablement_EndUser_Assignment')).toMatchObject({
      enabledRules: ['Justification', 'MultiFactorAuthentication'],
    });

    // once status may be written again, the object gets its status and the controller is ready
    await kubectl(['delete', 'validatingadmissionpolicybinding', POLICY]);
    await eventually(
      async () => {
        const r = (await api.getNamespacedCustomObject(params())) as PrivilegedRole;
        const ready = r.status?.conditions?.find((c) => c.type === 'Ready');
        expect(ready?.status).toBe('True');
        expect(await readyz()).toBe(200);
      },
      60_000,
      250,
    );
  });
});

// Pure. Turns a flow of the realm export (nested by sub-flow alias, executions without ids) into the flat,
// depth-first rows GET .../flows/{alias}/executions gives, so that flows rolegate only judges (the direct grant
// flow) cost no request of their own. The row ids are synthetic (alias and position): nothing is written with them.
import type { ExecutionRow } from './flow-model.js';
import type { FlowRep } from './realm-state.js';

/** The execution rows of flow `alias`, or undefined when the export has no such flow. */
export function rowsFromExport(
  flows: readonly FlowRep[],
  alias: string,
): ExecutionRow[] | undefined {
  const byAlias = new Map(flows.map((f) => [f.alias, f]));
  const top = byAlias.get(alias);
  if (!top) return undefined;
  const rows: ExecutionRow[] = [];
  const walk = (flow: FlowRep, level: number, trail: ReadonlySet<string>): void => {
    const execs = [...(flow.authenticationExecutions ?? [])].sort(
      (a, b) => (a.priority ?? 0) - (b.priority ?? 0),
    );
    execs.forEach((e, index) => {
      const id = `${flow.alias}#${index}`;
      const priority = e.priority ?? 0;
      if (e.authenticatorFlow && e.flowAlias) {
        const sub = byAlias.get(e.flowAlias);
        rows.push({
          id,
          requirement: e.requirement ?? 'DISABLED',
          displayName: e.flowAlias,
          ...(sub?.description ? { description: sub.description } : {}),
          authenticationFlow: true,
          level,
          index,
          priority,
        });
        // A flow that contains itself would never finish in Keycloak either; stop rather than loop.
        if (sub && !trail.has(sub.alias)) walk(sub, level + 1, new Set([...trail, sub.alias]));
        return;
      }
      rows.push({
        id,
        requirement: e.requirement ?? 'DISABLED',
        ...(e.authenticator ? { providerId: e.authenticator, displayName: e.authenticator } : {}),
        ...(e.authenticatorConfig ? { alias: e.authenticatorConfig } : {}),
        level,
        index,
        priority,
      });
    });
  };
  walk(top, 0, new Set([top.alias]));
  return rows;
}

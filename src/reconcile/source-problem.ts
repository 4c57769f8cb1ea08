// Pure. The conditions of an object whose manifest file cannot be read (directory mode): enforcement goes on
// with the file's last good content, but nothing may read green while the desired state on disk is unknown.
import { ConditionType, markStalled, Reason, type ConditionSpec } from '../api/conditions.js';

/** The file an object comes from and why that file cannot be used now. */
export interface SourceProblem {
  file: string;
  problem: string;
}

/**
 * The conditions to report given plan()'s and the source file's problem, if any. With a problem, the kstatus
 * triple becomes Ready=False and Stalled=True, reason SourceUnreadable: Stalled because retrying cannot help
 * until someone fixes the file (rolegate does read it again on every change, and every few seconds). What plan()
 * said about the last good content stays in the message, and MFAEnforced is kept as observed: the security
 * signal does not depend on the file.
 */
export function withSourceProblem(
  conditions: readonly ConditionSpec[],
  source: SourceProblem | undefined,
): ConditionSpec[] {
  if (!source) return [...conditions];
  const kstatus = new Set<string>([
    ConditionType.Ready,
    ConditionType.Reconciling,
    ConditionType.Stalled,
  ]);
  const ready = conditions.find((c) => c.type === ConditionType.Ready);
  const lastGood = ready ? ` With that content: ${ready.reason}: ${ready.message}` : '';
  const message = `${source.file} cannot be used (${source.problem}); its last good content stays in force (as its enforcement mode says) until the file is fixed.${lastGood}`;
  return [
    ...markStalled(Reason.SourceUnreadable, message),
    ...conditions.filter((c) => !kstatus.has(c.type)),
  ];
}

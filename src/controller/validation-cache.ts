// Validates each object once per generation instead of on every reconcile. An object's validity depends on its
// spec (which moves its generation) and on its labels and annotations (which do not), so an entry holds for one
// uid, generation and set of labels and annotations.
import { validateObject } from '../api/validate.js';
import type { ValidationProblem } from '../api/validation/problem.js';
import type { ProviderSpecs } from '../api/validation/provider-spec.js';
import { objectKey } from '../api/keys.js';

/** The part of an object the cache reads to tell whether its validation still holds. */
interface Validated {
  kind?: string;
  metadata: {
    name: string;
    namespace?: string | undefined;
    uid?: string | undefined;
    generation?: number | undefined;
    labels?: Record<string, string> | undefined;
    annotations?: Record<string, string> | undefined;
  };
}

interface Entry {
  uid: string | undefined;
  generation: number;
  meta: string;
  problems: readonly ValidationProblem[];
}

/** What makes a cached result still hold besides the generation. */
function metaFingerprint(obj: Validated): string {
  return JSON.stringify([obj.metadata.labels ?? null, obj.metadata.annotations ?? null]);
}

/** Validation results by object, kept while the object's generation, labels and annotations stay the same. */
export class ValidationCache {
  private readonly entries = new Map<string, Entry>();
  /**
   * The entry an object instance was last answered with. Stores replace an object on every change and never
   * change one in place, so the same instance needs no comparison at all: the common case of a resync.
   */
  private readonly byInstance = new WeakMap<object, Entry>();
  private validations = 0;

  constructor(private readonly providers: ProviderSpecs) {}

  /** Every problem of the object (errors and warnings), validated at most once per generation. */
  problems(obj: Validated): readonly ValidationProblem[] {
    const same = this.byInstance.get(obj);
    if (same && same.generation === obj.metadata.generation) return same.problems;
    const key = `${obj.kind ?? ''}/${objectKey(obj.metadata)}`;
    const { uid, generation } = obj.metadata;
    const meta = metaFingerprint(obj);
    const hit = this.entries.get(key);
    if (
      hit &&
      generation !== undefined &&
      hit.uid === uid &&
      hit.generation === generation &&
      hit.meta === meta
    ) {
      this.byInstance.set(obj, hit);
      return hit.problems;
    }
    this.validations++;
    const problems = validateObject(obj, this.providers);
    // Without a generation there is nothing to tell a changed spec by: such objects are validated every time.
    if (generation === undefined) {
      this.entries.delete(key);
      return problems;
    }
    const entry = { uid, generation, meta, problems };
    this.entries.set(key, entry);
    this.byInstance.set(obj, entry);
    return problems;
  }

  /** The errors of the object. */
  errors(obj: Validated): readonly ValidationProblem[] {
    return this.problems(obj).filter((p) => p.severity === 'error');
  }

  /** Drops the entry of a deleted object. */
  forget(kind: string, key: string): void {
    this.entries.delete(`${kind}/${key}`);
  }

  /** How many validations ran (not answered from the cache), for tests and metrics. */
  get validationCount(): number {
    return this.validations;
  }
}

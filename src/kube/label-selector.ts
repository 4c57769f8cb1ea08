// Kubernetes label selectors (the `labelSelector` of a list or watch), parsed the way the API server parses them:
// comma-separated requirements, each `key`, `!key`, `key=value`, `key==value`, `key!=value`,
// `key in (a,b)`, `key notin (a,b)`, `key>n` or `key<n`. rolegate checks a selector before it starts, so that a
// typo is a usage error naming the requirement rather than a list the API server refuses over and over, and
// uses the same requirements to tell which shard an object's labels put it in.

/** One requirement of a label selector. */
export type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; value: number };

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SET = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/;
const COMPARE = /^([^\s=!<>]+)\s*(==|=|!=|<|>)\s*(\S*)$/;

function checkKey(key: string, where: string): string {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !SUBDOMAIN.test(prefix)))
    throw new Error(`${where}: key prefix "${prefix}" is not a DNS subdomain`);
  if (name.length > 63 || !NAME.test(name))
    throw new Error(
      `${where}: "${name}" is not a label key name (at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends)`,
    );
  return key;
}

function checkValue(value: string, where: string): string {
  if (value !== '' && (value.length > 63 || !NAME.test(value)))
    throw new Error(
      `${where}: "${value}" is not a label value (at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends)`,
    );
  return value;
}

/** Splits at the commas that are not inside parentheses. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function parseRequirement(text: string, where: string): LabelRequirement {
  if (text === '') throw new Error(`${where}: empty requirement`);
  const set = SET.exec(text);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list.split(',').map((v) => checkValue(v.trim(), where));
    return { key: checkKey(key, where), op: op === 'in' ? 'in' : 'notin', values };
  }
  if (text.startsWith('!')) return { key: checkKey(text.slice(1).trim(), where), op: 'notexists' };
  const cmp = COMPARE.exec(text);
  if (cmp) {
    const [, key = '', op = '', value = ''] = cmp;
    if (op === '<' || op === '>') {
      if (!/^-?\d+$/.test(value)) throw new Error(`${where}: "${value}" is not an integer`);
      return { key: checkKey(key, where), op: op === '<' ? 'lt' : 'gt', value: Number(value) };
    }
    const values = [checkValue(value, where)];
    return { key: checkKey(key, where), op: op === '!=' ? 'notin' : 'in', values };
  }
  if (/^\S+$/.test(text)) return { key: checkKey(text, where), op: 'exists' };
  throw new Error(`${where}: not a requirement such as key=value, key in (a,b) or !key`);
}

/**
 * Parses a label selector. Throws an error naming the requirement that is wrong. An empty selector selects
 * everything, as it does for the API server, and is refused here: a shard that owns everything is no shard.
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  if (selector.trim() === '') throw new Error('the label selector is empty');
  return splitRequirements(selector).map((r) => parseRequirement(r, `label selector "${r}"`));
}

/** Whether `labels` satisfy every requirement. */
export function matchesLabels(
  requirements: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>> = {},
): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(value ?? '');
      case 'notin':
        return !has || !r.values.includes(value ?? '');
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(value ?? '')) return false;
        const n = Number(value);
        return r.op === 'gt' ? n > r.value : n < r.value;
      }
    }
  });
}

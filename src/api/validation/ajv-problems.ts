// Pure. Turns the errors of the generated validators (ajv's error objects) into problems that name the field
// and say what is expected and what was found.
import type { ErrorObject } from 'ajv';
import { celByMessage } from './cel.js';
import { escapePointerToken, fieldPath } from './pointer.js';
import { isObject, type ValidationProblem } from './problem.js';
import { describe, didYouMean, PATTERN_HINTS, TYPE_WORDS } from './wording.js';

/** Turns one ajv error into a problem. */
export function fromAjv(e: ErrorObject): ValidationProblem {
  const at = e.instancePath;
  const p = e.params as Record<string, unknown>;
  const parent = isObject(e.parentSchema) ? e.parentSchema : {};
  switch (e.keyword) {
    case 'required': {
      const name = String(p['missingProperty']);
      const pointer = `${at}/${escapePointerToken(name)}`;
      const sub = isObject(parent['properties']) ? parent['properties'][name] : undefined;
      const type =
        isObject(sub) && typeof sub['type'] === 'string' ? TYPE_WORDS[sub['type']] : undefined;
      return {
        pointer,
        rule: 'schema.required',
        severity: 'error',
        message: `${fieldPath(pointer)} is required${type ? `: ${type}` : ''}`,
      };
    }
    case 'additionalProperties': {
      const name = String(p['additionalProperty']);
      const pointer = `${at}/${escapePointerToken(name)}`;
      const known = isObject(parent['properties']) ? Object.keys(parent['properties']) : [];
      const hint = didYouMean(name, known);
      return {
        pointer,
        rule: 'schema.additionalProperties',
        severity: 'error',
        message:
          `${fieldPath(pointer)} is not a field of ${at === '' ? 'the object' : fieldPath(at)}` +
          (hint ? `; did you mean ${hint}?` : '') +
          (known.length ? ` (known fields: ${known.join(', ')})` : '') +
          '; the API server would drop or reject it',
      };
    }
    case 'type': {
      const want = String(p['type']);
      const words = want
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ');
      let extra = '';
      if (want === 'boolean' && (e.data === 'true' || e.data === 'false'))
        extra = '; remove the quotes';
      return {
        pointer: at,
        rule: 'schema.type',
        severity: 'error',
        message: `${fieldPath(at)} must be ${words}, got ${describe(e.data)}${extra}`,
      };
    }
    case 'enum': {
      const allowed = (p['allowedValues'] as unknown[]).map(String);
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
      return {
        pointer: at,
        rule: 'schema.enum',
        severity: 'error',
        message: `${fieldPath(at)} must be one of ${allowed.join(', ')}, got ${describe(e.data)}${hint ? `; did you mean ${hint}?` : ''}`,
      };
    }
    case 'pattern': {
      const pattern = String(p['pattern']);
      const hint = PATTERN_HINTS[pattern];
      return {
        pointer: at,
        rule: 'schema.pattern',
        severity: 'error',
        message: `${fieldPath(at)} must be ${hint ?? `a string matching ${pattern}`}, got ${describe(e.data)}${hint ? ` (pattern ${pattern})` : ''}`,
      };
    }
    case 'minLength':
    case 'maxLength': {
      const limit = Number(p['limit']);
      const msg =
        e.keyword === 'minLength'
          ? limit === 1
            ? 'must not be empty'
            : `must be at least ${limit} characters long`
          : `must be at most ${limit} characters long (it has ${typeof e.data === 'string' ? e.data.length : '?'})`;
      return {
        pointer: at,
        rule: `schema.${e.keyword}`,
        severity: 'error',
        message: `${fieldPath(at)} ${msg}`,
      };
    }
    case 'format':
      return {
        pointer: at,
        rule: 'schema.format',
        severity: 'error',
        message: `${fieldPath(at)} must be ${p['format'] === 'date-time' ? 'an RFC 3339 date-time such as 2026-01-31T12:00:00Z' : `in format ${String(p['format'])}`}, got ${describe(e.data)}`,
      };
    case 'minimum':
      return {
        pointer: at,
        rule: 'schema.minimum',
        severity: 'error',
        message: `${fieldPath(at)} must be at least ${String(p['limit'])}, got ${describe(e.data)}`,
      };
    case 'x-kubernetes-validations': {
      const impl = celByMessage.get(e.message ?? '');
      const explain = typeof p['explain'] === 'string' ? ` (${p['explain']})` : '';
      return {
        pointer: at,
        rule: String(p['rule']),
        severity: 'error',
        message: `${impl ? impl.describe(fieldPath(at)) : `${fieldPath(at)}: ${e.message ?? 'CRD validation rule failed'}`}${explain}`,
      };
    }
    case 'x-kubernetes-list-type':
      return {
        pointer: at,
        rule: 'schema.list-type',
        severity: 'error',
        message: `${fieldPath(at)}: ${e.message ?? 'duplicate entries'}`,
      };
    default:
      return {
        pointer: at,
        rule: `schema.${e.keyword}`,
        severity: 'error',
        message: `${fieldPath(at)} ${e.message ?? 'is invalid'}`,
      };
  }
}

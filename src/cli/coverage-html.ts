// `rolegate report -o html`: the coverage report as one self-contained HTML page an auditor opens in any browser,
// offline, without rolegate: inline CSS, no script, no external fonts, images or styles (a Content-Security-Policy
// forbids every fetch), and every value from the provider escaped, since display names are chosen by whoever
// can create an account.
import { holderName } from '../reconcile/coverage/holder-name.js';
import type { AccountRow } from './accounts.js';
import type { CoverageReport, DriftHistory, ReportRole } from './coverage-report.js';

/** Escapes text for HTML content and attribute values. */
export function htmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const e = htmlEscape;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1b1f24;margin:2rem auto;max-width:1200px;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0 1rem}dl.meta dt{font-weight:600}dl.meta dd{margin:0}
.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}.card{border:1px solid #d0d7de;border-radius:6px;padding:.5rem .9rem;min-width:9rem}
.card .n{font-size:1.5rem;font-weight:700;display:block}.card.bad{border-color:#cf222e;background:#ffebe9}.card.warn{border-color:#bf8700;background:#fff8c5}.card.good{border-color:#1a7f37;background:#dafbe1}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.v-Uncovered{color:#cf222e;font-weight:600}.v-Conditional{color:#9a6700;font-weight:600}.yes{color:#1a7f37}.no{color:#cf222e;font-weight:600}
p.note{color:#57606a}footer{margin-top:2rem;color:#57606a;font-size:12px}
@media print{body{margin:0;max-width:none}.card{break-inside:avoid}tr{break-inside:avoid}}
`;

const PATH_WORDS: Record<string, string> = {
  Active: 'standing (active) assignment',
  GroupActive: 'active member of a role-assignable group',
  Eligible: 'eligible assignment (activates)',
  GroupEligible: 'eligible member of a role-assignable group',
  GroupOwner: 'owner of a role-assignable group (can add themselves as a member)',
  SignIn: 'browser sign-in',
  DirectGrant: 'direct grant (password grant, no browser)',
};

const yesNo = (v: boolean | undefined): string =>
  v === undefined
    ? '<span>n/a</span>'
    : v
      ? '<span class="yes">yes</span>'
      : '<span class="no">no</span>';

function card(label: string, n: number, tone: '' | 'bad' | 'warn' | 'good'): string {
  return `<div class="card${tone ? ` ${tone}` : ''}"><span class="n">${n}</span>${e(label)}</div>`;
}

function accountRow(a: AccountRow): string {
  const verdict = a.verdict === 'Conditional' ? 'Conditional' : 'Not covered';
  return `<tr><td>${e(holderName(a.principal))}<br><code>${e(a.principal.id)}</code></td><td>${e(a.principal.type)}</td><td>${e(a.roleDisplayName)}${a.scope ? `<br><code>${e(a.scope)}</code>` : ''}</td><td>${e(PATH_WORDS[a.path] ?? a.path)}</td><td>${e(a.via ?? '')}</td><td class="v-${e(a.verdict)}">${verdict}${a.gap ? `<br><code>${e(a.gap)}</code>` : ''}</td><td>${e(a.why)}</td><td>${e(a.declared.join(', ') || 'not declared')}</td></tr>`;
}

function byPathCell(r: ReportRole): string {
  if (!r.observed) return 'holders not read';
  if (r.byPath.length === 0) return 'no holders';
  return r.byPath
    .map(
      (p) =>
        `${e(p.path)}: ${p.total}${p.uncovered ? `, <span class="v-Uncovered">${p.uncovered} not covered</span>` : ''}${p.conditional ? `, <span class="v-Conditional">${p.conditional} conditional</span>` : ''}`,
    )
    .join('<br>');
}

function roleRow(r: ReportRole): string {
  const n = (v: number): string => (r.observed ? String(v) : '–');
  return `<tr><td>${e(r.roleDisplayName)}<br><code>${e(r.roleId)}</code>${r.scope ? `<br><code>${e(r.scope)}</code>` : ''}</td><td>${e(r.declared.join(', ') || 'not declared')}</td><td>${yesNo(r.mfaOnActivation)}${r.mfaOnActivation ? ` <small>(${e(r.mechanism)})</small>` : ''}</td><td>${yesNo(r.mfaOnActiveAssignment)}</td><td class="num">${n(r.total)}</td><td class="num">${n(r.covered)}</td><td class="num">${n(r.conditional)}</td><td class="num">${n(r.uncovered)}</td><td>${byPathCell(r)}</td></tr>`;
}

function driftSection(d: DriftHistory): string {
  const title =
    d.source === 'livePlan' ? 'Drift found now (live plan)' : 'Drift corrected recently';
  const body =
    d.entries.length === 0
      ? `<p>${d.source === 'livePlan' ? 'No drift: every declared role matches its manifest.' : 'No correction in this period, and no drift open.'}</p>`
      : `<table><thead><tr><th>PrivilegedRole</th><th>Role</th><th>Corrections</th><th>Last corrected</th><th>Last detected</th><th>Open drift (field: desired / live)</th></tr></thead><tbody>${d.entries
          .map(
            (x) =>
              `<tr><td><code>${e(x.object)}</code></td><td>${e(x.role)}</td><td class="num">${x.corrections}</td><td>${e(x.lastCorrectedTime ?? '')}</td><td>${e(x.lastDetectedTime ?? '')}</td><td>${x.fields.map((f) => `<code>${e(f.path)}</code>: ${e(f.desired ?? '')} / ${e(f.live ?? '')}`).join('<br>') || 'none'}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  return `<section id="drift"><h2>${title}</h2><p class="note">${e(d.note)}</p>${body}</section>`;
}

/** Renders the report as one self-contained HTML page. */
export function renderCoverageHtml(r: CoverageReport): string {
  const s = r.summary;
  const title = `MFA coverage of privileged roles: ${r.provider.name}`;
  const accounts =
    r.notCovered.length === 0
      ? `<p>${s.rolesWithHoldersRead === 0 ? 'No holder was read, so no account is judged (see below).' : 'Every account holding a role whose holders were read is behind MFA.'}</p>`
      : `<table><thead><tr><th>Account</th><th>Type</th><th>Role</th><th>Path</th><th>Via</th><th>Verdict</th><th>Why</th><th>Declared by</th></tr></thead><tbody>${r.notCovered.map(accountRow).join('')}</tbody></table>`;
  const notRead =
    r.holdersNotRead.length === 0
      ? ''
      : `<section id="not-read"><h2>Roles whose holders were not read (${r.holdersNotRead.length})</h2><p class="note">The provider did not report who holds these roles; their accounts are not judged, neither covered nor uncovered.</p><p>${r.holdersNotRead.map(e).join(', ')}</p></section>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${e(r.generator)}">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${e(title)}</h1>
<dl class="meta">
<dt>Identity provider</dt><dd>${e(r.provider.name)} (${e(r.provider.kind)})</dd>
<dt>Tenant</dt><dd><code>${e(r.provider.tenant || 'n/a')}</code></dd>
<dt>Provider state read at</dt><dd>${e(r.provider.observedAt)}</dd>
<dt>Report generated at</dt><dd>${e(r.generatedAt)}</dd>
<dt>Generated by</dt><dd>${e(r.generator)}</dd>
</dl>
</header>
<section id="summary">
<h2>Summary</h2>
<div class="cards">
${card('roles', s.roles, '')}
${card('roles declared in git', s.declaredRoles, '')}
${card('roles without MFA on activation', s.rolesWithoutMfaOnActivation, s.rolesWithoutMfaOnActivation ? 'warn' : 'good')}
${card('holdings read', s.holdings, '')}
${card('covered by MFA', s.covered, 'good')}
${card('conditionally covered', s.conditional, s.conditional ? 'warn' : '')}
${card('not covered', s.uncovered, s.uncovered ? 'bad' : 'good')}
</div>
<p class="note">A holding is one account holding one role through one path. Holder counts cover the ${s.rolesWithHoldersRead} role(s) whose holders were read.</p>
</section>
<section id="not-covered">
<h2>Accounts not behind MFA (${r.notCovered.length})</h2>
${accounts}
</section>
<section id="roles">
<h2>Coverage by role (${r.roles.length})</h2>
<table><thead><tr><th>Role</th><th>Declared by</th><th>MFA on activation</th><th>MFA on active assignment</th><th>Holders</th><th>Covered</th><th>Conditional</th><th>Not covered</th><th>By path</th></tr></thead><tbody>${r.roles.map(roleRow).join('')}</tbody></table>
</section>
${notRead}
${driftSection(r.drift)}
<section id="legend">
<h2>How to read this report</h2>
<dl class="meta">
<dt>Covered</dt><dd>Every use of the role through this path asks for a second factor: the activation rule (eligible holders), an enabled Conditional Access policy requiring MFA that includes the account and does not exclude it (standing holders), the group's activation rule (eligible group members), or the sign-in step (Keycloak).</dd>
<dt>Conditional</dt><dd>Only policies with conditions rolegate cannot judge (locations, platforms, risk) require MFA: whether it is asked depends on how the account signs in.</dd>
<dt>Not covered</dt><dd>Nothing asks this account for a second factor when it uses the role through this path.</dd>
<dt>MFA on active assignment</dt><dd>PIM asks the administrator who makes an active assignment for MFA; it protects assigning, not the use of a standing assignment.</dd>
</dl>
</section>
<footer>Written by ${e(r.generator)}. The same data is available as JSON (<code>rolegate report -o json</code>).</footer>
</body>
</html>
`;
}

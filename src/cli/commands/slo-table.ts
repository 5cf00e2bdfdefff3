/** The readable table of `keel slo status`: one row per SLO, then the budget policy in force. */
import type { SlosResponse } from '../../admin/slo-route.js';

const HEAD = ['SLO', 'KIND', 'OBJECTIVE', 'SLI', 'BUDGET LEFT', 'BURN 1H', 'BURN 6H', 'FIRING'];

export function sloTable(r: SlosResponse): string {
  if (r.slos.length === 0) return 'no SLOs configured (add `slos:` to the config; docs/slo.md)\n';
  const rows = r.slos.map((s) => [
    s.name,
    s.kind,
    `${s.objective}% / ${s.window}`,
    s.sli === null ? 'no data' : `${round(s.sli, 3)}%`,
    s.budget.remaining === null ? 'no data' : `${round(s.budget.remaining * 100, 1)}%`,
    burn(s.burn_rates['1h']),
    burn(s.burn_rates['6h']),
    s.alerts
      .filter((a) => a.firing)
      .map((a) => `${a.tier} (${a.severity})`)
      .join(', ') || '-',
  ]);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()}\n`;
  let out = line(HEAD) + rows.map(line).join('');
  for (const a of r.policy_actions)
    out += `\npolicy ${a.action} on ${a.routes.join(', ') || '(no routes)'} since ${a.since}: ${a.reason}`;
  return r.policy_actions.length > 0 ? `${out}\n` : out;
}

function burn(v: number | null): string {
  return v === null ? '-' : `${round(v, 2)}x`;
}

function round(v: number, digits: number): string {
  return String(Number(v.toFixed(digits)));
}

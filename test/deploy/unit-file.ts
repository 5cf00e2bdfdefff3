/**
 * A reader for systemd unit files (systemd.syntax(7)): `[Section]` headers, `Key=Value` lines,
 * `#`/`;` comments, `\` continuations; a key may repeat (ExecReload=, SystemCallFilter=), so each
 * maps to the list of its values in file order.
 */
export type Unit = Map<string, Map<string, string[]>>;

export function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]!.trim()}`;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1]!, section);
      continue;
    }
    const kv = /^([A-Za-z0-9]+)=(.*)$/.exec(line);
    if (!kv || !section) throw new Error(`line ${i + 1}: cannot read "${line}"`);
    const values = section.get(kv[1]!) ?? [];
    values.push(kv[2]!.trim());
    section.set(kv[1]!, values);
  }
  return unit;
}

/** The values of Section/Key, [] when absent. */
export function values(unit: Unit, section: string, key: string): string[] {
  return unit.get(section)?.get(key) ?? [];
}

/** A systemd time span (systemd.time(7)) in ms: "30s", "1min 30s", "500ms", a bare number = s. */
export function timeSpanMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };
  let total = 0;
  for (const part of text.trim().split(/\s+/)) {
    const m = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(part);
    const unit = m ? units[m[2] === '' ? 's' : m[2]!] : undefined;
    if (!m || unit === undefined) throw new Error(`cannot read the time span "${text}"`);
    total += Number(m[1]) * unit;
  }
  return total;
}

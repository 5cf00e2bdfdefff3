import { InvalidArgumentError } from 'commander';

/** commander argParser: an integer in [min, max]. */
export function intArg(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer ${min}..${max}, got "${value}"`);
    }
    return n;
  };
}

/** commander argParser: a number in [0, 1]. */
export function rateArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1))
    throw new InvalidArgumentError(`expected a number 0..1, got "${value}"`);
  return n;
}

/** commander argParser: an http(s) URL. */
export function urlArg(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
    return u.origin;
  } catch {
    throw new InvalidArgumentError(`expected an http:// URL, got "${value}"`);
  }
}

/** commander argParser: exactly `n` comma-separated ports (0..65535; 0 = any free port). */
export function portsArg(n: number) {
  return (value: string): number[] => {
    const parts = value.split(',').map((p) => p.trim());
    const ports = parts.map(Number);
    if (parts.length !== n || parts.some((p) => !/^\d+$/.test(p)) || ports.some((p) => p > 65535)) {
      throw new InvalidArgumentError(
        `expected ${n} comma-separated ports 0..65535 (0 = any free port), e.g. 9081,9082,9083, got "${value}"`,
      );
    }
    return ports;
  };
}

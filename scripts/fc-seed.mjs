// Loaded with --import into every test process by run-tests.mjs: property tests draw from one
// fixed seed, so a CI run is repeatable and a red build is a real regression, not an unlucky draw.
// To explore beyond the fixed seed: KEEL_FC_SEED=random npm test (the seed is printed, and a
// failure can be replayed with KEEL_FC_SEED=<that seed>).
import fc from 'fast-check';

const raw = process.env.KEEL_FC_SEED ?? '20261127';
const seed = raw === 'random' ? (Date.now() ^ (Math.random() * 0x100000000)) | 0 : Number(raw);
if (!Number.isInteger(seed)) {
  console.error(`KEEL_FC_SEED must be an integer or "random", got "${raw}"`);
  process.exit(1);
}
if (raw === 'random') console.error(`fast-check seed: KEEL_FC_SEED=${seed}`);
fc.configureGlobal({ seed });

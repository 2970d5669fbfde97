import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The corpus of real venue payloads (`test/venues/samples/<venue>/*.json`). Each file names its
 * source; `expect` says what Fillbook must make of `payload`. The fakes build their answers from
 * these same payloads, so a fake cannot drift from the venue.
 */
export interface VenueSample {
  file: string;
  source: string;
  kind: string;
  /** The account settings the sample is read under (category, market type...). */
  [setting: string]: unknown;
  expect: Record<string, unknown> & { outcome: string };
  payload: unknown;
}

const root = fileURLToPath(new URL('.', import.meta.url));

export function samplesOf(venue: string): VenueSample[] {
  const dir = join(root, venue);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file: `${venue}/${file}`, ...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<VenueSample, 'file'>) }) as VenueSample);
}

export function sample(venue: string, name: string): VenueSample {
  const found = samplesOf(venue).find((s) => s.file === `${venue}/${name}.json`);
  if (found === undefined) throw new Error(`no sample ${venue}/${name}.json`);
  return found;
}

/** A deep copy of a sample's payload, to build a fake's answer from. */
export function payloadOf<T = Record<string, unknown>>(venue: string, name: string): T {
  return structuredClone(sample(venue, name).payload) as T;
}

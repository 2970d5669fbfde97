import { readdirSync, readFileSync } from 'node:fs';
import { parseJsonLossless } from '../../../src/venues/wire.js';

/**
 * The sample corpus: real venue payloads, one JSON file each, under `samples/<venue>/`, every file
 * named with its source in that folder's SOURCES.md. Read losslessly (numbers as their digits), as
 * the adapters read the wire.
 */
const root = new URL('./', import.meta.url);

export function sampleNames(venue: string): string[] {
  return readdirSync(new URL(`${venue}/`, root)).filter((name) => name.endsWith('.json')).sort();
}

export function sampleText(venue: string, name: string): string {
  return readFileSync(new URL(`${venue}/${name}`, root), 'utf8');
}

/** A sample as the adapters see it on the wire: parsed with every number kept as its digits. */
export function sample(venue: string, name: string): unknown {
  return parseJsonLossless(sampleText(venue, name));
}

/** A sample as plain JSON (numbers as numbers), for the fakes to serve as they would any body. */
export function samplePlain<T = unknown>(venue: string, name: string): T {
  return JSON.parse(sampleText(venue, name)) as T;
}

export function sourcesOf(venue: string): string {
  return readFileSync(new URL(`${venue}/SOURCES.md`, root), 'utf8');
}

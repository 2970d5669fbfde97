import { parseAlpacaConfig } from './alpaca/index.js';
import { parseCcxtConfig } from './ccxt/index.js';
import { parsePaperConfig } from './paper/paper-config.js';
import { parseTastytradeConfig } from './tastytrade/index.js';
import { parseTradierConfig } from './tradier/index.js';

/**
 * Checks an account's `venue_config` when the account is created, so a bad one is refused then
 * (with a coded error naming the field) rather than on first use.
 */
export function validateVenueConfig(venue: string, config: Record<string, unknown> = {}): void {
  if (venue === 'paper') parsePaperConfig(config);
  else if (venue === 'tastytrade') parseTastytradeConfig(config);
  else if (venue === 'alpaca') parseAlpacaConfig(config);
  else if (venue === 'tradier') parseTradierConfig(config);
  else if (venue.startsWith('ccxt:')) parseCcxtConfig(venue, config);
}

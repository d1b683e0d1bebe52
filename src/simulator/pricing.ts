// What usage costs. Prices are held in pico-dollars (10^-12 USD) per unit, so every price
// in the table and every tier discount is an exact integer. Each invoice line of an event
// is rounded once, half up, to the micro-dollar, the unit amounts are summed and written
// in, always with six fraction digits. Money is therefore only ever an integer (exact in a
// double below 2^53, which is checked), never a binary fraction; and because every amount
// has the same scale, any exact sum of amounts is digit-for-digit equal to truthCost.

import type { SimEvent } from './types.js';

const PICO_PER_DOLLAR = 1_000_000_000_000n;

/** An exact decimal dollar amount ("0.075") as pico-dollars. */
function picoDollars(dollars: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,12}))?$/.exec(dollars);
  if (!match) throw new Error(`not a price: ${dollars}`);
  const [, whole = '0', fraction = ''] = match;
  return BigInt(whole) * PICO_PER_DOLLAR + BigInt(fraction.padEnd(12, '0'));
}

/** Dollars per million tokens (or characters) as pico-dollars per single unit. */
function perMillion(dollars: string): bigint {
  const total = picoDollars(dollars);
  if (total % 1_000_000n !== 0n) throw new Error(`price ${dollars} per million is finer than a pico-dollar`);
  return total / 1_000_000n;
}

/** Dollars per unit (an image, a second) as pico-dollars. */
const perUnit = picoDollars;

interface CompletionsPrice {
  input: bigint;
  cachedInput: bigint;
  output: bigint;
  audioInput: bigint;
  audioOutput: bigint;
}

function tokenPrice(input: string, cachedInput: string, output: string, audio?: [string, string]): CompletionsPrice {
  const [audioInput, audioOutput] = audio ?? [input, output];
  return {
    input: perMillion(input),
    cachedInput: perMillion(cachedInput),
    output: perMillion(output),
    audioInput: perMillion(audioInput),
    audioOutput: perMillion(audioOutput),
  };
}

const COMPLETIONS_PRICES: Readonly<Record<string, CompletionsPrice>> = {
  'gpt-4o-2024-08-06': tokenPrice('2.5', '1.25', '10'),
  'gpt-4o-mini-2024-07-18': tokenPrice('0.15', '0.075', '0.6'),
  'o3-mini': tokenPrice('1.1', '0.55', '4.4'),
  'gpt-4.1-2025-04-14': tokenPrice('2', '0.5', '8'),
  'gpt-4o-audio-preview-2024-12-17': tokenPrice('2.5', '1.25', '10', ['40', '80']),
};
/** Models an added event may name without a price of their own are billed like gpt-4o. */
const FALLBACK_COMPLETIONS_PRICE = tokenPrice('2.5', '1.25', '10');

const EMBEDDING_PRICES: Readonly<Record<string, bigint>> = {
  'text-embedding-3-small': perMillion('0.02'),
  'text-embedding-3-large': perMillion('0.13'),
};
const FALLBACK_EMBEDDING_PRICE = perMillion('0.1');

const IMAGE_PRICES: Readonly<Record<string, bigint>> = {
  'dall-e-3 1024x1024': perUnit('0.04'),
  'dall-e-3 1024x1792': perUnit('0.08'),
  'dall-e-3 1792x1792': perUnit('0.12'),
  'dall-e-2 256x256': perUnit('0.016'),
  'dall-e-2 512x512': perUnit('0.018'),
  'dall-e-2 1024x1024': perUnit('0.02'),
};
const FALLBACK_IMAGE_PRICE = perUnit('0.04');

const SPEECH_PRICES: Readonly<Record<string, bigint>> = { 'tts-1': perMillion('15'), 'tts-1-hd': perMillion('30') };
const FALLBACK_SPEECH_PRICE = perMillion('15');

/** Transcription is sold at $0.006 a minute, i.e. $0.0001 a second. */
const TRANSCRIPTION_PRICE_PER_SECOND = perUnit('0.0001');

/** Tier and batch prices as exact fractions of the list price. */
const TIER_FACTORS: Readonly<Record<string, readonly [bigint, bigint]>> = {
  batch: [1n, 2n],
  flex: [1n, 2n],
  priority: [7n, 4n],
};

export type QuantityUnit = 'tokens' | 'images' | 'characters' | 'duration_seconds';

/** Receives one invoice line of an event: always a positive amount (free lines are left off). */
export type CostLineVisitor = (lineItem: string, unit: QuantityUnit, quantity: number, micro: number) => void;

/**
 * A price as a plain integer of pico-dollars. Amounts are computed as integer products in
 * doubles, which are exact below 2^53; anything larger is redone in bigint.
 */
function asInteger(price: bigint): number {
  const value = Number(price);
  if (!Number.isSafeInteger(value)) throw new Error(`price ${price} is too large`);
  return value;
}

function scaled(price: bigint, factor: readonly [bigint, bigint] | undefined): number {
  if (!factor) return asInteger(price);
  const [numerator, denominator] = factor;
  if ((price * numerator) % denominator !== 0n) throw new Error(`price ${price} is not exact under ${numerator}/${denominator}`);
  return asInteger((price * numerator) / denominator);
}

const PICO_PER_MICRO = 1_000_000;

/** quantity x unit price in pico-dollars, rounded half up to whole micro-dollars, exactly. */
function microDollars(quantity: number, unitPrice: number): number {
  const pico = quantity * unitPrice;
  if (!Number.isSafeInteger(pico)) {
    const exact = (BigInt(quantity) * BigInt(unitPrice) + BigInt(PICO_PER_MICRO / 2)) / BigInt(PICO_PER_MICRO);
    return Number(exact);
  }
  const remainder = pico % PICO_PER_MICRO;
  const whole = (pico - remainder) / PICO_PER_MICRO;
  return remainder >= PICO_PER_MICRO / 2 ? whole + 1 : whole;
}

function emit(visit: CostLineVisitor, lineItem: string, unit: QuantityUnit, quantity: number, unitPrice: number): void {
  if (quantity <= 0 || unitPrice <= 0) return;
  const micro = microDollars(quantity, unitPrice);
  if (micro > 0) visit(lineItem, unit, quantity, micro);
}

/** A completions model in one tier: its five line items and their unit prices. */
interface CompletionsSheet {
  input: [string, number];
  cachedInput: [string, number];
  audioInput: [string, number];
  output: [string, number];
  audioOutput: [string, number];
}

// Line item names and tier prices are worked out once per model and tier, not per event.
const completionsSheets = new Map<string, Map<string, CompletionsSheet>>();

function completionsSheet(model: string, tier: string): CompletionsSheet {
  let byTier = completionsSheets.get(model);
  if (!byTier) {
    byTier = new Map();
    completionsSheets.set(model, byTier);
  }
  let sheet = byTier.get(tier);
  if (!sheet) {
    const price = COMPLETIONS_PRICES[model] ?? FALLBACK_COMPLETIONS_PRICE;
    const factor = TIER_FACTORS[tier];
    const suffix = tier === 'default' ? '' : `, ${tier}`;
    const item = (kind: string, unitPrice: bigint): [string, number] => [`${model}, ${kind}${suffix}`, scaled(unitPrice, factor)];
    sheet = {
      input: item('input', price.input),
      cachedInput: item('cached input', price.cachedInput),
      audioInput: item('audio input', price.audioInput),
      output: item('output', price.output),
      audioOutput: item('audio output', price.audioOutput),
    };
    byTier.set(tier, sheet);
  }
  return sheet;
}

function completionsLines(event: SimEvent, visit: CostLineVisitor): void {
  const sheet = completionsSheet(event.model, event.batch ? 'batch' : (event.service_tier ?? 'default'));
  const cached = event.input_cached_tokens ?? 0;
  const audioIn = event.input_audio_tokens ?? 0;
  const audioOut = event.output_audio_tokens ?? 0;
  // Cached and audio tokens are part of input_tokens / output_tokens; the rest is plain text.
  emit(visit, sheet.input[0], 'tokens', Math.max(0, (event.input_tokens ?? 0) - cached - audioIn), sheet.input[1]);
  emit(visit, sheet.cachedInput[0], 'tokens', cached, sheet.cachedInput[1]);
  emit(visit, sheet.audioInput[0], 'tokens', audioIn, sheet.audioInput[1]);
  emit(visit, sheet.output[0], 'tokens', Math.max(0, (event.output_tokens ?? 0) - audioOut), sheet.output[1]);
  emit(visit, sheet.audioOutput[0], 'tokens', audioOut, sheet.audioOutput[1]);
}

const singleSheets = new Map<string, [string, number]>();

/** The line item name and unit price of a one-line event, worked out once per kind. */
function singleSheet(key: string, make: () => [string, bigint]): [string, number] {
  let sheet = singleSheets.get(key);
  if (!sheet) {
    const [name, price] = make();
    sheet = [name, asInteger(price)];
    singleSheets.set(key, sheet);
  }
  return sheet;
}

/** Calls `visit` for each invoice line the event contributes to. */
export function forEachCostLine(event: SimEvent, visit: CostLineVisitor): void {
  switch (event.endpoint) {
    case 'completions':
      completionsLines(event, visit);
      return;
    case 'embeddings': {
      const [name, price] = singleSheet(`e ${event.model}`, () => [event.model, EMBEDDING_PRICES[event.model] ?? FALLBACK_EMBEDDING_PRICE]);
      emit(visit, name, 'tokens', event.input_tokens ?? 0, price);
      return;
    }
    case 'moderations':
      // Moderation is free, so it never appears on the invoice.
      return;
    case 'images': {
      const size = event.size ?? '1024x1024';
      const [name, price] = singleSheet(`i ${event.model} ${size}`, () => [
        `${event.model}, ${size}`,
        IMAGE_PRICES[`${event.model} ${size}`] ?? FALLBACK_IMAGE_PRICE,
      ]);
      emit(visit, name, 'images', event.images ?? 0, price);
      return;
    }
    case 'audio_speeches': {
      const [name, price] = singleSheet(`s ${event.model}`, () => [event.model, SPEECH_PRICES[event.model] ?? FALLBACK_SPEECH_PRICE]);
      emit(visit, name, 'characters', event.characters ?? 0, price);
      return;
    }
    case 'audio_transcriptions': {
      const [name, price] = singleSheet(`t ${event.model}`, () => [event.model, TRANSCRIPTION_PRICE_PER_SECOND]);
      emit(visit, name, 'duration_seconds', event.seconds ?? 0, price);
      return;
    }
  }
}

const MICRO_DIGITS = 6;

/** Micro-dollars (an exact integer) as a dollar amount with six fraction digits ("0.060000"). */
export function formatDollars(micro: number): string {
  if (!Number.isSafeInteger(micro)) throw new Error(`amount of ${micro} micro-dollars is beyond exact range`);
  const negative = micro < 0;
  const digits = String(Math.abs(micro)).padStart(MICRO_DIGITS + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -MICRO_DIGITS)}.${digits.slice(-MICRO_DIGITS)}`;
}

// What usage costs. Prices are held in pico-dollars (10^-12 USD) per unit, so every price
// in the table and every tier discount is an exact integer. Each invoice line of an event
// is rounded once, half up, to the micro-dollar, the unit amounts are summed and written
// in, always with six fraction digits. Money is therefore only ever an integer (exact in a
// double below 2^53, which is checked), never a binary fraction; and because every amount
// has the same scale, any exact sum of amounts is digit-for-digit equal to truthCost.

import type { CONTEXT_LEVELS } from './endpoints.js';
import type { SimEvent } from './types.js';

type ContextLevel = (typeof CONTEXT_LEVELS)[number];

const PICO_PER_DOLLAR = 1_000_000_000_000n;

/**
 * An exact decimal dollar amount ("0.075") as pico-dollars: parsed in bigint, held as a
 * plain integer. Amounts are integer products in doubles, exact below 2^53.
 */
function picoDollars(dollars: string, perUnits = 1n): number {
  const match = /^(\d+)(?:\.(\d{1,12}))?$/.exec(dollars);
  if (!match) throw new Error(`not a price: ${dollars}`);
  const [, whole = '0', fraction = ''] = match;
  const total = BigInt(whole) * PICO_PER_DOLLAR + BigInt(fraction.padEnd(12, '0'));
  if (total % perUnits !== 0n) throw new Error(`price ${dollars} per ${perUnits} is finer than a pico-dollar`);
  const price = Number(total / perUnits);
  if (!Number.isSafeInteger(price)) throw new Error(`price ${dollars} is too large`);
  return price;
}

/** Dollars per million tokens (or characters) as pico-dollars per single unit. */
const perMillion = (dollars: string): number => picoDollars(dollars, 1_000_000n);

/** Dollars per unit (an image, a second) as pico-dollars. */
const perUnit = (dollars: string): number => picoDollars(dollars);

/** Dollars per thousand tool calls as pico-dollars per call. */
const perThousand = (dollars: string): number => picoDollars(dollars, 1000n);

/** Pico-dollars per token of each kind a completions event reports. */
type CompletionsPrice = Record<'input' | 'cachedInput' | 'output' | 'audioInput' | 'audioOutput', number>;

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

const EMBEDDING_PRICES: Readonly<Record<string, number>> = {
  'text-embedding-3-small': perMillion('0.02'),
  'text-embedding-3-large': perMillion('0.13'),
};
const FALLBACK_EMBEDDING_PRICE = perMillion('0.1');

const IMAGE_PRICES: Readonly<Record<string, number>> = {
  'dall-e-3 1024x1024': perUnit('0.04'),
  'dall-e-3 1024x1792': perUnit('0.08'),
  'dall-e-3 1792x1792': perUnit('0.12'),
  'dall-e-2 256x256': perUnit('0.016'),
  'dall-e-2 512x512': perUnit('0.018'),
  'dall-e-2 1024x1024': perUnit('0.02'),
};
const FALLBACK_IMAGE_PRICE = perUnit('0.04');

const SPEECH_PRICES: Readonly<Record<string, number>> = { 'tts-1': perMillion('15'), 'tts-1-hd': perMillion('30') };
const FALLBACK_SPEECH_PRICE = perMillion('15');

/** Transcription is sold at $0.006 a minute, i.e. $0.0001 a second. */
const TRANSCRIPTION_PRICE_PER_SECOND = perUnit('0.0001');

// openai.com/api/pricing, "Vector storage": $0.10 per GB (10^9 bytes) per day.
// The first free GB is an organization-wide allowance, left out so each snapshot prices alone.
const VECTOR_STORAGE_PRICE_PER_BYTE_DAY = picoDollars('0.1', 1_000_000_000n);

// openai.com/api/pricing, "Code Interpreter": $0.03 per session.
const CODE_INTERPRETER_SESSION_PRICE = perUnit('0.03');

// openai.com/api/pricing, "File search tool call": $2.50 per 1,000 calls.
const FILE_SEARCH_CALL_PRICE = perThousand('2.5');

type WebSearchPrice = Readonly<Record<ContextLevel, number>>;
const webSearchPrice = (low: string, medium: string, high: string): WebSearchPrice => ({
  low: perThousand(low),
  medium: perThousand(medium),
  high: perThousand(high),
});
// openai.com/api/pricing, "Web search" per 1,000 calls by search context size: gpt-4.1 / gpt-4o $30, $35, $50.
const FULL_WEB_SEARCH_PRICE = webSearchPrice('30', '35', '50');
const WEB_SEARCH_PRICES: Readonly<Record<string, WebSearchPrice>> = {
  'gpt-4.1-2025-04-14': FULL_WEB_SEARCH_PRICE,
  // openai.com/api/pricing, "Web search" for gpt-4.1-mini / gpt-4o-mini: $25, $27.50, $30 per 1,000 calls.
  'gpt-4o-mini-2024-07-18': webSearchPrice('25', '27.5', '30'),
};

/** Tier and batch prices as exact fractions of the list price. */
const TIER_FACTORS: Readonly<Record<string, readonly [number, number]>> = {
  batch: [1, 2],
  flex: [1, 2],
  priority: [7, 4],
};

export type QuantityUnit = 'tokens' | 'images' | 'characters' | 'duration_seconds' | 'byte_days' | 'sessions' | 'calls';

/** Receives one invoice line of an event: always a positive amount (free lines are left off). */
export type CostLineVisitor = (lineItem: string, unit: QuantityUnit, quantity: number, micro: number) => void;

function scaled(price: number, [numerator, denominator]: readonly [number, number]): number {
  const product = price * numerator;
  if (!Number.isSafeInteger(product) || product % denominator !== 0) {
    throw new Error(`price ${price} is not exact under ${numerator}/${denominator}`);
  }
  return product / denominator;
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

/** Quantities are never negative, so a zero amount is the only one left off. */
function emit(visit: CostLineVisitor, lineItem: string, unit: QuantityUnit, quantity: number, unitPrice: number): void {
  const micro = microDollars(quantity, unitPrice);
  if (micro > 0) visit(lineItem, unit, quantity, micro);
}

/** A completions model in one tier: each line item's name and unit price. */
type CompletionsSheet = Record<keyof CompletionsPrice, [string, number]>;

// Line item names and tier prices are worked out once per model and tier, not per event.
const completionsSheets = new Map<string, CompletionsSheet>();

function completionsSheet(model: string, tier: string): CompletionsSheet {
  const key = `${model} ${tier}`;
  let sheet = completionsSheets.get(key);
  if (!sheet) {
    const price = COMPLETIONS_PRICES[model] ?? FALLBACK_COMPLETIONS_PRICE;
    const factor = TIER_FACTORS[tier] ?? [1, 1];
    const suffix = tier === 'default' ? '' : `, ${tier}`;
    const item = (kind: string, unitPrice: number): [string, number] => [`${model}, ${kind}${suffix}`, scaled(unitPrice, factor)];
    sheet = {
      input: item('input', price.input),
      cachedInput: item('cached input', price.cachedInput),
      audioInput: item('audio input', price.audioInput),
      output: item('output', price.output),
      audioOutput: item('audio output', price.audioOutput),
    };
    completionsSheets.set(key, sheet);
  }
  return sheet;
}

function completionsLines(event: SimEvent, visit: CostLineVisitor): void {
  const sheet = completionsSheet(event.model ?? '', event.batch ? 'batch' : (event.service_tier ?? 'default'));
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

function webSearchLine(event: SimEvent, visit: CostLineVisitor): void {
  // Events are checked on the way in (event-store.ts), so the level is one of the three.
  const level = (event.context_level ?? 'medium') as ContextLevel;
  const price = (WEB_SEARCH_PRICES[event.model ?? ''] ?? FULL_WEB_SEARCH_PRICE)[level];
  const prefix = event.model ? `${event.model}, ` : '';
  emit(visit, `${prefix}web search, ${level} context`, 'calls', event.num_requests ?? 0, price);
}

/** Calls `visit` for each invoice line the event contributes to. */
export function forEachCostLine(event: SimEvent, visit: CostLineVisitor): void {
  // Only tool usage may name no model, and its lines do not use one.
  const model = event.model ?? '';
  switch (event.endpoint) {
    case 'completions':
      completionsLines(event, visit);
      return;
    case 'embeddings':
      emit(visit, model, 'tokens', event.input_tokens ?? 0, EMBEDDING_PRICES[model] ?? FALLBACK_EMBEDDING_PRICE);
      return;
    case 'moderations':
      // Moderation is free, so it never appears on the invoice.
      return;
    case 'images': {
      const size = event.size ?? '1024x1024';
      emit(visit, `${model}, ${size}`, 'images', event.images ?? 0, IMAGE_PRICES[`${model} ${size}`] ?? FALLBACK_IMAGE_PRICE);
      return;
    }
    case 'audio_speeches':
      emit(visit, model, 'characters', event.characters ?? 0, SPEECH_PRICES[model] ?? FALLBACK_SPEECH_PRICE);
      return;
    case 'audio_transcriptions':
      emit(visit, model, 'duration_seconds', event.seconds ?? 0, TRANSCRIPTION_PRICE_PER_SECOND);
      return;
    case 'vector_stores':
      // One snapshot a day, so its bytes are byte-days of storage.
      emit(visit, 'vector store storage', 'byte_days', event.usage_bytes ?? 0, VECTOR_STORAGE_PRICE_PER_BYTE_DAY);
      return;
    case 'code_interpreter_sessions':
      emit(visit, 'code interpreter sessions', 'sessions', event.num_sessions ?? 0, CODE_INTERPRETER_SESSION_PRICE);
      return;
    case 'web_search_calls':
      webSearchLine(event, visit);
      return;
    case 'file_search_calls':
      emit(visit, 'file search calls', 'calls', event.num_requests ?? 0, FILE_SEARCH_CALL_PRICE);
      return;
  }
}

const MICRO_DIGITS = 6;

/** Micro-dollars (an exact sum of positive amounts) as dollars with six fraction digits ("0.060000"). */
export function formatDollars(micro: number): string {
  if (!Number.isSafeInteger(micro)) throw new Error(`amount of ${micro} micro-dollars is beyond exact range`);
  const digits = String(micro).padStart(MICRO_DIGITS + 1, '0');
  return `${digits.slice(0, -MICRO_DIGITS)}.${digits.slice(-MICRO_DIGITS)}`;
}

// Money is never a binary float in this project. Amounts travel as exact decimal strings
// ("12.3400" stays "12.3400") and are added with bigint arithmetic.

const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** True when `text` is a plain decimal literal such as "0", "-1.25" or "0.000001". */
export function isDecimalString(text: string): boolean {
  return DECIMAL.test(text);
}

interface Scaled {
  units: bigint;
  scale: number;
}

function toScaled(text: string): Scaled {
  if (!isDecimalString(text)) throw new Error(`not a decimal string: ${JSON.stringify(text)}`);
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const [whole = '0', fraction = ''] = body.split('.');
  const units = BigInt(whole + fraction);
  return { units: negative ? -units : units, scale: fraction.length };
}

function fromScaled({ units, scale }: Scaled): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

function rescale(value: Scaled, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/** Exact sum of decimal strings; the result keeps the largest number of fraction digits seen. */
export function addDecimals(values: Iterable<string>): string {
  let total: Scaled = { units: 0n, scale: 0 };
  for (const value of values) {
    const next = toScaled(value);
    const scale = Math.max(total.scale, next.scale);
    total = { units: rescale(total, scale) + rescale(next, scale), scale };
  }
  return fromScaled(total);
}

/** Exact difference a - b. */
export function subtractDecimals(a: string, b: string): string {
  const left = toScaled(a);
  const right = toScaled(b);
  const scale = Math.max(left.scale, right.scale);
  return fromScaled({ units: rescale(left, scale) - rescale(right, scale), scale });
}

/** Compares two decimal strings by value: -1, 0 or 1. */
export function compareDecimals(a: string, b: string): number {
  const diff = toScaled(subtractDecimals(a, b)).units;
  return diff === 0n ? 0 : diff < 0n ? -1 : 1;
}

/** Cents as a decimal string ("123.5") to dollars ("1.235"), exactly. */
export function centsToDollars(cents: string): string {
  const value = toScaled(cents);
  return fromScaled({ units: value.units, scale: value.scale + 2 });
}

import type { Unit } from './reportModel.js';

const DECIMALS: Record<Unit, number> = {
  s: 2,
  ms: 1,
  MB: 1,
  bytes: 0,
  'images/s': 1,
  'req/s': 0,
  x: 2,
  '%': 1,
  count: 0,
};

/** `value` with the precision its unit deserves, digit-grouped, without the unit. */
export function formatValue(value: number, unit: Unit): string {
  const decimals = DECIMALS[unit];
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** `value` with its unit: `1.25x`, `412.0 MB`, `3.5 %`. */
export function formatWithUnit(value: number, unit: Unit): string {
  return unit === 'x' ? `${formatValue(value, unit)}x` : `${formatValue(value, unit)} ${unit}`;
}

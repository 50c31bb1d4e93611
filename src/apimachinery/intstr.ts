// IntOrString: a number or a string (often a percentage), with client-go's scaling helper.

/** An int or a string, as the API serializes IntOrString. */
export type IntOrString = number | string;

/** The int value (strings parsed as integers, NaN otherwise). */
export function intValue(v: IntOrString): number {
  return typeof v === 'number' ? v : Number.parseInt(v, 10);
}

/**
 * An absolute value from an int or a percentage of `total` (client-go's GetScaledValueFromIntOrPercent).
 *
 * @example
 * getScaledValueFromIntOrPercent('25%', 10, true); // 3
 */
export function getScaledValueFromIntOrPercent(v: IntOrString, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

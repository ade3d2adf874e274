// ITU-T P.910 ACR: five categories, keys 1–5.
export const ACR_LEVELS = [
  { value: 5, label: 'Excellent' },
  { value: 4, label: 'Good' },
  { value: 3, label: 'Fair' },
  { value: 2, label: 'Poor' },
  { value: 1, label: 'Bad' },
] as const;

/** The ACR value of a key press, or null. */
export function acrFromKey(key: string): number | null {
  return /^[1-5]$/.test(key) ? Number(key) : null;
}

/** "7 of 24" — position is 0-based, shown 1-based, capped at the total. */
export function progressLabel(position: number, total: number): string {
  return `${Math.min(position + 1, total)} of ${total}`;
}

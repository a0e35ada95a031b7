/**
 * A number input's text as a number; a blank field becomes `NaN` rather than `Number('')`'s 0, so the command's
 * schema says "must be a number" instead of acting on a 0 nobody typed (an age of 0 ms would trim everything).
 */
export function parseNumberInput(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

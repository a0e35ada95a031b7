/**
 * The "Consumer name" field's placeholder: the first of worker-d, worker-e, … (after the seed's a to c) that the
 * group does not have yet, so the hint is never a name the server would refuse as taken.
 */
export function consumerNameHint(taken: readonly string[]): string {
  const names = new Set(taken);
  for (let code = 'd'.charCodeAt(0); code <= 'z'.charCodeAt(0); code += 1) {
    const name = `worker-${String.fromCharCode(code)}`;
    if (!names.has(name)) return name;
  }
  let n = names.size + 1;
  while (names.has(`worker-${n}`)) n += 1;
  return `worker-${n}`;
}

/**
 * The name Add consumer sends: what was typed, spaces round it dropped, or, left empty, the field's suggestion
 * (its placeholder), which the line beside the button names before the click.
 *
 * @example
 * consumerNameToAdd('  ', 'worker-d'); // 'worker-d'
 */
export function consumerNameToAdd(typed: string, suggested: string): string {
  return typed.trim() || suggested;
}

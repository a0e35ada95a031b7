import { describe, expect, it } from 'vitest';
import { parseNumberInput } from './parse-number';

describe('parseNumberInput', () => {
  it('reads numbers and leaves blanks as NaN', () => {
    expect(parseNumberInput('42')).toBe(42);
    expect(parseNumberInput(' 0 ')).toBe(0);
    expect(parseNumberInput('')).toBeNaN();
    expect(parseNumberInput('  ')).toBeNaN();
  });
});

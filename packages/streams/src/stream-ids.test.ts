import { compareEntryIds, entryIdTime, isEntryId } from '@streamscope/streams';
import { describe, expect, it } from 'vitest';

describe('stream IDs', () => {
  it('accepts <ms> and <ms>-<seq> within 64 bits', () => {
    expect(isEntryId('0-0')).toBe(true);
    expect(isEntryId('1716998413541')).toBe(true);
    expect(isEntryId('18446744073709551615-18446744073709551615')).toBe(true);
  });

  it('rejects everything else', () => {
    for (const bad of [
      '',
      '-',
      '+',
      '$',
      '>',
      'abc',
      '1-',
      '-1',
      '1-2-3',
      '1.5',
      ' 1-0',
      '18446744073709551616-0',
    ]) {
      expect(isEntryId(bad), bad).toBe(false);
    }
  });

  it('reads the millisecond time of an ID', () => {
    expect(entryIdTime('1716998413541-7')).toBe(1716998413541);
    expect(entryIdTime('1716998413541')).toBe(1716998413541);
    expect(entryIdTime('0-1')).toBe(0);
    // Past 15 digits, read as Number reads them: the nearest double.
    expect(entryIdTime('18446744073709551615-0')).toBe(Number('18446744073709551615'));
    expect(entryIdTime('9007199254740993-0')).toBe(Number('9007199254740993'));
    expect(entryIdTime('12a-0')).toBeNaN();
  });

  it('orders IDs by time, then sequence, beyond float precision', () => {
    expect(compareEntryIds('1-2', '1-10')).toBe(-1);
    expect(compareEntryIds('2-0', '1-99')).toBe(1);
    expect(compareEntryIds('5', '5-0')).toBe(0);
    expect(compareEntryIds('18446744073709551615-1', '18446744073709551615-0')).toBe(1);
  });
});

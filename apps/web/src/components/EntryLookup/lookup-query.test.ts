import { describe, expect, it } from 'vitest';
import { lookupQuery } from './lookup-query';

describe('the Find entry field', () => {
  it('takes a stream ID as pasted, spaces around it dropped, in the form the server keys it by', () => {
    expect(lookupQuery(' 1716998413541-0 ')).toEqual({ kind: 'id', id: '1716998413541-0' });
    expect(lookupQuery('01716998413541')).toEqual({ kind: 'id', id: '1716998413541' });
  });

  it('refuses text that is no ID, saying the field searches field=value too', () => {
    expect(lookupQuery('garbage')).toEqual({
      kind: 'refused',
      argument: 'id',
      reason:
        'must be a stream ID like 1716998413541-0, or field=value to search the entries (order_id=o-1234)',
    });
    // Shaped like an ID, only too big for one: no search was meant.
    expect(lookupQuery('18446744073709551616-0')).toEqual({
      kind: 'refused',
      argument: 'id',
      reason: 'has a part over 18446744073709551615, the largest a stream ID can hold',
    });
  });

  it('takes field=value as a search, split at the first =', () => {
    expect(lookupQuery('order_id = o-1234')).toEqual({ kind: 'field', field: 'order_id', value: 'o-1234' });
    expect(lookupQuery('query=a=b')).toEqual({ kind: 'field', field: 'query', value: 'a=b' });
  });

  it('refuses a search with no field or no value, saying how to write one', () => {
    expect(lookupQuery('=x')).toEqual({
      kind: 'refused',
      argument: 'field',
      reason: 'no field before the = to search: write it as order_id=o-1234',
    });
    expect(lookupQuery('order_id= ')).toEqual({
      kind: 'refused',
      argument: 'value',
      reason: 'no value after order_id= to search for: write it as order_id=o-1234',
    });
  });
});

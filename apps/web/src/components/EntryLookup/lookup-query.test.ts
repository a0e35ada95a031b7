import { describe, expect, it } from 'vitest';
import { lookupQuery } from './lookup-query';

describe('the Find entry field', () => {
  it('takes a stream ID as pasted, spaces around it dropped', () => {
    expect(lookupQuery(' 1716998413541-0 ')).toEqual({ kind: 'id', id: '1716998413541-0' });
    expect(lookupQuery('yesterday')).toEqual({ kind: 'id', id: 'yesterday' });
  });

  it('takes field=value as a search, split at the first =', () => {
    expect(lookupQuery('order_id = o-1234')).toEqual({ kind: 'field', field: 'order_id', value: 'o-1234' });
    expect(lookupQuery('query=a=b')).toEqual({ kind: 'field', field: 'query', value: 'a=b' });
    expect(lookupQuery('=x')).toEqual({ kind: 'field', field: '', value: 'x' });
  });
});

import { CORRELATION_HEADER, correlationHeaders, correlationIdOf } from '../src/index.js';

describe('the correlation id of a job or a result', () => {
  it('travels in the Ork-Correlation-Id header and reads back as sent', () => {
    const headers = correlationHeaders('1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9');

    expect(headers).toEqual({ [CORRELATION_HEADER]: '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9' });
    expect(correlationIdOf(headers)).toBe('1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9');
  });

  it('is absent, not refused, when a message has none or one that is not an id', () => {
    expect(correlationHeaders(undefined)).toEqual({});
    expect(correlationIdOf({})).toBeUndefined();
    expect(correlationIdOf({ [CORRELATION_HEADER]: 'two words' })).toBeUndefined();
    expect(correlationIdOf({ [CORRELATION_HEADER]: 'x'.repeat(200) })).toBeUndefined();
  });
});

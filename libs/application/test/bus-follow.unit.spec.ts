import { CursorExpiredError, followStart } from '../src/index.js';

describe('where a following starts', () => {
  describe('on a stream keeping sequences 40 to 90', () => {
    const bounds = { firstSeq: 40, lastSeq: 90 };

    it('starts after the cursor the client gave when the stream still keeps what follows it', () => {
      expect(followStart('LOGS', 39, bounds)).toBe(39);
      expect(followStart('LOGS', 60, bounds)).toBe(60);
    });

    it('starts after the last sequence without a cursor, or with one at or beyond it', () => {
      expect(followStart('LOGS', undefined, bounds)).toBe(90);
      expect(followStart('LOGS', 90, bounds)).toBe(90);
      expect(followStart('LOGS', 1_000, bounds)).toBe(90);
    });

    it('starts from the first kept message at 0', () => {
      expect(followStart('LOGS', 0, bounds)).toBe(0);
    });

    it('refuses a cursor whose next message the stream has dropped, naming stream, cursor and first kept sequence', () => {
      expect(() => followStart('LOGS', 38, bounds)).toThrow(CursorExpiredError);
      expect(() => followStart('LOGS', 1, bounds)).toThrow(expect.objectContaining({ code: 'BUS.CURSOR_EXPIRED', stream: 'LOGS', afterSeq: 1, firstSeq: 40 }));
    });

    it('refuses a cursor that is not a sequence', () => {
      for (const afterSeq of [-1, 1.5, Number.NaN]) expect(() => followStart('LOGS', afterSeq, bounds)).toThrow(RangeError);
    });
  });

  describe('on a stream whose messages have all aged out after sequence 90', () => {
    const bounds = { firstSeq: 91, lastSeq: 90 };

    it('lets a client that had read everything carry on, and refuses one that had not', () => {
      expect(followStart('LOGS', 90, bounds)).toBe(90);
      expect(() => followStart('LOGS', 89, bounds)).toThrow(CursorExpiredError);
    });
  });

  it('reads a new, empty stream from its start', () => {
    expect(followStart('LOGS', undefined, { firstSeq: 0, lastSeq: 0 })).toBe(0);
    expect(followStart('LOGS', 5, { firstSeq: 0, lastSeq: 0 })).toBe(0);
  });
});

import { TRAK_END_EVENTS, sendLostJobAgain, traksToReplay } from '../../src/pipeline/pipeline.recovery.js';
import { TERMINAL_STATUSES } from '../../src/trak/trak.state.js';
import { cmd, currentRunId, historyOf, stateOf } from '../support/fixtures.js';
import { childHistory, doneTrak, trakIdOf, waitingOnChildren } from '../support/pipeline-support.js';
import { newTrak, started } from '../support/scenarios.js';

// After a bus that lost what it held: which Traks the pipeline runs over again, and which lost jobs go out again.
describe('the Traks to replay after the bus lost its messages', () => {
  it('given a Trak still going with no parent and no Subtraks, then only its own events', () => {
    const events = newTrak();
    expect(traksToReplay(stateOf(events))).toEqual([trakIdOf(events)]);
  });

  it("given a parent waiting on its Subtraks, then its events and each Subtrak's (whose ends are commands to it)", () => {
    const parent = waitingOnChildren();
    const id = trakIdOf(parent);
    expect(traksToReplay(stateOf(parent))).toEqual([id, `${id}-s1`, `${id}-s2`]);
  });

  it("given a Subtrak still going, then its events and its parent's (whose cancellation and sibling completions are commands to it)", () => {
    const parent = waitingOnChildren();
    const child = childHistory(parent, 2);
    expect(traksToReplay(stateOf(child))).toEqual([`${trakIdOf(parent)}-s2`, trakIdOf(parent)]);
  });

  it('given an ended Subtrak, then only its own events, however its family stands', () => {
    const parent = waitingOnChildren();
    const child = historyOf(childHistory(parent, 1), cmd('Cancel', { reason: 'not needed' }));
    expect(TERMINAL_STATUSES).toContain(stateOf(child).status);
    expect(traksToReplay(stateOf(child))).toEqual([`${trakIdOf(parent)}-s1`]);
  });

  it('given no Trak at all, then nothing', () => {
    expect(traksToReplay(stateOf([]))).toEqual([]);
  });

  it.each([
    ['merged', () => historyOf(doneTrak(), cmd('RequestIntegration', { jobId: 'merge-1', mode: 'merge' }), cmd('RecordIntegrationResult', { jobId: 'merge-1', result: { kind: 'merged', mergeCommit: 'abc123' } }))],
    ['archived', () => historyOf(doneTrak(), cmd('Archive', {}))],
    ['cancelled', () => historyOf(newTrak(), cmd('Cancel', { reason: 'changed my mind' }))],
  ])('given a Trak %s, then the event that ended it is an end event and none before it was', (_how, history) => {
    const events = history();
    const ending = events.findIndex((_event, index) => TERMINAL_STATUSES.includes(stateOf(events.slice(0, index + 1)).status));
    expect(ending).toBe(events.length - 1);
    expect(TRAK_END_EVENTS).toContain(events[ending]!.type);
    expect(events.slice(0, ending).filter((event) => (TRAK_END_EVENTS as readonly string[]).includes(event.type))).toEqual([]);
  });
});

describe('a job that was out on the lost bus', () => {
  it("given it is still the Trak's current run, then it goes out again", () => {
    const events = started(newTrak());
    expect(sendLostJobAgain(currentRunId(events), stateOf(events))).toBe(true);
  });

  it('given the Trak moved on (the run was interrupted), then it is over', () => {
    const events = started(newTrak());
    const runId = currentRunId(events);
    expect(sendLostJobAgain(runId, stateOf(historyOf(events, cmd('Interrupt', {}))))).toBe(false);
  });
});

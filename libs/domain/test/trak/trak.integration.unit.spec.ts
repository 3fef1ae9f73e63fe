import { trakDecider } from '../../src/trak/trak.decide.js';
import type { TrakEvent } from '../../src/trak/trak.events.js';
import type { FlowDefinition } from '../../src/workflow/workflow.types.js';
import { deciderSpecification } from '../support/decider-specification.js';
import { NOW, cmd, defaultFlow, ev, historyOf, stateOf } from '../support/fixtures.js';
import { childHistory, doneTrak, fromWorkToDone, subtrakDone, trakIdOf, trakOf, waitingOnChildren } from '../support/pipeline-support.js';
import { gateRunningAtWork, newTrak, queuedAtWork, runningAtReview } from '../support/scenarios.js';

const spec = deciderSpecification(trakDecider);

const merging = (events: TrakEvent[], jobId = 'merge-1') => historyOf(events, cmd('RequestIntegration', { jobId, mode: 'merge' }));
const openingPr = (events: TrakEvent[], jobId = 'pr-1') => historyOf(events, cmd('RequestIntegration', { jobId, mode: 'pr' }));

describe('a Trak whose last stage was approved', () => {
  it('is Done', () => {
    expect(stateOf(doneTrak()).status).toBe('Done');
  });

  it('starts integrating when a merge is requested, counting the integration', () => {
    spec(doneTrak())
      .when(cmd('RequestIntegration', { jobId: 'merge-1', mode: 'merge' }))
      .thenState((state, decided) => {
        expect(decided).toEqual([ev('IntegrationRequested', { jobId: 'merge-1', mode: 'merge', at: NOW })]);
        expect(state).toMatchObject({ status: 'Integrating', jobId: 'merge-1', mode: 'merge', trak: { integrations: 1 } });
      });
  });

  it('starts opening a pull request when one is requested', () => {
    spec(doneTrak())
      .when(cmd('RequestIntegration', { jobId: 'pr-1', mode: 'pr' }))
      .thenState((state) => expect(state).toMatchObject({ status: 'Integrating', jobId: 'pr-1', mode: 'pr' }));
  });

  it('is archived by a person without merging', () => {
    spec(doneTrak())
      .when(cmd('Archive', {}))
      .thenState((state, decided) => {
        expect(decided).toEqual([ev('TrakArchived', { at: NOW })]);
        expect(state.status).toBe('Archived');
      });
  });
});

describe('a Trak that is not Done yet', () => {
  it.each([
    ['queued at its first stage', () => newTrak()],
    ['running its review', () => runningAtReview()],
    ['waiting on its Subtraks', () => waitingOnChildren()],
  ])('refuses integration while %s', (_what, history) => {
    spec(history()).when(cmd('RequestIntegration', { jobId: 'merge-1', mode: 'merge' })).thenThrows('TRAK.ILLEGAL_TRANSITION', /Cannot integrate Trak .*: it is /);
  });

  it('refuses to be archived, pointing to Cancel', () => {
    spec(queuedAtWork()).when(cmd('Archive', {})).thenThrows('TRAK.ILLEGAL_TRANSITION', /only a done Trak is archived; cancel it instead/);
  });
});

describe('a Trak being merged', () => {
  it('is archived when the merge succeeds, recording the merge commit', () => {
    spec(merging(doneTrak()))
      .when(cmd('RecordIntegrationResult', { jobId: 'merge-1', result: { kind: 'merged', mergeCommit: 'abc123' } }))
      .thenState((state, decided) => {
        expect(decided).toEqual([ev('IntegrationSucceeded', { jobId: 'merge-1', mergeCommit: 'abc123', at: NOW })]);
        expect(state.status).toBe('Archived');
      });
  });

  it('goes back to the on_failure stage in a fresh session with the conflicting files when the merge conflicts', () => {
    spec(merging(doneTrak()))
      .when(cmd('RecordIntegrationResult', { jobId: 'merge-1', result: { kind: 'conflict', message: 'Merge conflict', conflictFiles: ['src/a.ts', 'src/b.ts'] } }))
      .thenState((state, decided) => {
        expect(decided).toEqual([
          ev('IntegrationFailed', { jobId: 'merge-1', message: 'Merge conflict', conflictFiles: ['src/a.ts', 'src/b.ts'], at: NOW }),
          ev('StageQueued', {
            stage: 'work',
            iteration: 2,
            session: 'new',
            attempts: 0,
            trigger: { kind: 'integration', message: 'Merge conflict', conflictFiles: ['src/a.ts', 'src/b.ts'] },
            at: NOW,
          }),
        ]);
        // work's session had activity, yet the fix starts fresh (ORKESTRA-SPEC §3.4: integration supersedes).
        expect(trakOf(merging(doneTrak())).sessions['work']).toMatchObject({ hasActivity: true });
        expect(state).toMatchObject({ status: 'Queued', current: { stage: 'work', iteration: 2 }, trak: { sessions: { work: { hasActivity: false } } } });
      });
  });

  it('goes back to the on_failure stage with no files when the merge fails for another reason', () => {
    spec(merging(doneTrak()))
      .when(cmd('RecordIntegrationResult', { jobId: 'merge-1', result: { kind: 'failed', message: 'push rejected' } }))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['IntegrationFailed', 'StageQueued']);
        expect(decided[0]).toMatchObject({ data: { message: 'push rejected', conflictFiles: [] } });
        expect(decided[1]).toMatchObject({ data: { stage: 'work', session: 'new', trigger: { kind: 'integration', message: 'push rejected', conflictFiles: [] } } });
        expect(state.status).toBe('Queued');
      });
  });

  it('sends the failure to whichever stage the flow names in integration.on_failure', () => {
    const flow: FlowDefinition = { ...defaultFlow, integration: { ...defaultFlow.integration, onFailure: 'planning' } };
    spec(merging(doneTrak({ flow })))
      .when(cmd('RecordIntegrationResult', { jobId: 'merge-1', result: { kind: 'failed', message: 'boom' } }))
      .thenState((state) => expect(state).toMatchObject({ status: 'Queued', current: { stage: 'planning', iteration: 2 } }));
  });

  it('sends the failure to the first stage when integration.on_failure names no stage of the flow', () => {
    const flow: FlowDefinition = { ...defaultFlow, integration: { ...defaultFlow.integration, onFailure: 'nowhere' } };
    spec(merging(doneTrak({ flow })))
      .when(cmd('RecordIntegrationResult', { jobId: 'merge-1', result: { kind: 'failed', message: 'boom' } }))
      .thenState((state) => expect(state).toMatchObject({ status: 'Queued', current: { stage: 'planning' } }));
  });

  it('refuses a result for another integration job', () => {
    spec(merging(doneTrak(), 'merge-2'))
      .when(cmd('RecordIntegrationResult', { jobId: 'merge-1', result: { kind: 'merged' } }))
      .thenThrows('TRAK.ILLEGAL_TRANSITION', /Cannot record integration merge-1 .*: its current integration is merge-2/);
  });

  it('refuses a result that does not fit the job: a merge job cannot report an opened pull request', () => {
    spec(merging(doneTrak()))
      .when(cmd('RecordIntegrationResult', { jobId: 'merge-1', result: { kind: 'pr_opened', url: 'https://forge/pr/1' } }))
      .thenThrows('TRAK.VALIDATION', /was a merge job and cannot report "pr_opened"/);
    spec(openingPr(doneTrak()))
      .when(cmd('RecordIntegrationResult', { jobId: 'pr-1', result: { kind: 'merged' } }))
      .thenThrows('TRAK.VALIDATION', /was a pr job and cannot report "merged"/);
  });

  it('refuses a second integration while one runs', () => {
    spec(merging(doneTrak())).when(cmd('RequestIntegration', { jobId: 'merge-2', mode: 'merge' })).thenThrows('TRAK.ILLEGAL_TRANSITION', /it is Integrating/);
  });

  it('refuses to be archived by hand while the merge runs', () => {
    spec(merging(doneTrak())).when(cmd('Archive', {})).thenThrows('TRAK.ILLEGAL_TRANSITION', /only a done Trak is archived/);
  });
});

describe('a Trak that went back to work after a merge conflict', () => {
  const afterConflict = () =>
    historyOf(
      merging(doneTrak()),
      cmd('RecordIntegrationResult', { jobId: 'merge-1', result: { kind: 'conflict', message: 'Merge conflict', conflictFiles: ['a'] } }),
    );

  it('is Done again once the fix passes every stage, and its next merge is its second integration', () => {
    const doneAgain = fromWorkToDone(afterConflict());
    expect(stateOf(doneAgain)).toMatchObject({ status: 'Done', trak: { integrations: 1 } });
    spec(doneAgain)
      .when(cmd('RequestIntegration', { jobId: 'merge-2', mode: 'merge' }))
      .thenState((state) => expect(state).toMatchObject({ status: 'Integrating', jobId: 'merge-2', trak: { integrations: 2 } }));
  });

  it('refuses a late result of the failed merge', () => {
    spec(afterConflict())
      .when(cmd('RecordIntegrationResult', { jobId: 'merge-1', result: { kind: 'merged' } }))
      .thenThrows('TRAK.ILLEGAL_TRANSITION', /it is Queued at stage "work"/);
  });
});

describe('a Trak opening a pull request', () => {
  it('is Done with the pull request URL when it opens', () => {
    spec(openingPr(doneTrak()))
      .when(cmd('RecordIntegrationResult', { jobId: 'pr-1', result: { kind: 'pr_opened', url: 'https://forge/pr/7' } }))
      .thenState((state, decided) => {
        expect(decided).toEqual([ev('PullRequestOpened', { jobId: 'pr-1', url: 'https://forge/pr/7', at: NOW })]);
        expect(state).toMatchObject({ status: 'Done', trak: { prUrl: 'https://forge/pr/7' } });
      });
  });

  it.each([
    ['fails', { kind: 'failed', message: 'gh: not authenticated' } as const],
    ['reports a conflict', { kind: 'conflict', message: 'PR has conflicts', conflictFiles: ['a.ts'] } as const],
  ])('stays Done with the error and goes to no stage when the job %s', (_what, result) => {
    spec(openingPr(doneTrak()))
      .when(cmd('RecordIntegrationResult', { jobId: 'pr-1', result }))
      .thenState((state, decided) => {
        expect(decided).toEqual([ev('PullRequestFailed', { jobId: 'pr-1', error: result.message, at: NOW })]);
        expect(state).toMatchObject({ status: 'Done', trak: { prError: result.message } });
        expect(state).not.toHaveProperty('trak.prUrl');
      });
  });

  it('can try the pull request again after a failure, and the error is cleared once it opens', () => {
    const failed = historyOf(openingPr(doneTrak()), cmd('RecordIntegrationResult', { jobId: 'pr-1', result: { kind: 'failed', message: 'network' } }));
    const retried = openingPr(failed, 'pr-2');
    spec(retried)
      .when(cmd('RecordIntegrationResult', { jobId: 'pr-2', result: { kind: 'pr_opened', url: 'https://forge/pr/8' } }))
      .thenState((state) => {
        expect(state).toMatchObject({ status: 'Done', trak: { prUrl: 'https://forge/pr/8', integrations: 2 } });
        expect(state).not.toHaveProperty('trak.prError');
      });
  });
});

describe('a Done Trak with an open pull request', () => {
  const withPr = () => historyOf(openingPr(doneTrak()), cmd('RecordIntegrationResult', { jobId: 'pr-1', result: { kind: 'pr_opened', url: 'https://forge/pr/7' } }));

  it('refuses a merge, saying to merge the pull request on the forge', () => {
    spec(withPr())
      .when(cmd('RequestIntegration', { jobId: 'merge-1', mode: 'merge' }))
      .thenThrows('TRAK.ILLEGAL_TRANSITION', /it has an open pull request; merge that on the forge, then archive \(https:\/\/forge\/pr\/7\)/);
  });

  it('refuses a second pull request', () => {
    spec(withPr()).when(cmd('RequestIntegration', { jobId: 'pr-2', mode: 'pr' })).thenThrows('TRAK.ILLEGAL_TRANSITION', /it already has a pull request/);
  });

  it('is archived by a person once the pull request was merged', () => {
    spec(withPr()).when(cmd('Archive', {})).thenEventTypes(['TrakArchived']);
  });
});

describe('a Done Subtrak', () => {
  const done = () => subtrakDone(childHistory(waitingOnChildren()));

  it('refuses a pull request: it merges into its parent branch', () => {
    spec(done()).when(cmd('RequestIntegration', { jobId: 'pr-1', mode: 'pr' })).thenThrows('TRAK.VALIDATION', /is a Subtrak: it merges into its parent's branch and never opens a PR/);
  });

  it('merges', () => {
    const events = done();
    spec(events)
      .when(cmd('RequestIntegration', { jobId: `${trakIdOf(events)}_i1`, mode: 'merge' }))
      .thenState((state) => expect(state).toMatchObject({ status: 'Integrating', mode: 'merge' }));
  });
});

describe('cancelling a Trak', () => {
  const integrating = () => merging(doneTrak());
  const agentRunning = () => runningAtReview();
  const gateRunning = () => gateRunningAtWork();

  it.each<[string, () => TrakEvent[], string | undefined]>([
    ['queued', () => newTrak(), undefined],
    ['running an agent', agentRunning, 'run'],
    ['running a gate', gateRunning, 'gate'],
    ['waiting on its Subtraks', () => waitingOnChildren(), undefined],
    ['blocked by a failed Subtrak', () => {
      const waiting = waitingOnChildren();
      return historyOf(waiting, cmd('RecordSubtrakFailed', { subtrakId: `${trakIdOf(waiting)}-s1`, reason: 'x' }));
    }, undefined],
    ['waiting on its dependencies', () => childHistory(waitingOnChildren(), 2), undefined],
    ['done', () => doneTrak(), undefined],
    ['integrating', integrating, 'integration'],
  ])('is accepted while %s, recording the job to stop when one runs', (_what, history, activeJob) => {
    const events = history();
    const state = stateOf(events);
    const expectedJob =
      activeJob === 'run' && state.status === 'AgentRunning'
        ? state.run.runId
        : activeJob === 'gate' && state.status === 'GateRunning'
          ? state.gateRunId
          : activeJob === 'integration' && state.status === 'Integrating'
            ? state.jobId
            : undefined;
    if (activeJob !== undefined) expect(expectedJob).toBeDefined();
    spec(events)
      .when(cmd('Cancel', { reason: '  Not needed any more ' }))
      .thenState((after, decided) => {
        expect(decided).toEqual([ev('TrakCancelled', { reason: 'Not needed any more', at: NOW, ...(expectedJob !== undefined && { activeJobId: expectedJob }) })]);
        expect(after).toMatchObject({ status: 'Cancelled', reason: 'Not needed any more' });
      });
  });

  it('requires a reason', () => {
    spec(newTrak()).when(cmd('Cancel', { reason: ' ' })).thenThrows('TRAK.VALIDATION', /reason must not be blank/);
  });

  it.each([
    ['archived', () => historyOf(doneTrak(), cmd('Archive', {}))],
    ['already cancelled', () => historyOf(newTrak(), cmd('Cancel', { reason: 'no' }))],
  ])('is refused once it is %s', (_what, history) => {
    spec(history()).when(cmd('Cancel', { reason: 'again' })).thenThrows('TRAK.ILLEGAL_TRANSITION', /Cannot cancel Trak .*: it is already (Archived|Cancelled)/);
  });

  it('leaves a cancelled Trak unable to be archived or integrated', () => {
    const cancelled = historyOf(doneTrak(), cmd('Cancel', { reason: 'dropped' }));
    spec(cancelled).when(cmd('Archive', {})).thenThrows('TRAK.ILLEGAL_TRANSITION');
    spec(cancelled).when(cmd('RequestIntegration', { jobId: 'merge-1', mode: 'merge' })).thenThrows('TRAK.ILLEGAL_TRANSITION');
  });
});

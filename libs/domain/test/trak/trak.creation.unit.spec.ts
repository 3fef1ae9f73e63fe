import { trakDecider } from '../../src/trak/trak.decide.js';
import type { TrakEvent } from '../../src/trak/trak.events.js';
import { deciderSpecification } from '../support/decider-specification.js';
import { NOW, cmd, created, defaultFlow, ev, newId, subtaskFlow } from '../support/fixtures.js';

const spec = deciderSpecification(trakDecider);

function createCommand(overrides: Partial<Parameters<typeof cmd<'CreateTrak'>>[1]> = {}) {
  const { data } = created();
  return cmd('CreateTrak', { ...data, ...overrides });
}

describe('a Trak that does not exist yet', () => {
  it('is created and its first stage queued in a fresh session', () => {
    const command = createCommand();
    spec([])
      .when(command)
      .then([
        created({ ...command.data, trakId: command.data.trakId }),
        ev('StageQueued', { stage: 'planning', iteration: 1, session: 'new', attempts: 0, at: NOW }),
      ]);
  });

  it('records the resolved flow so a replay never reads the yaml again', () => {
    spec([])
      .when(createCommand())
      .thenState((state) => {
        expect(state.status).toBe('Queued');
        if (state.status === 'Queued') expect(state.trak.flow).toEqual(defaultFlow);
      });
  });

  it('waits for its dependencies when it has some', () => {
    const dependency = newId();
    spec([])
      .when(createCommand({ dependsOn: [dependency] }))
      .thenState((state, events) => {
        expect(events.map((e) => e.type)).toEqual(['TrakCreated']);
        expect(state).toMatchObject({ status: 'WaitingOnDependencies', waitingFor: [dependency] });
      });
  });

  it('is refused with every problem named when title and branch are blank', () => {
    spec([])
      .when(createCommand({ title: ' ', branch: '' }))
      .thenThrows('TRAK.VALIDATION', /title must not be blank; branch must not be blank/);
  });

  it('is refused when a breakdown stage names a Subtrak flow that was not recorded', () => {
    spec([])
      .when(createCommand({ subtaskFlows: {} }))
      .thenThrows('TRAK.VALIDATION', /stage "breakdown" splits into Subtraks with flow "subtask"/);
  });

  it("records the project's repository it is created with, for runners that do not know the project", () => {
    const repository = { remote: 'git@example.test:shop/web.git', setupScript: 'scripts/setup.sh' };
    spec([])
      .when(createCommand({ repository }))
      .thenState((state, events) => {
        expect(events[0]).toMatchObject({ type: 'TrakCreated', data: { repository } });
        if (state.status !== 'Initial') expect(state.trak.repository).toEqual(repository);
      });
  });

  it('is created without a repository, as Traks were before repositories were recorded', () => {
    spec([])
      .when(createCommand())
      .thenState((state, events) => {
        expect(events[0]?.data).not.toHaveProperty('repository');
        if (state.status !== 'Initial') expect(state.trak.repository).toBeUndefined();
      });
  });

  it('is refused when its repository has a blank remote', () => {
    spec([])
      .when(createCommand({ repository: { remote: '  ' } }))
      .thenThrows('TRAK.VALIDATION', /repository.remote must not be blank/);
  });

  it('refuses every other command as not found', () => {
    spec([]).when(cmd('Approve', {})).thenThrows('TRAK.NOT_FOUND', /does not exist/);
  });
});

describe('a Trak that already exists', () => {
  it('refuses to be created again', () => {
    const existing = created();
    spec([existing]).when(cmd('CreateTrak', existing.data)).thenThrows('TRAK.ALREADY_EXISTS');
  });
});

describe('a Subtrak waiting on two siblings', () => {
  const [first, second] = [newId(), newId()];
  const given: TrakEvent[] = [created({ flow: subtaskFlow, subtaskFlows: {}, dependsOn: [first, second] })];

  it('keeps waiting when one dependency completes', () => {
    spec(given)
      .when(cmd('RecordDependencyCompleted', { dependencyId: first }))
      .thenState((state, events) => {
        expect(events.map((e) => e.type)).toEqual(['DependencyCompleted']);
        expect(state).toMatchObject({ status: 'WaitingOnDependencies', waitingFor: [second] });
      });
  });

  it('queues its first stage when the last dependency completes', () => {
    const afterFirst = [...given, ev('DependencyCompleted', { dependencyId: first, at: NOW })];
    spec(afterFirst)
      .when(cmd('RecordDependencyCompleted', { dependencyId: second }))
      .then([
        ev('DependencyCompleted', { dependencyId: second, at: NOW }),
        ev('StageQueued', { stage: 'work', iteration: 1, session: 'new', attempts: 0, at: NOW }),
      ]);
  });

  it('ignores a repeated notice of the same dependency', () => {
    const afterFirst = [...given, ev('DependencyCompleted', { dependencyId: first, at: NOW })];
    spec(afterFirst).when(cmd('RecordDependencyCompleted', { dependencyId: first })).thenNothingHappened();
  });

  it('refuses a dependency it does not have', () => {
    spec(given).when(cmd('RecordDependencyCompleted', { dependencyId: 'stranger' })).thenThrows('TRAK.VALIDATION', /does not depend on stranger/);
  });
});

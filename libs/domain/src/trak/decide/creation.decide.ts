import { DomainError, validationError } from '../../shared/domain-error.js';
import type { CreateTrak, RecordDependencyCompleted } from '../trak.commands.js';
import type { TrakEvent } from '../trak.events.js';
import type { KnownTrakState, TrakState } from '../trak.state.js';
import { queueStage } from '../trak.rules.js';
import { RESERVED_ARTIFACT_NAMES } from '../../workflow/workflow.types.js';

export function createTrak(command: CreateTrak, state: TrakState): TrakEvent[] {
  const d = command.data;
  const now = command.metadata.now;
  if (state.status !== 'Initial') {
    throw new DomainError('TRAK.ALREADY_EXISTS', `Trak ${d.trakId} already exists`, { trakId: d.trakId });
  }
  const problems: string[] = [];
  if (d.title.trim() === '') problems.push('title must not be blank');
  if (d.branch.trim() === '') problems.push('branch must not be blank');
  if (d.baseBranch.trim() === '') problems.push('baseBranch must not be blank');
  if (d.repository !== undefined && d.repository.remote.trim() === '') problems.push('repository.remote must not be blank');
  if (d.flow.stages.length === 0) problems.push(`flow "${d.flow.name}" has no stages`);
  const dependsOn = d.dependsOn ?? [];
  if (dependsOn.includes(d.trakId)) problems.push('a Trak cannot depend on itself');
  for (const name of Object.keys(d.initialArtifacts ?? {})) {
    if (RESERVED_ARTIFACT_NAMES.includes(name)) problems.push(`artifact name "${name}" is reserved`);
  }
  for (const stage of d.flow.stages) {
    const needed = stage.subtasks?.flow;
    if (needed !== undefined && needed !== d.flow.name && d.subtaskFlows[needed] === undefined) {
      problems.push(`stage "${stage.name}" splits into Subtraks with flow "${needed}", which was not recorded with the Trak`);
    }
  }
  if (problems.length > 0) throw validationError(`Cannot create Trak ${d.trakId}: ${problems.join('; ')}`, { problems });

  const created: TrakEvent = {
    type: 'TrakCreated',
    data: {
      trakId: d.trakId,
      projectId: d.projectId,
      title: d.title.trim(),
      description: d.description,
      flow: d.flow,
      subtaskFlows: d.subtaskFlows,
      baseBranch: d.baseBranch,
      branch: d.branch,
      autoMode: d.autoMode ?? false,
      autoPr: d.autoPr ?? false,
      dependsOn,
      initialArtifacts: d.initialArtifacts ?? {},
      at: now,
      ...(d.baseCommit !== undefined && { baseCommit: d.baseCommit }),
      ...(d.parent !== undefined && { parent: d.parent }),
      ...(d.repository !== undefined && { repository: d.repository }),
    },
  };
  if (dependsOn.length > 0) return [created];
  return [created, queueStage({ iterations: {}, sessions: {} }, d.flow.stages[0]!.name, undefined, now)];
}

export function recordDependencyCompleted(command: RecordDependencyCompleted, state: KnownTrakState): TrakEvent[] {
  const { dependencyId } = command.data;
  const now = command.metadata.now;
  if (!state.trak.dependsOn.includes(dependencyId)) {
    throw validationError(`Trak ${state.trak.trakId} does not depend on ${dependencyId}`, { dependencyId });
  }
  // A repeated notice (at-least-once delivery) changes nothing.
  if (state.status !== 'WaitingOnDependencies' || !state.waitingFor.includes(dependencyId)) return [];
  const waiting = state.waitingFor;
  const events: TrakEvent[] = [{ type: 'DependencyCompleted', data: { dependencyId, at: now } }];
  if (waiting.length === 1) events.push(queueStage(state.trak, state.trak.flow.stages[0]!.name, undefined, now));
  return events;
}

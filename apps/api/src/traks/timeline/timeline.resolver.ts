import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { Trak } from '../trak.model.js';
import { AgentRun, GateResult, StageIteration } from './timeline.model.js';
import { agentRunView, gateResultView, iterationView } from './timeline-view.js';

/** A Trak's history of work, on every Trak however it was found (one query per field for a whole page). */
@Resolver(() => Trak)
export class TrakTimelineResolver {
  @ResolveField(() => [StageIteration], { description: 'Every iteration of its stages, in the order they began.' })
  async iterations(@Parent() trak: Trak, @Context() context: ApiContext): Promise<StageIteration[]> {
    return (await context.timeline.of(trak, 'iterations')).map(iterationView);
  }

  @ResolveField(() => [AgentRun], { description: 'Every agent run, in the order they were requested.' })
  async runs(@Parent() trak: Trak, @Context() context: ApiContext): Promise<AgentRun[]> {
    return (await context.timeline.of(trak, 'runs')).map(agentRunView);
  }

  @ResolveField(() => [GateResult], { description: 'Every run of a script gate, in the order they were requested.' })
  async gateResults(@Parent() trak: Trak, @Context() context: ApiContext): Promise<GateResult[]> {
    return (await context.timeline.of(trak, 'gates')).map(gateResultView);
  }
}

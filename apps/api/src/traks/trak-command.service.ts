import { Injectable } from '@nestjs/common';
import { TRAK_COMMAND_ACTIONS } from '@orkestra/domain';
import type { PendingCommand } from '@orkestra/domain';
import type { ApiContext } from '../shell/api-context.js';
import { ApiStores } from '../shell/api-stores.js';
import type { Trak } from './trak.model.js';
import { TrakReads, atOf } from './trak-reads.js';
import { trakView } from './trak-view.js';

/**
 * The one path every human command on a Trak takes: find the Trak, check the caller's role on
 * its project, let the domain decide, append, and answer with the Trak as it now stands. A
 * refused command appends nothing; a repeated idempotency key appends nothing and answers again.
 */
@Injectable()
export class TrakCommandService {
  constructor(
    private readonly reads: TrakReads,
    private readonly stores: ApiStores,
  ) {}

  async run(
    context: ApiContext,
    trakId: string,
    command: PendingCommand | ((visible: Awaited<ReturnType<TrakReads['visible']>>) => PendingCommand),
    idempotencyKey: string | undefined,
  ): Promise<Trak> {
    const visible = await this.reads.visible(context, trakId);
    const decided = typeof command === 'function' ? command(visible) : command;
    const action = TRAK_COMMAND_ACTIONS[decided.type];
    if (action === undefined) throw new Error(`${decided.type} is not a command people issue`); // a bug in a resolver, not bad input
    await context.access.require(visible.state.trak.projectId, action, { kind: 'Trak', id: trakId });
    const result = await this.stores.traks.handle(trakId, decided, {
      actor: context.caller.userId,
      ...(idempotencyKey !== undefined && { idempotencyKey }),
      // Decided on the stream as just read (one read, not two); a writer that got in between makes the append read again.
      known: { state: visible.state, streamPosition: visible.view.version, events: visible.events },
    });
    if (result.state.status === 'Initial') throw new Error(`Trak ${trakId} vanished while a command ran on it`);
    const at = result.events.length > 0 ? atOf(result.events[result.events.length - 1]!) : visible.view.updatedAt;
    return trakView(result.state, result.streamPosition, at);
  }
}

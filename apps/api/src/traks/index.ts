import { AnswerQuestionsResolver } from './answer-questions/answer-questions.resolver.js';
import { ApproveResolver } from './approve/approve.resolver.js';
import { ArchiveResolver } from './archive/archive.resolver.js';
import { NeedsHumanResolver } from './needs-human/needs-human.resolver.js';
import { TrakUpdatedResolver } from './trak-updated/trak-updated.resolver.js';
import { CreateTrakResolver } from './create-trak/create-trak.resolver.js';
import { CancelResolver } from './cancel/cancel.resolver.js';
import { FinishStageResolver } from './finish-stage/finish-stage.resolver.js';
import { GetTrakResolver } from './get-trak/get-trak.resolver.js';
import { InterruptResolver } from './interrupt/interrupt.resolver.js';
import { ListTraksResolver } from './list-traks/list-traks.resolver.js';
import { MergeResolver } from './merge/merge.resolver.js';
import { OpenPrResolver } from './open-pr/open-pr.resolver.js';
import { RejectResolver } from './reject/reject.resolver.js';
import { RestartStageResolver } from './restart-stage/restart-stage.resolver.js';
import { RetryResolver } from './retry/retry.resolver.js';
import { SendToStageResolver } from './send-to-stage/send-to-stage.resolver.js';
import { SetAutoModeResolver } from './set-auto-mode/set-auto-mode.resolver.js';
import { SkipStageResolver } from './skip-stage/skip-stage.resolver.js';
import { TrakHistoryResolver } from './trak-history/trak-history.resolver.js';
import { TrakTimelineResolver } from './timeline/timeline.resolver.js';
import { TrakCommandService } from './trak-command.service.js';
import { TrakReads } from './trak-reads.js';
import { TrakFeed } from '../subscriptions/trak-feed.service.js';

/** The Trak slices: one resolver per query or command. */
export const TRAK_RESOLVERS = [
  GetTrakResolver,
  ListTraksResolver,
  TrakHistoryResolver,
  TrakTimelineResolver,
  CreateTrakResolver,
  TrakUpdatedResolver,
  NeedsHumanResolver,
  ApproveResolver,
  RejectResolver,
  AnswerQuestionsResolver,
  RetryResolver,
  SkipStageResolver,
  SendToStageResolver,
  RestartStageResolver,
  FinishStageResolver,
  InterruptResolver,
  CancelResolver,
  SetAutoModeResolver,
  MergeResolver,
  OpenPrResolver,
  ArchiveResolver,
];

export const TRAK_SERVICES = [TrakReads, TrakCommandService, TrakFeed];

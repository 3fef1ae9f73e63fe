import { z } from 'zod';

/** Every status of the api's `TrakStatus`, for flags and for deciding what a watch does next. */
export const TRAK_STATUSES = [
  'Queued',
  'AgentRunning',
  'AwaitingGate',
  'GateRunning',
  'AwaitingApproval',
  'AwaitingAnswers',
  'AwaitingRejectionConfirmation',
  'Interrupted',
  'WaitingOnChildren',
  'WaitingOnDependencies',
  'Integrating',
  'Done',
  'Archived',
  'Failed',
  'Blocked',
  'Cancelled',
] as const;

export type TrakStatus = (typeof TRAK_STATUSES)[number];

/** Where a watch (or a follow) ends: 0 for these two… */
export const SUCCESSFUL_ENDS: ReadonlySet<string> = new Set(['Done', 'Archived']);
/** …and `trakUnsuccessful` for these (Failed and Blocked can be retried, but nothing moves until a person does). */
export const UNSUCCESSFUL_ENDS: ReadonlySet<string> = new Set(['Failed', 'Blocked', 'Cancelled']);

/** The fields a list row and every command's answer need. */
export const TRAK_SUMMARY = 'id projectId title status stage iteration statusDetail needsHuman { kind detail } autoMode branch baseBranch prUrl createdAt updatedAt';

export const trakSummarySchema = z.object({
  id: z.string(),
  projectId: z.string(),
  title: z.string(),
  status: z.enum(TRAK_STATUSES),
  stage: z.string().nullable(),
  iteration: z.number().nullable(),
  statusDetail: z.string().nullable(),
  needsHuman: z.object({ kind: z.string(), detail: z.string() }).nullable(),
  autoMode: z.boolean(),
  branch: z.string(),
  baseBranch: z.string(),
  prUrl: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type TrakSummary = z.infer<typeof trakSummarySchema>;

const questionSchema = z.object({
  question: z.string(),
  context: z.string().nullable(),
  options: z.array(z.object({ label: z.string(), description: z.string().nullable() })),
});

export type Question = z.infer<typeof questionSchema>;

/** Everything `ork trak show` and `ork watch` show. */
export const TRAK_DETAIL = `${TRAK_SUMMARY} description version usage { inputTokens outputTokens costUsd }
  flow { name stages { name artifact agent gate } }
  questions { question context options { label description } }
  artifacts { name stage iteration content at }
  iterations { stage iteration startedAt endedAt outcome outcomeDetail trigger { kind } }
  proposedSubtraks { title description dependsOn }
  subtraks { id title status }`;

export const trakDetailSchema = trakSummarySchema.extend({
  description: z.string(),
  version: z.number(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }),
  flow: z.object({ name: z.string(), stages: z.array(z.object({ name: z.string(), artifact: z.string(), agent: z.string(), gate: z.string().nullable() })) }),
  questions: z.array(questionSchema),
  artifacts: z.array(z.object({ name: z.string(), stage: z.string(), iteration: z.number(), content: z.string(), at: z.string() })),
  iterations: z.array(
    z.object({
      stage: z.string(),
      iteration: z.number(),
      startedAt: z.string(),
      endedAt: z.string().nullable(),
      outcome: z.string().nullable(),
      outcomeDetail: z.string().nullable(),
      trigger: z.object({ kind: z.string() }).nullable(),
    }),
  ),
  proposedSubtraks: z.array(z.object({ title: z.string(), description: z.string(), dependsOn: z.array(z.number()) })),
  subtraks: z.array(z.object({ id: z.string(), title: z.string(), status: z.string() })),
});

export type TrakDetail = z.infer<typeof trakDetailSchema>;

export const TRAK_QUERY = `query($id: ID!) { trak(id: $id) { ${TRAK_DETAIL} } }`;
export const trakQuerySchema = z.object({ trak: trakDetailSchema });

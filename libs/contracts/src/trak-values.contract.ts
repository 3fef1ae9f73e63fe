import type { AgentFailureReason, AgentKind, AgentOutput, ArtifactRecord, Resource, SiblingSummary, StageDefinition, Trigger, Usage } from '@orkestra/domain';
import { z } from 'zod';
import { mirror } from './mirror.js';

// The domain's values that travel inside jobs and results.

const id = z.string().min(1);
const count = z.number().int().nonnegative();

export const agentKindSchema = mirror<AgentKind>()(z.enum(['claudecode', 'opencode']));

export const agentFailureReasonSchema = mirror<AgentFailureReason>()(
  z.enum(['Exited', 'TimedOut', 'Stalled', 'ApiError', 'RateLimited', 'Lost', 'SpawnFailed', 'SetupFailed']),
);

export const usageSchema = mirror<Usage>()(z.object({ inputTokens: z.number().nonnegative(), outputTokens: z.number().nonnegative(), costUsd: z.number().nonnegative() }));

export const resourceSchema = mirror<Resource>()(z.object({ name: z.string(), url: z.string().optional(), description: z.string().optional() }));

export const artifactRecordSchema = mirror<ArtifactRecord>()(z.object({ name: z.string(), content: z.string(), stage: z.string(), iteration: count, at: z.string() }));

export const siblingSummarySchema = mirror<SiblingSummary>()(z.object({ trakId: id, title: z.string(), description: z.string(), dependsOn: z.array(id) }));

export const stageDefinitionSchema = mirror<StageDefinition>()(
  z.object({
    name: z.string().min(1),
    artifact: z.string().min(1),
    description: z.string().optional(),
    prompt: z.string(),
    model: z.string().optional(),
    agent: z.object({ kind: agentKindSchema, model: z.string().optional() }),
    gate: z
      .discriminatedUnion('kind', [z.object({ kind: z.literal('script'), command: z.string(), timeoutSeconds: z.number().positive() }), z.object({ kind: z.literal('agent') })])
      .optional(),
    subtasks: z.object({ flow: z.string() }).optional(),
    disallowedTools: z.array(z.object({ pattern: z.string(), message: z.string().optional() })),
    schemaFile: z.string().optional(),
    maxAttempts: count,
    agentTimeoutSeconds: z.number().positive(),
    runsOn: z.array(z.string().min(1)).optional(),
  }),
);

export const triggerSchema = mirror<Trigger>()(
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('rejection'), fromStage: z.string(), feedback: z.string() }),
    z.object({ kind: z.literal('integration'), message: z.string(), conflictFiles: z.array(z.string()) }),
    z.object({ kind: z.literal('answers'), answers: z.array(z.object({ question: z.string(), answer: z.string() })) }),
    z.object({ kind: z.literal('interrupted') }),
    z.object({ kind: z.literal('gate_failure'), error: z.string() }),
    z.object({ kind: z.literal('redirect'), fromStage: z.string(), message: z.string() }),
    z.object({ kind: z.literal('restart'), message: z.string() }),
    z.object({ kind: z.literal('user_message'), message: z.string() }),
    z.object({ kind: z.literal('malformed_output'), error: z.string(), attempt: count, maxAttempts: count }),
    z.object({ kind: z.literal('agent_failure'), reason: agentFailureReasonSchema, message: z.string() }),
  ]),
);

const outputExtras = { activityLog: z.string().optional(), resources: z.array(resourceSchema).optional() };

export const agentOutputSchema = mirror<AgentOutput>()(
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('artifact'), content: z.string(), ...outputExtras }),
    z.object({
      type: z.literal('questions'),
      questions: z.array(z.object({ question: z.string(), context: z.string().optional(), options: z.array(z.object({ label: z.string(), description: z.string().optional() })) })),
      ...outputExtras,
    }),
    z.object({
      type: z.literal('subtasks'),
      content: z.string(),
      subtasks: z.array(z.object({ title: z.string(), description: z.string(), detailedInstructions: z.string(), dependsOn: z.array(count) })),
      ...outputExtras,
    }),
    z.object({ type: z.literal('approval'), decision: z.enum(['approve', 'reject']), content: z.string(), routeTo: z.string().optional(), ...outputExtras }),
    z.object({ type: z.literal('failed'), error: z.string() }),
    z.object({ type: z.literal('blocked'), reason: z.string() }),
    z.object({ type: z.literal('malformed'), error: z.string() }),
  ]),
);

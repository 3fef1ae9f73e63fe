import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { z } from 'zod';

@InputType()
export class BudgetInput {
  @Field(() => Float, { nullable: true }) maxCostUsd?: number | null;
  @Field(() => Int, { nullable: true }) maxTokens?: number | null;
}

@InputType({ description: 'Project settings; in an update, a field left out stays as it is and `null` clears it.' })
export class ProjectSettingsInput {
  @Field(() => Int, { nullable: true }) maxConcurrentJobs?: number | null;
  @Field(() => BudgetInput, { nullable: true }) budget?: BudgetInput | null;
  @Field(() => String, { nullable: true, description: '`merge` (default) or `pr`.' }) integration?: string | null;
  @Field(() => String, { nullable: true }) webhookUrl?: string | null;
  @Field(() => String, { nullable: true }) setupScript?: string | null;
}

const budget = z.object({
  maxCostUsd: z.number().positive('must be more than 0').nullish(),
  maxTokens: z.number().int().positive('must be more than 0').nullish(),
});

/** Range and shape checks; the domain checks the rest (e.g. a webhook URL's scheme) and names the field too. */
export const projectSettingsInput = z.object({
  maxConcurrentJobs: z.number().int().min(1, 'must be at least 1').nullish(),
  budget: budget.nullish(),
  integration: z.enum(['merge', 'pr'], { error: 'must be "merge" or "pr"' }).nullish(),
  webhookUrl: z.string().trim().max(2_000, 'must be at most 2000 characters').nullish(),
  setupScript: z.string().trim().min(1, 'must not be blank').max(500, 'must be at most 500 characters').nullish(),
});

type Parsed = z.infer<typeof projectSettingsInput>;

/** Only the keys the client sent, with null kept (it clears the setting). */
export function settingsPatch(parsed: Parsed): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value === undefined) continue;
    if (key === 'budget' && value !== null) {
      const b = value as NonNullable<Parsed['budget']>;
      out[key] = { ...(b.maxCostUsd != null && { maxCostUsd: b.maxCostUsd }), ...(b.maxTokens != null && { maxTokens: b.maxTokens }) };
    } else out[key] = value;
  }
  return out;
}

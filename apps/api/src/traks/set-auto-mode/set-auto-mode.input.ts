import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields } from '../trak-command.input.js';

@InputType()
export class SetAutoModeInput extends TrakCommandInput {
  @Field(() => Boolean) enabled!: boolean;
}

export const setAutoModeInput = z.object({ ...trakCommandFields, enabled: z.boolean(), });

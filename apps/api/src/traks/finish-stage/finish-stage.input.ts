import { InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields } from '../trak-command.input.js';

@InputType()
export class FinishStageInput extends TrakCommandInput {
}

export const finishStageInput = z.object({ ...trakCommandFields, });

import { InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields } from '../trak-command.input.js';

@InputType()
export class MergeInput extends TrakCommandInput {
}

export const mergeInput = z.object({ ...trakCommandFields, });

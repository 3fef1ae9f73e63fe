import { InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields } from '../trak-command.input.js';

@InputType()
export class ApproveInput extends TrakCommandInput {
}

export const approveInput = z.object({ ...trakCommandFields, });

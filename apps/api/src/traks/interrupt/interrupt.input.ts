import { InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields } from '../trak-command.input.js';

@InputType()
export class InterruptInput extends TrakCommandInput {
}

export const interruptInput = z.object({ ...trakCommandFields, });

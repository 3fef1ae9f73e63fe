import { InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields } from '../trak-command.input.js';

@InputType()
export class OpenPrInput extends TrakCommandInput {
}

export const openPrInput = z.object({ ...trakCommandFields, });

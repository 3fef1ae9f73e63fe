import { InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields } from '../trak-command.input.js';

@InputType()
export class ArchiveInput extends TrakCommandInput {
}

export const archiveInput = z.object({ ...trakCommandFields, });

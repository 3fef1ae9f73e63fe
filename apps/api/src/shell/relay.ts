import { Field, ObjectType } from '@nestjs/graphql';
import { ApiError } from './api-error.js';

@ObjectType({ description: 'Where a page stands in the whole list.' })
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' }) endCursor?: string;
}

/** Opaque page cursors: a list's sort key, so a page is read with an index and never skips or repeats a row. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, field: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === shape.length && key.every((k, i) => typeof k === shape[i])) return key as (string | number)[];
  } catch {
    // reported below
  }
  throw new ApiError('VALIDATION_FAILED', `${field}: not a cursor this list gave out; pass a pageInfo.endCursor or an edge's cursor`, { field });
}

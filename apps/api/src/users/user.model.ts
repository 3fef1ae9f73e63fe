import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'An API token, without its secret (shown only once, when issued).' })
export class ApiTokenInfo {
  @Field(() => String) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) createdAt!: string;
  @Field(() => String, { nullable: true }) expiresAt?: string;
  @Field(() => String, { nullable: true }) revokedAt?: string;
}

@ObjectType({ description: 'A person or a service (gateway, runner, bot) that calls the api.' })
export class User {
  @Field(() => String) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) email?: string;
  @Field(() => String, { description: '`human` or `service`.' }) kind!: string;
  @Field(() => Boolean) instanceAdmin!: boolean;
  @Field(() => Boolean) disabled!: boolean;
  @Field(() => [ApiTokenInfo]) tokens!: ApiTokenInfo[];
}

@ObjectType({ description: 'A newly issued token: store `token` now, it is never shown again.' })
export class IssuedToken {
  @Field(() => User) user!: User;
  @Field(() => ApiTokenInfo) info!: ApiTokenInfo;
  @Field(() => String) token!: string;
}

import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Limits on what the Traks of a project may spend in total.' })
export class Budget {
  @Field(() => Float, { nullable: true }) maxCostUsd?: number;
  @Field(() => Int, { nullable: true }) maxTokens?: number;
}

@ObjectType()
export class ProjectSettings {
  @Field(() => Int, { nullable: true, description: 'Jobs of this project out on runners at once; the server default when absent.' })
  maxConcurrentJobs?: number;
  @Field(() => Budget, { nullable: true }) budget?: Budget;
  @Field(() => String, { description: '`merge` or `pr`: what a finished Trak does by default.' }) integration!: string;
  @Field(() => String, { nullable: true, description: 'Where notices about Traks needing people, blocked or done are posted.' }) webhookUrl?: string;
  @Field(() => String, { nullable: true, description: 'A script in the repository run in each new worktree.' }) setupScript?: string;
}

@ObjectType()
export class ProjectMember {
  @Field(() => String) userId!: string;
  @Field(() => String, { description: '`viewer`, `reviewer` or `admin`.' }) role!: string;
}

@ObjectType({ description: 'A git repository Orkestra runs Traks on.' })
export class Project {
  @Field(() => String, { description: 'The slug chosen at registration (used in CLI commands and bus subjects).' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'The git remote runners fetch and push (never with credentials).' }) remote!: string;
  @Field(() => String) baseBranch!: string;
  @Field(() => String, { nullable: true, description: 'The flow new Traks run when none is named; the first flow of the workflow when absent.' })
  defaultFlow?: string;
  @Field(() => ProjectSettings) settings!: ProjectSettings;
  @Field(() => String, { description: '`Active` or `Archived`.' }) status!: string;
  @Field(() => [ProjectMember], { description: 'Visible to the project admins only; others see themselves.' }) members!: ProjectMember[];
  @Field(() => String, { nullable: true, description: 'Your role on the project (none: you see it as an instance admin).' }) myRole?: string;
  @Field(() => String) createdAt!: string;
  @Field(() => String) updatedAt!: string;
}

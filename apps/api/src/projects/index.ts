import { ArchiveProjectResolver } from './archive-project/archive-project.resolver.js';
import { FlowsResolver } from './flows/flows.resolver.js';
import { GetProjectResolver } from './get-project/get-project.resolver.js';
import { ProjectCommandService } from './project-command.service.js';
import { ProjectReads } from './project-reads.js';
import { ProjectRepositories } from './project-repositories.js';
import { RegisterProjectResolver } from './register-project/register-project.resolver.js';
import { RemoveMemberResolver } from './remove-member/remove-member.resolver.js';
import { SetMemberRoleResolver } from './set-member-role/set-member-role.resolver.js';
import { UpdateProjectResolver } from './update-project/update-project.resolver.js';

export const PROJECT_RESOLVERS = [GetProjectResolver, FlowsResolver, RegisterProjectResolver, UpdateProjectResolver, SetMemberRoleResolver, RemoveMemberResolver, ArchiveProjectResolver];
export const PROJECT_SERVICES = [ProjectReads, ProjectCommandService, ProjectRepositories];

/** Who sends a request: a user or a service, identified by the API token it presented. */
export interface Caller {
  readonly userId: string;
  readonly name: string;
  readonly kind: 'human' | 'service';
  /** May do anything on every project, including registering projects and users. */
  readonly instanceAdmin: boolean;
  readonly tokenId: string;
}

// Body of POST /v1/lists/:listId/subscribers. The DTO only declares which fields
// exist (so the global ValidationPipe refuses unknown ones); their content is
// checked by @postline/list/domain, which gives each problem its own code
// (INVALID_EMAIL, INVALID_NAME, INVALID_ATTRIBUTES, INVALID_CONSENT) instead of a
// generic 400.
import { Allow } from 'class-validator';

export class SubscriberDto {
  @Allow()
  email?: unknown;

  @Allow()
  name?: unknown;

  @Allow()
  attributes?: unknown;

  @Allow()
  consent?: unknown;
}

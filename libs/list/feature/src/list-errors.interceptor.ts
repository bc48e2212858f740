// Turns the feature's ListError into the platform's DomainError on the way out
// of a controller, so REST errors keep the one JSON shape of HttpErrorsFilter.
import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { ListError } from '@postline/list/domain';
import { DomainError } from '@postline/platform/http';
import { catchError, type Observable } from 'rxjs';
import { httpStatusOf } from './list-error-status';

@Injectable()
export class ListErrorsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) => {
        if (e instanceof ListError) throw new DomainError(httpStatusOf(e.code), e.code, e.message);
        throw e;
      }),
    );
  }
}

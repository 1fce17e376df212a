import { isAppError } from '@im/common';
import type { Logger } from '@im/common';
import { ErrorCodes } from '@im/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { userOf } from './http-auth';

/** The one error handler of the HTTP API: registry errors as `{code, name, error}`, the rest as 500. */
export function installErrorHandler(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isAppError(err)) {
      // Authentication and authorisation refusals are security events: always logged (never the token).
      if (err.httpStatus === 401 || err.httpStatus === 403) {
        logger.info(
          {
            code: err.error.code,
            reason: err.error.reason,
            method: request.method,
            route: request.routeOptions.url,
            userId: userOf(request),
            origin: request.headers.origin,
            address: request.ip,
            reqId: request.id,
          },
          'request refused',
        );
      }
      if (err.cause !== undefined)
        logger.warn(
          { err: err.cause, url: request.url, reqId: request.id, code: err.error.code },
          'request not served',
        );
      return reply.status(err.httpStatus).send({ code: err.error.code, name: err.error.name, error: err.error.reason });
    }
    if (err.validation || err.statusCode === 400 || err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const e = ErrorCodes.IM_ERR_BAD_REQUEST;
      return reply.status(400).send({ code: e.code, name: 'IM_ERR_BAD_REQUEST', error: err.message });
    }
    if (err.statusCode === 413) {
      const e = ErrorCodes.IM_ERR_TOO_LARGE;
      return reply.status(413).send({ code: e.code, name: 'IM_ERR_TOO_LARGE', error: e.message });
    }
    logger.error({ err, url: request.url, reqId: request.id }, 'request failed');
    const e = ErrorCodes.IM_ERR_INTERNAL;
    return reply.status(500).send({ code: e.code, name: 'IM_ERR_INTERNAL', error: e.message });
  });
  app.setNotFoundHandler((_request, reply) => {
    const e = ErrorCodes.IM_ERR_NOT_FOUND;
    return reply.status(404).send({ code: e.code, name: 'IM_ERR_NOT_FOUND', error: 'no such route' });
  });
}

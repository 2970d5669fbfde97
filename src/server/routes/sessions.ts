import { z } from 'zod';
import { FillbookError } from '../../domain/index.js';
import { type LoginThrottle, loginKeys, sessionCookieName, sessionTtlMs, type Sessions } from '../../users/index.js';
import type { TypedApp } from './typed.js';

const sessionBody = z.object({ user: z.object({ id: z.uuid(), name: z.string() }), csrf_token: z.string() });

/** Dashboard sign-in: a password set with `fillbook users passwd`, a session cookie (HttpOnly, SameSite=Strict). */
export function registerSessionRoutes(app: TypedApp, { sessions, secureCookies, throttle }: { sessions: Sessions; secureCookies: boolean; throttle: LoginThrottle }): void {
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: secureCookies };

  app.post(
    '/auth/login',
    { schema: { operationId: 'signIn', summary: 'Dashboard sign-in with a password (sets the session cookie)', body: z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(200) }), response: { 200: sessionBody }, security: [] } },
    async (request, reply) => {
      // Locked keys are refused before the password is looked at, so guessing on stops paying.
      const keys = loginKeys(request.body.name, request.ip);
      await throttle.check(keys);
      const signedIn = await sessions.signIn(request.body.name, request.body.password);
      if (signedIn === undefined) {
        await throttle.recordFailure(keys);
        throw new FillbookError('FILLBOOK_ERR_UNAUTHORIZED', 'unknown user or wrong password', {});
      }
      await throttle.recordSuccess(keys);
      reply.setCookie(sessionCookieName, signedIn.token, { ...cookieOptions, maxAge: Math.floor(sessionTtlMs / 1000) });
      return { user: { id: signedIn.session.user.id, name: signedIn.session.user.name }, csrf_token: signedIn.session.csrfToken };
    },
  );

  app.get('/auth/session', { schema: { operationId: 'getSession', summary: 'The signed-in session and its CSRF token', response: { 200: sessionBody } } }, async (request) => {
    const token = request.cookies[sessionCookieName];
    const session = token === undefined ? undefined : await sessions.find(token);
    if (session === undefined) throw new FillbookError('FILLBOOK_ERR_UNAUTHORIZED', 'not signed in', {});
    return { user: { id: session.user.id, name: session.user.name }, csrf_token: session.csrfToken };
  });

  app.post('/auth/logout', { schema: { operationId: 'signOut', summary: 'Sign out (clears the session cookie)', response: { 200: z.object({ signed_out: z.boolean() }) } } }, async (request, reply) => {
    const token = request.cookies[sessionCookieName];
    if (token !== undefined) await sessions.signOut(token);
    reply.clearCookie(sessionCookieName, cookieOptions);
    return { signed_out: true };
  });
}
